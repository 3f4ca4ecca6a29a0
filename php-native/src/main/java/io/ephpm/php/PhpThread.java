package io.ephpm.php;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A platform thread that owns one PHP (TSRM) context from its start to its end and runs PHP in one
 * of two styles:
 * <ul>
 *   <li><b>classic</b>: every exchange is one fresh PHP request of its SCRIPT_FILENAME, as php-fpm runs it;</li>
 *   <li><b>worker</b>: a worker script boots once and takes exchanges with {@code \Ephpm\Worker\take_request()}.</li>
 * </ul>
 * The thread stops when its {@link ExchangeSource} returns null, or when a worker script ends; the
 * {@link Listener} then learns how it ended.
 */
public final class PhpThread extends Thread {
    private static final AtomicInteger RUNNING = new AtomicInteger();
    /** PHP recurses on the C stack through internal callbacks; give it room. */
    public static final long DEFAULT_STACK_SIZE = 32L * 1024 * 1024;
    private static final Logger PHP_LOG = Logger.getLogger("io.ephpm.php.PHP");

    /** Learns how a PHP thread ended. Called on the PHP thread, after its context is freed. */
    @FunctionalInterface
    public interface Listener {
        void ended(PhpThread thread, Outcome outcome, String lastError);
    }

    /** Receives PHP's log lines (error_log, startup errors, worker boot output). */
    @FunctionalInterface
    public interface LogSink {
        void log(PhpThread thread, int syslogLevel, String message);
    }

    private final PhpRuntime runtime;
    private final int workerId;
    private final ExchangeSource source;
    private final Path workerScript;
    private final PhpRequest bootRequest;
    private final PhpRequest ini;
    private final PhpRequest environment;
    private final Listener listener;
    private final LogSink logSink;
    private final PhpTables tables;
    private final TaskRunner tasks;

    // Strong references: libephpm holds these callbacks' native trampolines for the thread's life.
    private final EphpmLibrary.NextRequest nextRequestCallback = this::onNextRequest;
    private final EphpmLibrary.Emit emitCallback = this::onEmit;
    private final EphpmLibrary.ReadBody readBodyCallback = this::onReadBody;
    private final EphpmLibrary.Log logCallback = this::onLog;
    private final EphpmLibrary.RunTasks runTasksCallback = this::onRunTasks;

    private Memory envelope;
    private java.nio.ByteBuffer envelopeView;
    private Memory bootEnvelope;
    private byte[] copyBuffer = new byte[64 * 1024];
    private Memory taskAnswer;
    private PhpExchange current;
    private boolean clientGone;
    private volatile boolean busy;
    private volatile long requests;
    private volatile long memoryUsage;
    private volatile long nativeToken;

    private PhpThread(Builder b) {
        super(null, null, b.name != null ? b.name : "php-" + b.workerId, b.stackSize);
        this.runtime = Objects.requireNonNull(b.runtime, "runtime");
        Objects.requireNonNull(runtime.description());
        this.workerId = b.workerId;
        this.source = Objects.requireNonNull(b.source, "source");
        this.workerScript = b.workerScript;
        this.bootRequest = b.bootRequest != null ? b.bootRequest : PhpRequest.builder().build();
        PhpRequest.Builder ini = PhpRequest.builder();
        b.ini.forEach(ini::variable);
        this.ini = ini.build();
        PhpRequest.Builder environment = PhpRequest.builder();
        b.environment.forEach(environment::variable);
        this.environment = environment.build();
        this.listener = b.listener != null ? b.listener : (t, o, e) -> { };
        this.logSink = b.logSink != null ? b.logSink : PhpThread::defaultLog;
        this.tables = b.tables;
        this.tasks = b.tasks;
        setDaemon(true);
    }

    public static Builder classic(PhpRuntime runtime, ExchangeSource source) {
        return new Builder(runtime, source, null);
    }

    public static Builder worker(PhpRuntime runtime, Path workerScript, ExchangeSource source) {
        return new Builder(runtime, source, Objects.requireNonNull(workerScript));
    }

    public int workerId() {
        return workerId;
    }

    /** True while an exchange is being served. */
    public boolean isBusy() {
        return busy;
    }

    /** Requests served by this thread (in worker mode: by its worker script). */
    public long requestsServed() {
        return requests;
    }

