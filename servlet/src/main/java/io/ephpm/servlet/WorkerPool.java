package io.ephpm.servlet;

import io.ephpm.php.Outcome;
import io.ephpm.php.PhpExchange;
import io.ephpm.php.PhpRequest;
import io.ephpm.php.PhpRuntime;
import io.ephpm.php.PhpTables;
import io.ephpm.php.PhpThread;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The PHP threads of one app and the FIFO queue in front of them.
 *
 * <p>Threads are rotated after {@code max-requests} or past {@code max-memory}, replaced when their
 * worker script dies, and restarted with exponential back-off when they fail to boot. Stopping
 * drains: no new admissions, queued and in-flight requests finish within the grace period, then
 * the threads end. The process-wide PHP runtime is never stopped.
 */
final class WorkerPool implements WorkerPoolMXBean {
    private static final Logger LOG = Logger.getLogger(WorkerPool.class.getName());
    private static final long MAX_BOOT_BACKOFF_MILLIS = 30_000;
    private static final long QUEUE_SWEEP_MILLIS = 100;
    private static final int CPUS = Runtime.getRuntime().availableProcessors();
    /** How long a stop waits for PHP threads it interrupted past the drain period. */
    private static final long INTERRUPT_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final Settings settings;
    private final PhpRuntime runtime;
    private final PhpTables tables;
    private final String name;
    private final PhpThread.LogSink logSink;
    private final RequestQueue queue;
    /** Octane's task workers and tick thread; null unless the app runs in octane mode. */
    private final OctaneBackground background;
    private final Map<PhpThread, Slot> live = new ConcurrentHashMap<>();
    private final Set<BufferedBody> bodiesReading = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timers;
    private final AtomicInteger generation = new AtomicInteger();
    private final AtomicInteger consecutiveBootFailures = new AtomicInteger();
    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong rotations = new AtomicLong();
    private final AtomicLong crashes = new AtomicLong();
    private final AtomicLong bootFailures = new AtomicLong();
    private final AtomicLong queueTimeouts = new AtomicLong();
    private final AtomicLong replays = new AtomicLong();
    private final AtomicLong totalRequestNanos = new AtomicLong();
    private final AtomicLong maxRequestNanos = new AtomicLong();
    private final AtomicInteger opcacheReload = new AtomicInteger();
    private final AtomicLong opcacheReloads = new AtomicLong();
    private volatile AutoCloseable opcacheRestartListener;
    /** Tomcat ends an async request whose write failed on its own: its error handling runs as the write fails. */
    private final boolean containerClosesFailedWrites;
    private volatile boolean admitting;
    private volatile boolean stopping;
    private volatile boolean bootFailing;
    private long lastSpinReview = System.nanoTime();
    private final PoolMetrics metrics = new PoolMetrics(this);

    /** One PHP thread's place in the pool. */
    private static final class Slot {
        final int id;
        volatile PhpThread thread;
        volatile boolean booted;
        volatile boolean retiring;
        volatile RequestQueue.Taker taker;
        final int opcacheReload;

        Slot(int id, int opcacheReload) {
            this.id = id;
            this.opcacheReload = opcacheReload;
        }
    }

