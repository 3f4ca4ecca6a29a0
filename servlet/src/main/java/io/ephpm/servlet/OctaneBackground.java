package io.ephpm.servlet;

import io.ephpm.php.PhpRequest;
import io.ephpm.php.PhpRuntime;
import io.ephpm.php.PhpTables;
import io.ephpm.php.PhpTaskPool;
import io.ephpm.php.PhpThread;
import io.ephpm.php.TaskRunner;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * What an octane app runs beside its request workers, each on PHP threads of its own that boot
 * the same app: the task workers of {@code Octane::concurrently()} ({@code task-workers} of them,
 * none when 0), and one tick thread that Octane's {@code TickReceived} reaches about once a second.
 * A tick is fired only when the previous one has ended: a slow tick delays later ticks, never requests.
 */
final class OctaneBackground {
    private static final Logger LOG = Logger.getLogger(OctaneBackground.class.getName());
    static final String ROLE_VARIABLE = "EPHPM_WORKER_ROLE";
    private static final byte[] TICK = new byte[0];

    private final PhpTaskPool tasks;
    private final PhpTaskPool ticks;
    private final ScheduledExecutorService clock;
    private final AtomicLong ticksFired = new AtomicLong();
    private final AtomicLong ticksFailed = new AtomicLong();
    private final String name;

    /**
     * @param bootRequest the boot variables of a thread of the given role ("task" or "tick")
     * @param threadSetup what every PHP thread of the app gets (ini, environment, tables, log sink)
     */
    OctaneBackground(Settings settings, PhpRuntime runtime, String name, Function<String, PhpRequest> bootRequest,
                     java.util.function.Consumer<PhpThread.Builder> threadSetup) {
        this.name = name;
        this.tasks = settings.taskWorkers() == 0 ? null : pool(settings, runtime, name + "-task", settings.taskWorkers(),
                bootRequest.apply("task"), threadSetup);
        this.ticks = pool(settings, runtime, name + "-tick", 1, bootRequest.apply("tick"), threadSetup);
        this.clock = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-tick-clock");
            t.setDaemon(true);
            return t;
        });
    }

    private static PhpTaskPool pool(Settings settings, PhpRuntime runtime, String name, int threads, PhpRequest bootRequest,
                                    java.util.function.Consumer<PhpThread.Builder> threadSetup) {
        return PhpTaskPool.builder(runtime, settings.workerScript().orElseThrow())
                .threads(threads)
                .name(name)
                .eachThread(builder -> {
                    threadSetup.accept(builder);
                    builder.bootRequest(bootRequest);
                })
                .build();
    }

    void start() {
        if (tasks != null) {
            tasks.start();
        }
        ticks.start();
        clock.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    /** Runs the tasks request workers hand over; null when the app has no task workers. */
    TaskRunner taskRunner() {
        return tasks;
    }

    private void tick() {
        CompletableFuture<TaskRunner.Result> tick = ticks.offerIfIdle(TICK);
        if (tick == null) {
            return;
        }
        ticksFired.incrementAndGet();
        tick.thenAccept(result -> {
            if (result.state() != TaskRunner.Result.State.DONE) {
                ticksFailed.incrementAndGet();
                LOG.warning(name + ": a tick failed: " + new String(result.bytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
        });
    }

    /** After the request workers have stopped: their last requests may still have waited on tasks. */
    void stop(Duration drain) {
        clock.shutdownNow();
        ticks.stop(Duration.ZERO);
        if (tasks != null) {
            tasks.stop(drain);
        }
    }

    Map<String, Object> status() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("taskWorkers", Map.of("total", taskWorkersTotal(), "busy", taskWorkersBusy(),
                "idle", taskWorkersTotal() - taskWorkersBusy(), "queued", taskQueueDepth()));
        s.put("tasks", Map.of("completed", tasksCompleted(), "failed", tasksFailed(), "timedOut", tasksTimedOut()));
        s.put("ticks", Map.of("fired", ticksFired(), "failed", ticksFailed()));
        return s;
    }

    int taskWorkersTotal() {
        return tasks == null ? 0 : tasks.threads();
    }

    int taskWorkersBusy() {
        return tasks == null ? 0 : tasks.busyThreads();
    }

    int taskQueueDepth() {
        return tasks == null ? 0 : tasks.queued();
    }

    long tasksCompleted() {
        return tasks == null ? 0 : tasks.completed();
    }

    long tasksFailed() {
        return tasks == null ? 0 : tasks.failed();
    }

    long tasksTimedOut() {
        return tasks == null ? 0 : tasks.cancelled();
    }

    long ticksFired() {
        return ticksFired.get();
    }

    long ticksFailed() {
        return ticksFailed.get();
    }
}