    /**
     * Ends the PHP code this thread runs as {@code max_execution_time} would, from any thread: the
     * script stops with PHP's timeout error, and a blocking call such as {@code sleep()} returns at
     * once. For a stop that cannot wait any longer.
     *
     * @return false when the thread runs no PHP context (not started, or ended)
     */
    public boolean interruptExecution() {
        long token = nativeToken;
        return token != 0 && EphpmLibrary.ephpm_thread_interrupt(token) == 1;
    }

    /** Memory the PHP heap held after the last request (memory_get_usage(true)), in bytes. */
    public long memoryUsage() {
        return memoryUsage;
    }

    /** PHP threads of this classloader that are running (they make native calls until they end). */
    static int running() {
        return RUNNING.get();
    }

    @Override
    public void run() {
        RUNNING.incrementAndGet();
        try {
            runAttached();
        } finally {
            RUNNING.decrementAndGet();
        }
    }

    private void runAttached() {
        Outcome outcome = Outcome.NOT_ATTACHED;
        String error = "";
        Memory iniMemory = pack(ini);
        Memory environmentMemory = pack(environment);
        if (EphpmLibrary.ephpm_thread_attach(workerId, iniMemory, environmentMemory, nextRequestCallback, emitCallback, readBodyCallback, logCallback) != 0) {
            listener.ended(this, outcome, "the PHP runtime is not running");
            return;
        }
        nativeToken = EphpmLibrary.ephpm_thread_token();
        if (tables != null && !tables.useOnCurrentThread()) {
            nativeToken = 0;
            EphpmLibrary.ephpm_thread_detach();
            listener.ended(this, outcome, "the app's shared tables are closed");
            return;
        }
        if (tasks != null) {
            EphpmLibrary.ephpm_thread_use_tasks(runTasksCallback);
        }
        try {
            if (workerScript != null) {
                bootEnvelope = pack(bootRequest);
                outcome = Outcome.of(EphpmLibrary.ephpm_worker_run(workerScript.toString(), bootEnvelope));
                completeUnfinished(outcome);
            } else {
                outcome = runClassic();
            }
            error = outcome.isFailure() ? EphpmLibrary.ephpm_last_error() : "";
        } catch (Throwable t) {
            outcome = Outcome.FATAL;
            error = t.toString();
            PHP_LOG.log(Level.SEVERE, getName() + ": unexpected failure in the PHP thread", t);
        } finally {
            nativeToken = 0;
            EphpmLibrary.ephpm_thread_detach();
            busy = false;
            java.lang.ref.Reference.reachabilityFence(iniMemory);
            java.lang.ref.Reference.reachabilityFence(environmentMemory);
        }
        listener.ended(this, outcome, error);
    }

    private Outcome runClassic() {
        while (true) {
            PhpExchange exchange;
            try {
                exchange = source.take();
            } catch (InterruptedException e) {
                return Outcome.OK;
            }
            if (exchange == null) {
                return Outcome.OK;
            }
            begin(exchange);
            int result = EphpmLibrary.ephpm_execute_classic(packEnvelope(exchange.request()));
            runtime.observeOpcacheRestart((result & EphpmLibrary.OPCACHE_RESTART_PENDING) != 0);
            Outcome outcome = Outcome.of(result & 0xff);
            completeUnfinished(outcome);
            requests++;
            memoryUsage = EphpmLibrary.ephpm_memory_usage();
        }
    }

    private void begin(PhpExchange exchange) {
        current = exchange;
        clientGone = false;
        busy = true;
    }

    /** Completes the current exchange if PHP ended without its final emit. */
    private void completeUnfinished(Outcome outcome) {
        PhpExchange exchange = current;
        if (exchange != null) {
            current = null;
            busy = false;
            exchange.response().complete(outcome, outcome.isFailure() ? EphpmLibrary.ephpm_last_error() : "");
        }
    }

    private static Memory pack(PhpRequest request) {
        int size = request.envelopeSize();
        Memory memory = new Memory(size);
        request.writeEnvelope(memory.getByteBuffer(0, size).order(ByteOrder.nativeOrder()));
        return memory;
    }

    /** Packs into this thread's envelope buffer, through one buffer view kept as long as the buffer. */
    private Memory packEnvelope(PhpRequest request) {
        int size = request.envelopeSize();
        if (envelope == null || envelope.size() < size) {
            envelope = new Memory(Math.max(size, 8 * 1024));
            envelopeView = envelope.getByteBuffer(0, envelope.size()).order(ByteOrder.nativeOrder());
        }
        envelopeView.clear();
        request.writeEnvelope(envelopeView);
        return envelope;
    }

    // ------------------------------------------------------------------ callbacks from libephpm

