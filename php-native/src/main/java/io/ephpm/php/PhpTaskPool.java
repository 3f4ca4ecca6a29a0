package io.ephpm.php;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * PHP threads that run tasks: each runs a worker script whose requests are tasks, the payload as
 * the request body ({@code php://input}) and what the script prints as the result. Request threads
 * hand tasks over through {@link TaskRunner}; a task unfinished when its caller stops waiting is
 * cancelled, dropped from the queue or its execution ended, so no task thread stays taken by a
 * caller that is gone. Threads are replaced when their script ends, with back-off while they fail
 * to boot, and retire for an OPcache restart as request workers do.
 */
public final class PhpTaskPool implements TaskRunner, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PhpTaskPool.class.getName());
    private static final long MAX_BOOT_BACKOFF_MILLIS = 30_000;

    private final PhpRuntime runtime;
    private final Path script;
    private final int size;
    private final String name;
    private final int maxResultBytes;
    private final Consumer<PhpThread.Builder> threadSetup;
    private final LinkedBlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    private final Map<Integer, Slot> slots = new ConcurrentHashMap<>();
    private final ScheduledExecutorService respawns;
    private final AtomicInteger generation = new AtomicInteger();
    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicInteger consecutiveBootFailures = new AtomicInteger();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong cancelled = new AtomicLong();
    private volatile AutoCloseable opcacheListener;
    private volatile boolean stopping;

    private PhpTaskPool(Builder b) {
        this.runtime = Objects.requireNonNull(b.runtime, "runtime");
        this.script = Objects.requireNonNull(b.script, "script");
        this.size = b.threads;
        this.name = b.name;
        this.maxResultBytes = b.maxResultBytes;
        this.threadSetup = b.threadSetup;
        this.respawns = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-respawn");
            t.setDaemon(true);
            return t;
        });
    }

    public static Builder builder(PhpRuntime runtime, Path script) {
        return new Builder(runtime, script);
    }

    public void start() {
        opcacheListener = runtime.onOpcacheRestartPending(this::retireForOpcacheRestart);
        for (int i = 0; i < size; i++) {
            spawn(i);
        }
    }

    public int threads() {
        return size;
    }

    public int busyThreads() {
        return busy.get();
    }

    public int queued() {
        return queue.size();
    }

    /** Tasks that ran to their end. */
    public long completed() {
        return completed.get();
    }

    /** Tasks ended by an error: a fatal error, exit(), their thread's crash, too much output. */
    public long failed() {
        return failed.get();
    }

    /** Tasks whose caller stopped waiting before they ended. */
    public long cancelled() {
        return cancelled.get();
    }

    @Override
    public List<Result> run(List<byte[]> payloads, Duration wait) throws InterruptedException {
        if (stopping) {
            return payloads.stream().map(p -> Result.failed(name + " is stopping")).toList();
        }
        long deadline = System.nanoTime() + wait.toNanos();
        List<Task> tasks = new ArrayList<>(payloads.size());
        for (byte[] payload : payloads) {
            Task task = new Task(payload);
            tasks.add(task);
            queue.add(task);
        }
        List<Result> results = new ArrayList<>(tasks.size());
        try {
            for (Task task : tasks) {
                results.add(await(task, deadline));
            }
        } catch (InterruptedException e) {
            tasks.forEach(this::cancel);
            throw e;
        }
        return results;
    }

    private Result await(Task task, long deadline) throws InterruptedException {
        try {
            return task.result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return cancel(task) ? Result.UNFINISHED : task.result.getNow(Result.UNFINISHED);
        } catch (ExecutionException e) {
            return Result.failed(String.valueOf(e.getCause()));
        }
    }

    @Override
    public boolean dispatch(List<byte[]> payloads) {
        if (stopping) {
            return false;
        }
        payloads.forEach(payload -> queue.add(new Task(payload)));
        return true;
    }

    /**
     * Queues the task only when no task is queued or running, for work that must not pile up
     * (ticks). The result, or null when the pool was busy.
     */
    public CompletableFuture<Result> offerIfIdle(byte[] payload) {
        if (stopping || busy.get() > 0 || !queue.isEmpty()) {
            return null;
        }
        Task task = new Task(payload);
        queue.add(task);
        return task.result;
    }

    /** Stops the task's execution or drops it from the queue; false when it had ended first. */
    private boolean cancel(Task task) {
        if (task.state.compareAndSet(Task.State.QUEUED, Task.State.CANCELLED)) {
            queue.remove(task);
        } else if (task.state.get() == Task.State.RUNNING) {
            Slot slot = task.slot;
            synchronized (slot) {
                if (slot.current != task || !task.state.compareAndSet(Task.State.RUNNING, Task.State.CANCELLED)) {
                    return false;
                }
                slot.thread.interruptExecution();
            }
        } else {
            return false;
        }
        cancelled.incrementAndGet();
        task.result.complete(Result.UNFINISHED);
        return true;
    }

    private void spawn(int id) {
        if (stopping) {
            return;
        }
        Slot slot = new Slot(id);
        PhpThread.Builder builder = PhpThread.worker(runtime, script, () -> take(slot))
                .workerId(id)
                .name(name + "-" + id + "." + generation.incrementAndGet())
                .listener((thread, outcome, error) -> ended(slot, outcome, error));
        threadSetup.accept(builder);
        slot.thread = builder.build();
        slots.put(id, slot);
        slot.thread.start();
    }

    private PhpExchange take(Slot slot) throws InterruptedException {
        slot.booted = true;
        consecutiveBootFailures.set(0);
        while (true) {
            if (slot.retiring || stopping) {
                return null;
            }
            Task task = queue.take();
            synchronized (slot) {
                if (!task.state.compareAndSet(Task.State.QUEUED, Task.State.RUNNING)) {
                    continue;
                }
                task.slot = slot;
                slot.current = task;
            }
            busy.incrementAndGet();
            PhpRequest request = PhpRequest.builder()
                    .variable("REQUEST_METHOD", "POST")
                    .variable("REQUEST_URI", "/")
                    .variable("SERVER_PROTOCOL", "HTTP/1.1")
                    .variable("CONTENT_TYPE", "application/octet-stream")
                    .variable("CONTENT_LENGTH", Integer.toString(task.payload.length))
                    .body(new ByteArrayInputStream(task.payload))
                    .build();
            return new PhpExchange(request, new TaskResponse(task, slot));
        }
    }

    private void ended(Slot slot, Outcome outcome, String error) {
        slots.remove(slot.id, slot);
        if (stopping) {
            return;
        }
        long delay = 0;
        if (!slot.booted) {
            int failures = consecutiveBootFailures.incrementAndGet();
            delay = Math.min(MAX_BOOT_BACKOFF_MILLIS, 500L << Math.min(failures - 1, 10));
            LOG.severe(name + ": the task worker script " + script + " failed to boot (" + outcome
                    + (error.isEmpty() ? "" : ": " + error) + "); starting it again in " + delay + " ms");
        } else if (outcome.isFailure() && !slot.retiring) {
            LOG.warning(name + ": a task worker ended (" + outcome + (error.isEmpty() ? "" : ": " + error) + "); replacing it");
        }
        respawns.schedule(() -> spawn(slot.id), delay, TimeUnit.MILLISECONDS);
    }

    /** OPcache restarts only when no PHP thread is inside a request: each task worker ends after its task. */
    private void retireForOpcacheRestart() {
        for (Slot slot : slots.values()) {
            slot.retiring = true;
            synchronized (slot) {
                if (slot.current == null) {
                    slot.thread.interrupt();
                }
            }
        }
    }

    /**
     * Stops taking tasks; queued ones fail, running ones get {@code drain} to end before their
     * execution is ended. Returns when every task thread has ended or the drain and a grace period passed.
     */
    public void stop(Duration drain) {
        stopping = true;
        try {
            AutoCloseable listener = opcacheListener;
            if (listener != null) {
                listener.close();
            }
        } catch (Exception e) {
            LOG.log(Level.FINE, "closing the OPcache listener", e);
        }
        for (Task task; (task = queue.poll()) != null; ) {
            if (task.state.compareAndSet(Task.State.QUEUED, Task.State.CANCELLED)) {
                task.result.complete(Result.failed(name + " is stopping"));
            }
        }
        List<PhpThread> threads = slots.values().stream().map(s -> s.thread).toList();
        for (Slot slot : slots.values()) {
            synchronized (slot) {
                if (slot.current == null) {
                    slot.thread.interrupt();
                }
            }
        }
        long deadline = System.nanoTime() + drain.toNanos();
        for (PhpThread thread : threads) {
            join(thread, deadline);
        }
        for (PhpThread thread : threads) {
            if (thread.isAlive()) {
                thread.interruptExecution();
                thread.interrupt();
            }
        }
        long grace = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (PhpThread thread : threads) {
            join(thread, grace);
        }
        respawns.shutdownNow();
    }

    private static void join(Thread thread, long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return;
        }
        try {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }

    private static final class Task {
        enum State { QUEUED, RUNNING, DONE, CANCELLED }

        final byte[] payload;
        final AtomicReference<State> state = new AtomicReference<>(State.QUEUED);
        final CompletableFuture<Result> result = new CompletableFuture<>();
        volatile Slot slot;

        Task(byte[] payload) {
            this.payload = payload;
        }
    }

    /** One task thread's place; its lock orders a cancel against the thread moving to its next task. */
    private static final class Slot {
        final int id;
        volatile PhpThread thread;
        volatile boolean booted;
        volatile boolean retiring;
        Task current;

        Slot(int id) {
            this.id = id;
        }
    }

    /** What a task printed, up to the pool's limit; the task's result when PHP completes it. */
    private final class TaskResponse implements PhpResponse {
        private final Task task;
        private final Slot slot;
        private final ByteArrayOutputStream output = new ByteArrayOutputStream();
        private boolean tooLarge;

        TaskResponse(Task task, Slot slot) {
            this.task = task;
            this.slot = slot;
        }

        @Override
        public void headers(int status, List<Header> headers) {
        }

        @Override
        public void body(ByteBuffer chunk) throws IOException {
            if (output.size() + (long) chunk.remaining() > maxResultBytes) {
                tooLarge = true;
                throw new IOException("task output over " + maxResultBytes + " bytes");
            }
            byte[] bytes = new byte[chunk.remaining()];
            chunk.get(bytes);
            output.writeBytes(bytes);
        }

        @Override
        public void flush() {
        }

        @Override
        public void complete(Outcome outcome, String error) {
            synchronized (slot) {
                slot.current = null;
            }
            busy.decrementAndGet();
            if (!task.state.compareAndSet(Task.State.RUNNING, Task.State.DONE)) {
                return;
            }
            Result result;
            if (tooLarge) {
                result = Result.failed("the task printed more than " + maxResultBytes + " bytes");
            } else if (outcome == Outcome.OK) {
                result = Result.done(output.toByteArray());
            } else {
                result = Result.failed("the task ended with " + outcome + (error.isEmpty() ? "" : ": " + error));
            }
            (result.state() == Result.State.DONE ? completed : failed).incrementAndGet();
            task.result.complete(result);
        }
    }

    public static final class Builder {
        private final PhpRuntime runtime;
        private final Path script;
        private int threads = 1;
        private String name = "php-tasks";
        private int maxResultBytes = 64 * 1024 * 1024;
        private Consumer<PhpThread.Builder> threadSetup = b -> { };

        private Builder(PhpRuntime runtime, Path script) {
            this.runtime = runtime;
            this.script = script;
        }

        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("a task pool needs at least one thread, not " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** Names the pool's threads ({@code name-<id>.<generation>}) and its log lines. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name);
            return this;
        }

        /** The most bytes a task may print; past it the task fails. */
        public Builder maxResultBytes(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxResultBytes must be positive, not " + bytes);
            }
            this.maxResultBytes = bytes;
            return this;
        }

        /** Sets up each task thread as it is built: ini, environment, boot request, tables, log sink. */
        public Builder eachThread(Consumer<PhpThread.Builder> setup) {
            this.threadSetup = Objects.requireNonNull(setup);
            return this;
        }

        public PhpTaskPool build() {
            return new PhpTaskPool(this);
        }
    }
}