    WorkerPool(Settings settings, PhpRuntime runtime, PhpTables tables, String name, PhpThread.LogSink logSink,
               boolean containerClosesFailedWrites) {
        this.containerClosesFailedWrites = containerClosesFailedWrites;
        this.settings = settings;
        this.runtime = runtime;
        this.tables = tables;
        this.name = name;
        this.logSink = logSink;
        this.queue = new RequestQueue(settings.idleSpin().toNanos());
        this.background = settings.mode() == Mode.OCTANE
                ? new OctaneBackground(settings, runtime, name, role -> bootRequest(-1, role), this::setUpThread)
                : null;
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-timers");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        admitting = true;
        timers.scheduleWithFixedDelay(this::expireOverdue, QUEUE_SWEEP_MILLIS, QUEUE_SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(this::reviewSpinning, QUEUE_SWEEP_MILLIS, QUEUE_SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(this::expireSlowBodies, QUEUE_SWEEP_MILLIS, QUEUE_SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        if (settings.mode() != Mode.CLASSIC) {
            opcacheRestartListener = runtime.onOpcacheRestartPending(this::reloadForOpcacheRestart);
            timers.scheduleWithFixedDelay(runtime::checkOpcacheRestart, QUEUE_SWEEP_MILLIS, QUEUE_SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        }
        if (background != null) {
            background.start();
        }
        for (int i = 0; i < settings.workers(); i++) {
            spawn(i);
        }
    }

    /**
     * OPcache restarts its shared memory only when no PHP thread of the JVM is inside a request, and
     * a worker script is inside one for its whole life: every worker retires as it finishes its
     * current request, idle ones at once, and the fresh workers boot on the restarted cache.
     * Requests wait in the queue meanwhile.
     */
    private void reloadForOpcacheRestart() {
        if (stopping) {
            return;
        }
        opcacheReload.incrementAndGet();
        opcacheReloads.incrementAndGet();
        int workers = live.size();
        LOG.info(name + ": OPcache restarts its shared memory (opcache_reset(), or a full cache): reloading the "
                + workers + " PHP workers as they finish their requests");
        for (int i = 0; i < workers; i++) {
            queue.offerFirst(PendingRequest.RELOAD);
        }
    }

    /** Queues a request; false when the pool does not admit it (stopping, or workers fail to boot). */
    boolean submit(PendingRequest pending) {
        if (!admitting || bootFailing) {
            return false;
        }
        queue.offerLast(pending);
        return true;
    }

    /**
     * Answers 503 to the requests that waited past the queue timeout. One sweep every
     * {@link #QUEUE_SWEEP_MILLIS} instead of a timer per request: a cancelled timer would stay in
     * the scheduler's queue for the whole timeout, which at thousands of requests a second is a
     * heap full of dead timers for the garbage collector to copy.
     */
    private void expireOverdue() {
        long now = System.nanoTime();
        long timeout = settings.queueTimeout().toNanos();
        for (PendingRequest pending : queue.snapshot()) {
            if (pending.isOverdue(now, timeout) && pending.expire()) {
                queue.remove(pending);
                queueTimeouts.incrementAndGet();
                OctaneServlet.sendUnavailable(pending, "No PHP worker became free within " + settings.queueTimeout().toSeconds() + " s");
            }
        }
    }

    /** A request body now being read off the PHP threads, watched for body-timeout and body-min-rate. */
    void readingBody(BufferedBody body) {
        bodiesReading.add(body);
        if (!admitting) {
            body.fail(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "The app is shutting down");
        }
    }

    /** Answers 408 to the bodies too slow to wait for; forgets those no longer being read. The same sweep as the queue's. */
    private void expireSlowBodies() {
        long now = System.nanoTime();
        for (BufferedBody body : bodiesReading) {
            if (!body.isReading() || body.expireIfTooSlow(now)) {
                bodiesReading.remove(body);
            }
        }
    }

    /** On the timer thread, every {@link #QUEUE_SWEEP_MILLIS}. */
    private void reviewSpinning() {
        long now = System.nanoTime();
        queue.reviewSpinning(CpuLoad.sinceLastCall(), now - lastSpinReview, CPUS);
        lastSpinReview = now;
    }

    private void spawn(int id) {
        if (stopping) {
            return;
        }
        Slot slot = new Slot(id, opcacheReload.get());
        PhpThread.Builder builder = settings.mode() == Mode.CLASSIC
                ? PhpThread.classic(runtime, () -> take(slot))
                : PhpThread.worker(runtime, settings.workerScript().orElseThrow(), () -> take(slot)).bootRequest(bootRequest(id, "request"));
        setUpThread(builder);
        PhpThread thread = builder.workerId(id)
                .name(name + "-php-" + id + "." + generation.incrementAndGet())
                .listener(this::ended)
                .tasks(background == null ? null : background.taskRunner())
                .build();
        slot.thread = thread;
        slot.taker = new RequestQueue.Taker(thread);
        live.put(thread, slot);
        thread.start();
    }

    /** What every PHP thread of the app gets, request workers and Octane's task and tick threads alike. */
    private void setUpThread(PhpThread.Builder builder) {
        builder.ini(settings.threadIni())
                .environment(settings.environment())
                .logSink(logSink)
                .tables(tables);
    }

    /**
     * The worker script's $_SERVER until its first request; role is "request", or "task" and "tick"
     * for Octane's other threads. FrankenPHP's worker scripts look for FRANKENPHP_WORKER.
     */
    private PhpRequest bootRequest(int id, String role) {
        PhpRequest.Builder boot = PhpRequest.builder();
        settings.workerEnvironment().forEach(boot::variable);
        boot.variable("APP_BASE_PATH", settings.appRoot().toString())
                .variable("DOCUMENT_ROOT", settings.documentRoot().toString())
                .variable("SCRIPT_FILENAME", settings.workerScript().orElseThrow().toString())
                .variable("EPHPM_MODE", settings.mode().lowerCase())
                .variable("EPHPM_WORKER_ID", Integer.toString(id))
                .variable("EPHPM_MAX_REQUESTS", Long.toString(settings.maxRequests()))
                .variable(OctaneBackground.ROLE_VARIABLE, role);
        if (settings.mode() == Mode.WORKER) {
            boot.variable("FRANKENPHP_WORKER", "1");
        }
        return boot.build();
    }

    /**
     * The exchange source of one PHP thread: blocks for the next request, or null to end the thread.
     * No timed poll: a poll that comes back empty only when the pool is idle is a branch the JIT
     * compiles out under load and deoptimises on in every idle spell.
     */
    private PhpExchange take(Slot slot) throws InterruptedException {
        if (!slot.booted) {
            booted(slot);
        }
        PhpThread thread = slot.thread;
        if (dueForRotation(thread) || slot.opcacheReload != opcacheReload.get()) {
            slot.retiring = true;
            return null;
        }
        while (true) {
            // a spin on a CPU that a busy PHP thread needs would slow that thread down
            PendingRequest pending = queue.take(slot.taker, busy.get() + 1 < CPUS);
            if (pending == PendingRequest.STOP) {
                queue.offerFirst(pending);
                return null;
            }
            if (pending == PendingRequest.RELOAD) {
                if (slot.opcacheReload != opcacheReload.get()) {
                    slot.retiring = true;
                    return null;
                }
                continue;
            }
            if (pending.claim()) {
                busy.incrementAndGet();
                return new PhpExchange(pending.php, new ServletPhpResponse(pending.request, pending.response, (o, e, writeFailed) -> completed(pending, o, e, writeFailed)));
            }
        }
    }

    private boolean dueForRotation(PhpThread thread) {
        return (settings.maxRequests() > 0 && thread.requestsServed() >= settings.maxRequests())
                || (settings.maxMemoryBytes() > 0 && thread.memoryUsage() > settings.maxMemoryBytes());
    }

    private void booted(Slot slot) {
        slot.booted = true;
        if (settings.mode() != Mode.CLASSIC && (bootFailing || consecutiveBootFailures.get() > 0)) {
            LOG.info(name + ": PHP worker " + slot.id + " booted; serving again");
        }
        consecutiveBootFailures.set(0);
        bootFailing = false;
    }

    private void completed(PendingRequest pending, Outcome outcome, String error, boolean writeFailed) {
        busy.decrementAndGet();
        long nanos = System.nanoTime() - pending.takenNanos;
        requests.incrementAndGet();
        totalRequestNanos.addAndGet(nanos);
        maxRequestNanos.accumulateAndGet(nanos, Math::max);
        metrics.requestCompleted(nanos);
        HttpServletResponse response = pending.response;
        // exit() ends a worker script normally, with its response as PHP produced it: nothing to replay
        boolean workerDied = settings.mode() != Mode.CLASSIC && outcome != Outcome.OK && outcome != Outcome.EXIT;
        try {
            if (workerDied && outcome != Outcome.TIMEOUT && pending.isSafeMethod() && !pending.replayed
                    && !response.isCommitted() && admitting) {
                response.reset();
                if (pending.php.body() instanceof BufferedBody body) {
                    body.reset();
                }
                pending.replayed = true;
                pending.requeue();
                replays.incrementAndGet();
                queue.offerFirst(pending);
                return;
            }
            boolean failed = outcome.isFailure() || workerDied;
            if (!response.isCommitted()) {
                if (outcome == Outcome.TIMEOUT) {
                    response.setStatus(HttpServletResponse.SC_GATEWAY_TIMEOUT);
                } else if (failed && response.getStatus() < 500) {
                    response.setStatus(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
                }
            } else if (writeFailed && containerClosesFailedWrites) {
                // Tomcat has already begun its own error handling on a container thread and closes the
                // connection; a dispatch racing with it corrupts its request recycling, complete() does not
                pending.finish();
                completeQuietly(pending);
                return;
            } else if (failed || writeFailed) {
                // part of the body is out: the client must see a broken response, not a short one
                pending.finish();
                pending.request.setAttribute(OctaneServlet.ABORT_ATTRIBUTE, writeFailed ? "writing to the client failed"
                        : outcome + (error.isEmpty() ? "" : ": " + error));
                pending.async.dispatch();
                return;
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, name + ": finishing a response failed", e);
        }
        pending.finish();
        completeQuietly(pending);
    }

    private void completeQuietly(PendingRequest pending) {
        try {
            pending.async.complete();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, name + ": async context already completed", e);
        }
    }

    private void ended(PhpThread thread, Outcome outcome, String error) {
        Slot slot = live.remove(thread);
        if (slot == null || stopping) {
            return;
        }
        if (slot.retiring || (slot.booted && (outcome == Outcome.SCRIPT_ENDED || outcome == Outcome.EXIT))) {
            // rotated by the pool, or the script ended by itself (its own request limit, or exit())
            rotations.incrementAndGet();
            spawn(slot.id);
        } else if (settings.mode() != Mode.CLASSIC && !slot.booted) {
            bootFailed(slot, outcome, error);
        } else {
            crashes.incrementAndGet();
            LOG.warning(name + ": PHP worker " + slot.id + " ended (" + outcome + ")" + (error.isEmpty() ? "" : ": " + error)
                    + "; starting a fresh one");
            spawn(slot.id);
        }
    }

    private void bootFailed(Slot slot, Outcome outcome, String error) {
        bootFailures.incrementAndGet();
        int failures = consecutiveBootFailures.incrementAndGet();
        long delay = Math.min(MAX_BOOT_BACKOFF_MILLIS, 1000L << Math.min(failures - 1, 15));
        String cause = error.isEmpty() ? outcome.toString() : error;
        LOG.severe(name + ": PHP worker " + slot.id + " failed to boot " + settings.workerScript().orElseThrow() + " ("
                + outcome + "): " + cause + "; retrying in " + delay + " ms");
        if (live.values().stream().noneMatch(s -> s.booted)) {
            bootFailing = true;
            PendingRequest queued;
            while ((queued = queue.pollFirst()) != null) {
                if (queued.expire()) {
                    OctaneServlet.sendUnavailable(queued, "The PHP app failed to boot; the server log names the cause");
                }
            }
        }
        try {
            timers.schedule(() -> spawn(slot.id), delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the pool is stopping
        }
    }

    boolean isBootFailing() {
        return bootFailing;
    }


    /** Stops admission, lets queued and in-flight requests finish within the grace period, then ends the threads. */
    void stop(Duration grace) {
        admitting = false;
        closeOpcacheRestartListener();
        long deadline = System.nanoTime() + grace.toNanos();
        for (BufferedBody body : bodiesReading) {
            body.fail(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "The app is shutting down");
        }
        while (!queue.isEmpty() && System.nanoTime() < deadline) {
            sleep(20);
        }
        stopping = true;
        expireQueued();
        queue.offerLast(PendingRequest.STOP);
        joinThreads(deadline);
        // past the drain period, PHP still running (a sleep(), a slow query) is ended as its
        // max_execution_time would end it: its client gets 504, and the stop does not wait for it
        List<Slot> overdue = List.copyOf(live.values());
        for (Slot slot : overdue) {
            if (slot.thread.interruptExecution()) {
                LOG.warning(name + ": PHP thread " + slot.thread.getName() + " still ran after the " + grace.toSeconds()
                        + " s drain period; its script was stopped");
            }
        }
        if (!overdue.isEmpty() && !joinThreads(System.nanoTime() + INTERRUPT_GRACE_NANOS)) {
            for (Slot slot : live.values()) {
                LOG.warning(name + ": PHP thread " + slot.thread.getName() + " does not stop (blocked outside PHP's reach);"
                        + " it is left to finish on its own");
            }
        }
        expireQueued();
        // for the threads still busy: they end when they next take
        queue.offerLast(PendingRequest.STOP);
        if (background != null) {
            background.stop(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        timers.shutdownNow();
        try {
            timers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void expireQueued() {
        PendingRequest queued;
        while ((queued = queue.pollFirst()) != null) {
            if (queued == PendingRequest.STOP || queued == PendingRequest.RELOAD) {
                continue;
            }
            if (queued.expire()) {
                OctaneServlet.sendUnavailable(queued, "The app is shutting down");
            }
        }
    }

    /** @return true when every PHP thread ended before the deadline */
    private boolean joinThreads(long deadlineNanos) {
        for (Slot slot : List.copyOf(live.values())) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            try {
                slot.thread.join(Math.max(1, left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return live.values().stream().noneMatch(slot -> slot.thread.isAlive());
    }

    private void closeOpcacheRestartListener() {
        AutoCloseable listener = opcacheRestartListener;
        if (listener != null) {
            try {
                listener.close();
            } catch (Exception e) {
                LOG.log(Level.FINE, name + ": closing the OPcache restart listener failed", e);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    PoolMetrics metrics() {
        return metrics;
    }

    Map<String, Object> snapshot() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("mode", getMode());
        s.put("workers", Map.of("total", getWorkersTotal(), "busy", getWorkersBusy(), "idle", getWorkersIdle()));
        s.put("queueDepth", getQueueDepth());
        s.put("requests", getRequests());
        s.put("rotations", getRotations());
        s.put("crashes", getCrashes());
        s.put("bootFailures", getBootFailures());
        s.put("queueTimeouts", getQueueTimeouts());
        s.put("replays", getReplays());
        s.put("opcacheReloads", getOpcacheReloads());
        s.put("tables", Map.of("count", getTableCount(), "memoryBytes", getTableMemoryBytes()));
        Map<String, Object> cluster = tables.clusterStatus();
        if (!cluster.isEmpty()) {
            s.put("cluster", cluster);
        }
        if (background != null) {
            s.putAll(background.status());
        }
        s.put("averageRequestMillis", getAverageRequestMillis());
        s.put("maxRequestMillis", getMaxRequestMillis());
        s.put("bootFailing", bootFailing);
        return s;
    }

    @Override
    public String getMode() {
        return settings.mode().lowerCase();
    }

    @Override
    public int getWorkersTotal() {
        return live.size();
    }

    @Override
    public int getWorkersBusy() {
        return Math.max(0, busy.get());
    }

    @Override
    public int getWorkersIdle() {
        return Math.max(0, getWorkersTotal() - getWorkersBusy());
    }

    @Override
    public int getQueueDepth() {
        int depth = queue.size();
        return stopping && queue.contains(PendingRequest.STOP) ? depth - 1 : depth;
    }

    @Override
    public long getRequests() {
        return requests.get();
    }

    @Override
    public long getRotations() {
        return rotations.get();
    }

    @Override
    public long getCrashes() {
        return crashes.get();
    }

    @Override
    public long getBootFailures() {
        return bootFailures.get();
    }

    @Override
    public long getQueueTimeouts() {
        return queueTimeouts.get();
    }

    @Override
    public long getReplays() {
        return replays.get();
    }

    @Override
    public long getOpcacheReloads() {
        return opcacheReloads.get();
    }

    @Override
    public double getAverageRequestMillis() {
        long n = requests.get();
        return n == 0 ? 0 : totalRequestNanos.get() / 1e6 / n;
    }

    @Override
    public long getMaxRequestMillis() {
        return TimeUnit.NANOSECONDS.toMillis(maxRequestNanos.get());
    }

    /** Members of the app's cluster as this node sees them; 0 without a cluster. */
    @Override
    public int getClusterMembers() {
        return tables.clusterStatus().get("members") instanceof Number n ? n.intValue() : 0;
    }

    @Override
    public int getTableCount() {
        return tables.tableCount();
    }

    @Override
    public long getTableMemoryBytes() {
        return tables.memoryBytes();
    }

    @Override
    public int getTaskWorkersTotal() {
        return background == null ? 0 : background.taskWorkersTotal();
    }

    @Override
    public int getTaskWorkersBusy() {
        return background == null ? 0 : background.taskWorkersBusy();
    }

    @Override
    public int getTaskQueueDepth() {
        return background == null ? 0 : background.taskQueueDepth();
    }

    @Override
    public long getTasksCompleted() {
        return background == null ? 0 : background.tasksCompleted();
    }

    @Override
    public long getTasksFailed() {
        return background == null ? 0 : background.tasksFailed();
    }

    @Override
    public long getTasksTimedOut() {
        return background == null ? 0 : background.tasksTimedOut();
    }

    @Override
    public long getTicksFired() {
        return background == null ? 0 : background.ticksFired();
    }

    @Override
    public long getTicksFailed() {
        return background == null ? 0 : background.ticksFailed();
    }
}