    private Pointer onNextRequest(long memory, int flags, int status, Pointer headers, int headersLength, Pointer body,
                                  int bodyLength) {
        runtime.observeOpcacheRestart((flags & EphpmLibrary.OPCACHE_RESTART_PENDING) != 0);
        flags &= ~EphpmLibrary.OPCACHE_RESTART_PENDING;
        if (flags != 0) {
            onEmit(flags, status, headers, headersLength, body, bodyLength);
        }
        memoryUsage = memory;
        try {
            PhpExchange exchange = source.take();
            if (exchange == null) {
                return null;
            }
            begin(exchange);
            requests++;
            return packEnvelope(exchange.request());
        } catch (InterruptedException e) {
            return null;
        } catch (Throwable t) {
            PHP_LOG.log(Level.SEVERE, getName() + ": failed to take the next request", t);
            return null;
        }
    }

    private int onEmit(int flags, int status, Pointer headers, int headersLength, Pointer body, int bodyLength) {
        PhpExchange exchange = current;
        if (exchange == null) {
            return EphpmLibrary.CLIENT_GONE;
        }
        PhpResponse response = exchange.response();
        if ((flags & EphpmLibrary.EMIT_INFORMATIONAL) != 0) {
            if (!clientGone) {
                try {
                    response.informational(status, parseHeaders(headers, headersLength));
                } catch (IOException | RuntimeException e) {
                    clientGone = true;
                    PHP_LOG.log(Level.FINE, getName() + ": the client is gone", e);
                }
            }
            return clientGone ? EphpmLibrary.CLIENT_GONE : EphpmLibrary.CLIENT_OK;
        }
        if (!clientGone) {
            try {
                if ((flags & EphpmLibrary.EMIT_HEADERS) != 0) {
                    response.headers(status, parseHeaders(headers, headersLength));
                }
                if ((flags & EphpmLibrary.EMIT_SENDFILE) != 0) {
                    sendFile(response, new String(body.getByteArray(0, bodyLength), StandardCharsets.UTF_8));
                } else if (bodyLength > 0) {
                    response.body(body.getByteBuffer(0, bodyLength));
                }
                if ((flags & EphpmLibrary.EMIT_FLUSH) != 0) {
                    response.flush();
                }
            } catch (IOException | RuntimeException e) {
                clientGone = true;
                PHP_LOG.log(Level.FINE, getName() + ": the client is gone", e);
            }
        }
        if ((flags & EphpmLibrary.EMIT_FINAL) != 0) {
            current = null;
            busy = false;
            Outcome outcome = Outcome.of((flags >>> EphpmLibrary.EMIT_OUTCOME_SHIFT) & 0xff);
            try {
                response.complete(outcome, outcome.isFailure() ? EphpmLibrary.ephpm_last_error() : "");
            } catch (RuntimeException e) {
                PHP_LOG.log(Level.WARNING, getName() + ": completing a response failed", e);
            }
        }
        return clientGone ? EphpmLibrary.CLIENT_GONE : EphpmLibrary.CLIENT_OK;
    }

    private static void sendFile(PhpResponse response, String spec) throws IOException {
        int first = spec.indexOf(':');
        int second = spec.indexOf(':', first + 1);
        long offset = Long.parseLong(spec.substring(0, first));
        long length = Long.parseLong(spec.substring(first + 1, second));
        response.sendFile(java.nio.file.Path.of(spec.substring(second + 1)), offset, length);
    }

    private static List<PhpResponse.Header> parseHeaders(Pointer headers, int length) {
        List<PhpResponse.Header> result = new ArrayList<>(16);
        if (length <= 0) {
            return result;
        }
        byte[] bytes = headers.getByteArray(0, length);
        int start = 0;
        while (start < length) {
            int end = start;
            int colon = -1;
            while (end < length && bytes[end] != '\n') {
                if (colon < 0 && bytes[end] == ':') {
                    colon = end;
                }
                end++;
            }
            if (colon > start) {
                int valueStart = colon + 1;
                while (valueStart < end && bytes[valueStart] == ' ') {
                    valueStart++;
                }
                result.add(new PhpResponse.Header(new String(bytes, start, colon - start, StandardCharsets.ISO_8859_1),
                        new String(bytes, valueStart, end - valueStart, StandardCharsets.ISO_8859_1)));
            }
            start = end + 1;
        }
        return result;
    }

