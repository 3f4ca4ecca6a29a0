package io.ephpm.jetty.launcher;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code java -jar ephpm-server.jar --app DIR ...}: serves a PHP app with an embedded Jetty, or,
 * with {@code install-jetty-module}, installs the ePHPm module into a Jetty base.
 */
public final class Main {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        List<String> arguments = Arrays.asList(args);
        if (arguments.contains("--help") || arguments.contains("-h")) {
            System.out.print(LauncherOptions.USAGE);
            return EXIT_OK;
        }
        if (!arguments.isEmpty() && arguments.get(0).equals(JettyModuleInstaller.COMMAND)) {
            return JettyModuleInstaller.run(arguments.subList(1, arguments.size()));
        }
        LauncherOptions options;
        try {
            options = LauncherOptions.parse(args);
        } catch (UsageException e) {
            System.err.println("ephpm-server: " + e.getMessage());
            System.err.print(LauncherOptions.USAGE);
            return EXIT_USAGE;
        }
        return serve(options);
    }

    private static int serve(LauncherOptions options) {
        EmbeddedServer server = new EmbeddedServer(options.host(), options.port(), options.app());
        try {
            server.start();
        } catch (Exception e) {
            System.err.println("ePHPm could not start " + options.app().appRoot() + ": " + rootMessage(e));
            stopQuietly(server);
            return EXIT_FAILED;
        }
        AtomicBoolean stopping = new AtomicBoolean();
        ProcessSignals.onStop(() -> {
            if (!stopping.compareAndSet(false, true)) {
                System.err.println("ePHPm: stopping now, without waiting");
                Runtime.getRuntime().halt(EXIT_FAILED);
            }
            System.out.println("ePHPm stopping: finishing in-flight requests");
            stopQuietly(server);
        });
        boolean reloads = ProcessSignals.onReload(() -> {
            System.out.println("ePHPm reloading " + options.app().appRoot() + ": booting fresh workers");
            try {
                server.reload();
                System.out.println("ePHPm reloaded");
            } catch (Exception e) {
                System.err.println("ePHPm reload failed: " + rootMessage(e));
            }
        });
        if (!reloads) {
            System.err.println("ePHPm: this platform has no SIGUSR1; reloading by signal is off");
        }
        String mode = RunningMode.of(options.app().contextPath()).orElse(options.app().mode());
        System.out.println("ePHPm serving " + options.app().appRoot() + " in " + mode + " mode on "
                + options.url(server.port()) + " with " + options.app().workers() + " workers");
        try {
            server.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_FAILED;
        }
        System.out.println("ePHPm stopped");
        return EXIT_OK;
    }

    private static void stopQuietly(EmbeddedServer server) {
        try {
            server.stop();
        } catch (Exception e) {
            System.err.println("ePHPm: stopping failed: " + rootMessage(e));
        }
    }

    static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }
}
