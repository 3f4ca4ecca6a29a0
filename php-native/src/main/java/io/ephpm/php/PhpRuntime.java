package io.ephpm.php;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.Objects;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The process-wide PHP runtime: {@code php_module_startup} runs once per JVM and is never undone.
 *
 * <p>A second webapp, a redeploy, or a second classloader asking for it gets the running runtime:
 * libephpm itself remembers that it started, so even a copy of this class in another classloader
 * cannot start PHP twice. Settings PHP reads only at startup ({@link PhpRuntimeConfig#isStartupOnly})
 * must then be the same as the running runtime's, or the start fails with a
 * {@link StartupSettingConflictException} naming the setting.
 */
public final class PhpRuntime {
    private static final Logger LOG = Logger.getLogger(PhpRuntime.class.getName());
    private static final AtomicReference<PhpRuntime> INSTANCE = new AtomicReference<>();
    private static final Duration CLEANER_EXIT_WAIT = Duration.ofSeconds(5);
    /** Starts (or joins) not yet released, in this classloader. */
    private static final AtomicInteger USERS = new AtomicInteger();

    private final PhpRuntimeConfig config;
    private final String description;
    private final List<Runnable> opcacheRestartListeners = new CopyOnWriteArrayList<>();
    private volatile boolean opcacheRestartPending;
    private volatile long opcacheRestartAnnouncedNanos;

    private PhpRuntime(PhpRuntimeConfig config, String description) {
        this.config = config;
        this.description = description;
    }

    /** Starts PHP with this configuration, or returns the runtime that is already running. */
    public static PhpRuntime start(PhpRuntimeConfig config) {
        PhpRuntime runtime = startOrJoin(config);
        USERS.incrementAndGet();
        return runtime;
    }

    private static PhpRuntime startOrJoin(PhpRuntimeConfig config) {
        PhpRuntime running = INSTANCE.get();
        if (running != null) {
            requireSameStartupSettings(config);
            warnIfDifferent(running, config);
            return running;
        }
        synchronized (PhpRuntime.class) {
            running = INSTANCE.get();
            if (running != null) {
                requireSameStartupSettings(config);
                warnIfDifferent(running, config);
                return running;
            }
            int result = startOnOwnThread(config);
            if (result < 0) {
                throw new IllegalStateException("PHP runtime failed to start: " + EphpmLibrary.ephpm_startup_error());
            }
            if (result == 1) {
                requireSameStartupSettings(config);
            }
            PhpRuntime runtime = new PhpRuntime(config, EphpmLibrary.ephpm_runtime_describe());
            if (result == 1) {
                LOG.info("Joined the PHP runtime another classloader already started; its settings apply");
            } else {
                LOG.info("PHP runtime started: " + runtime.description + " from " + config.home());
            }
            INSTANCE.set(runtime);
            return runtime;
        }
    }

    /** The runtime this classloader started or joined, if any. */
    public static java.util.Optional<PhpRuntime> running() {
        return java.util.Optional.ofNullable(INSTANCE.get());
    }

    /** Starts PHP from the configured PHP home with default settings. */
    public static PhpRuntime startDefault() {
        return start(PhpRuntimeConfig.builder().build());
    }

    /**
     * libephpm is mapped and php_module_startup runs on a short-lived thread of their own, so that
     * PHP's main-thread context belongs to no webapp thread and no worker thread, and what JNA
     * keeps per thread once it has mapped a function (thread-locals holding the webapp's copy of
     * JNA) dies with that thread instead of pinning an undeployed webapp's classloader on a thread
     * the container keeps.
     */
    private static int startOnOwnThread(PhpRuntimeConfig config) {
        byte[] env = environmentBlock(config);
        int[] result = {-1};
        Throwable[] failure = new Throwable[1];
        Thread starter = new Thread(() -> {
            try {
                NativeLoader.load(config.home());
                result[0] = EphpmLibrary.ephpm_runtime_start(
                        config.iniFile().map(Object::toString).orElse(null), config.iniEntries(), env, env.length);
            } catch (RuntimeException | Error e) {
                failure[0] = e;
            }
        }, "ephpm-startup");
        starter.start();
        boolean interrupted = false;
        while (true) {
            try {
                starter.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // PHP's start-up cannot be abandoned half-way
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure[0] instanceof RuntimeException e) {
            throw e;
        }
        if (failure[0] instanceof Error e) {
            throw e;
        }
        return result[0];
    }

    private static byte[] environmentBlock(PhpRuntimeConfig config) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        config.environment().forEach((k, v) -> {
            out.writeBytes((k + "=" + v).getBytes(StandardCharsets.UTF_8));
            out.write(0);
        });
        return out.toByteArray();
    }

    /**
     * Settings PHP reads only at startup take effect for the first start alone; a later start (another
     * webapp, a redeploy, another classloader) that asks for another value is refused rather than run
     * silently with the running one. Compared with what libephpm itself started with, so a runtime
     * another classloader started is checked too.
     */
    private static void requireSameStartupSettings(PhpRuntimeConfig requested) {
        Map<String, String> running = PhpRuntimeConfig.parseIniEntries(EphpmLibrary.ephpm_runtime_ini_entries());
        Map<String, String> asked = PhpRuntimeConfig.parseIniEntries(requested.iniEntries());
        for (String name : requested.ini().keySet()) {
            if (PhpRuntimeConfig.isStartupOnly(name) && !Objects.equals(running.get(name), asked.get(name))) {
                throw new StartupSettingConflictException(name, running.get(name), asked.get(name));
            }
        }
        String runningIniFile = EphpmLibrary.ephpm_runtime_ini_path();
        requested.iniFile().map(Object::toString).filter(path -> !path.equals(runningIniFile)).ifPresent(path -> {
            throw new StartupSettingConflictException(null, runningIniFile.isEmpty() ? null : runningIniFile, path);
        });
    }

    private static void warnIfDifferent(PhpRuntime running, PhpRuntimeConfig requested) {
        if (!running.config.ini().equals(requested.ini()) || !running.config.environment().equals(requested.environment())) {
            LOG.log(Level.WARNING, "The PHP runtime is already running; php.ini overrides and environment given"
                    + " later are ignored (one PHP runtime exists per JVM)");
        }
    }

    /**
     * Lets an undeployed webapp's classloader go, once the last user of the runtime in it (each
     * {@link #start} call) has released it. PHP itself keeps running for the next deploy.
     *
     * <ul>
     * <li>When ePHPm's classes are the webapp's own, libephpm's functions are unregistered: JNA's
     * direct mapping holds each mapped method in a JNI global reference, which would keep the
     * webapp's classes for good. Only when none of this classloader's PHP threads still runs (one
     * the pool gave up on, blocked outside PHP's reach), since a call in progress reads what
     * unregistering frees: then the classes stay, and a warning says so.</li>
     * <li>When JNA is the webapp's own too, its "JNA Cleaner" thread, which the pinned PHP
     * libraries keep busy for good, is stopped and waited for.</li>
     * </ul>
     * A JNA or an ePHPm shared by the container is left alone.
     */
    public static void release(ClassLoader webapp) {
        if (webapp == null || USERS.decrementAndGet() > 0) {
            return;
        }
        if (EphpmLibrary.class.getClassLoader() == webapp && INSTANCE.get() != null) {
            int running = PhpThread.running();
            if (running == 0) {
                synchronized (PhpRuntime.class) {
                    // a start after this (the container restarting the servlet in the same
                    // classloader) maps libephpm again and joins the running PHP
                    INSTANCE.set(null);
                    NativeLoader.unregister();
                }
            } else {
                LOG.warning(running + " PHP thread(s) of this webapp still run; libephpm stays registered and the"
                        + " webapp's classes stay loaded until the JVM exits");
            }
        }
        if (com.sun.jna.Native.class.getClassLoader() != webapp) {
            return;
        }
        List<Thread> cleaners = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if ("JNA Cleaner".equals(thread.getName()) && thread.getClass().getClassLoader() == webapp) {
                thread.interrupt();
                cleaners.add(thread);
            }
        }
        // gone before the container checks the webapp's threads, which it does as soon as this returns
        long deadline = System.nanoTime() + CLEANER_EXIT_WAIT.toNanos();
        for (Thread cleaner : cleaners) {
            try {
                cleaner.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public PhpRuntimeConfig config() {
        return config;
    }

    /** For example {@code 8.2.32;zts=1;timers=1}. */
    public String description() {
        return description;
    }

    public String phpVersion() {
        return description.split(";", 2)[0];
    }

    /**
     * Calls the listener, on the thread that learnt of it, when OPcache has a restart of its shared
     * memory pending ({@code opcache_reset()}, or a full cache). The restart happens when no PHP
     * thread of the JVM is inside a request, and a worker script is inside one for its whole life:
     * worker pools retire their workers on this call. A restart still pending
     * {@value #OPCACHE_RESTART_REANNOUNCE_SECONDS} s later (a long request elsewhere kept the cache in
     * use) is announced again. Closing the returned handle removes the listener.
     */
    public AutoCloseable onOpcacheRestartPending(Runnable listener) {
        opcacheRestartListeners.add(listener);
        return () -> opcacheRestartListeners.remove(listener);
    }

    /** Asks libephpm whether an OPcache restart is pending, and tells the listeners: a periodic check. */
    public void checkOpcacheRestart() {
        observeOpcacheRestart(EphpmLibrary.ephpm_opcache_restart_scheduled() != 0);
    }

    static final long OPCACHE_RESTART_REANNOUNCE_SECONDS = 10;

    /** What libephpm said after a request; costs a volatile read unless a restart is pending. */
    void observeOpcacheRestart(boolean pending) {
        if (!pending) {
            if (opcacheRestartPending) {
                opcacheRestartPending = false;
            }
            return;
        }
        synchronized (opcacheRestartListeners) {
            long now = System.nanoTime();
            if (opcacheRestartPending
                    && now - opcacheRestartAnnouncedNanos < TimeUnit.SECONDS.toNanos(OPCACHE_RESTART_REANNOUNCE_SECONDS)) {
                return;
            }
            opcacheRestartAnnouncedNanos = now;
            opcacheRestartPending = true;
        }
        for (Runnable listener : opcacheRestartListeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "An OPcache restart listener failed", e);
            }
        }
    }
}