    private int onReadBody(Pointer buffer, int max) {
        PhpExchange exchange = current;
        if (exchange == null) {
            return 0;
        }
        try {
            InputStream in = exchange.request().body();
            int n = in.read(copyBuffer, 0, Math.min(max, copyBuffer.length));
            if (n <= 0) {
                return 0;
            }
            buffer.write(0, copyBuffer, 0, n);
            return n;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private Pointer onRunTasks(Pointer payloads, int payloadsLength, int waitMillis) {
        try {
            List<byte[]> work = TaskCodec.decodePayloads(payloads.getByteBuffer(0, payloadsLength));
            if (waitMillis < 0) {
                return tasks.dispatch(work) ? answer(List.of()) : null;
            }
            return answer(tasks.run(work, java.time.Duration.ofMillis(waitMillis)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return waitMillis < 0 ? null : answer(List.of());
        } catch (Throwable t) {
            PHP_LOG.log(Level.SEVERE, getName() + ": handing tasks over failed", t);
            return null;
        }
    }

    /** The results in this thread's answer buffer, valid until its next task call. */
    private Pointer answer(List<TaskRunner.Result> results) {
        int size = TaskCodec.encodedSize(results);
        if (taskAnswer == null || taskAnswer.size() < size) {
            taskAnswer = new Memory(Math.max(size, 4 * 1024));
        }
        TaskCodec.encodeResults(results, taskAnswer.getByteBuffer(0, size).order(ByteOrder.nativeOrder()));
        return taskAnswer;
    }

    private void onLog(int level, String message) {
        try {
            logSink.log(this, level, message);
        } catch (RuntimeException e) {
            PHP_LOG.log(Level.WARNING, getName() + ": " + message);
        }
    }

    private static void defaultLog(PhpThread thread, int level, String message) {
        PHP_LOG.log(level <= 3 ? Level.SEVERE : level == 4 ? Level.WARNING : Level.INFO,
                thread.getName() + ": " + message);
    }

    public static final class Builder {
        private final PhpRuntime runtime;
        private final ExchangeSource source;
        private final Path workerScript;
        private int workerId;
        private String name;
        private long stackSize = DEFAULT_STACK_SIZE;
        private PhpRequest bootRequest;
        private final java.util.Map<String, String> ini = new java.util.LinkedHashMap<>();
        private final java.util.Map<String, String> environment = new java.util.LinkedHashMap<>();
        private Listener listener;
        private LogSink logSink;
        private PhpTables tables;
        private TaskRunner tasks;

        private Builder(PhpRuntime runtime, ExchangeSource source, Path workerScript) {
            this.runtime = runtime;
            this.source = source;
            this.workerScript = workerScript;
        }

        public Builder workerId(int id) {
            this.workerId = id;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder stackSize(long bytes) {
            this.stackSize = bytes;
            return this;
        }

        /** The server variables a worker script boots with (its $_SERVER before the first request). */
        public Builder bootRequest(PhpRequest request) {
            this.bootRequest = request;
            return this;
        }

        /**
         * php.ini overrides for this thread, applied as each PHP request starts (like php_admin_value).
         * Settings PHP reads only at startup belong to {@link PhpRuntimeConfig}: here they would show
         * in ini_get() and do nothing, so they are refused.
         */
        public Builder ini(java.util.Map<String, String> overrides) {
            overrides.keySet().stream().filter(PhpRuntimeConfig::isStartupOnly).findFirst().ifPresent(name -> {
                throw new IllegalArgumentException("php.ini setting " + name + " is read by PHP only at startup;"
                        + " give it to the PHP runtime (PhpRuntimeConfig), not to a thread");
            });
            ini.putAll(overrides);
            return this;
        }

        /** Environment variables PHP sees on this thread, on top of the runtime's. */
        public Builder environment(java.util.Map<String, String> variables) {
            environment.putAll(variables);
            return this;
        }

        public Builder listener(Listener listener) {
            this.listener = listener;
            return this;
        }

        public Builder logSink(LogSink sink) {
            this.logSink = sink;
            return this;
        }

        /** The app's shared tables, which {@code Ephpm\Table::createShared()} reaches on this thread. */
        public Builder tables(PhpTables tables) {
            this.tables = tables;
            return this;
        }

        /** Runs the tasks that {@code Ephpm\Worker\run_tasks()} and {@code dispatch_tasks()} hand over on this thread. */
        public Builder tasks(TaskRunner tasks) {
            this.tasks = tasks;
            return this;
        }

        public PhpThread build() {
            return new PhpThread(this);
        }

        public PhpThread start() {
            PhpThread thread = build();
            thread.start();
            return thread;
        }
    }
}
