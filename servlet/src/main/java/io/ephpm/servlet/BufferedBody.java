package io.ephpm.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request body read in full before a PHP thread sees the request, the way nginx reads it before
 * php-fpm does: container threads read it with the non-blocking API as the client sends it, into
 * memory up to {@code body-buffer-size} and beyond that into a private temp file, counting it
 * against post_max_size as it arrives. Only then is the request queued for PHP, which reads this
 * stream and never waits on the network. (Chunked bodies on the Tomcats that misread them
 * non-blocking are read with blocking reads on the request's container thread instead.)
 *
 * <p>The temp file is created 0600 and opened delete-on-close, which on POSIX systems unlinks it
 * at once: no other process can open it, and it is gone however the request ends, even if the JVM
 * does not. Its descriptor is closed when the async request completes, on every path.
 */
final class BufferedBody extends InputStream implements ReadListener, AsyncListener {
    private static final Logger LOG = Logger.getLogger(BufferedBody.class.getName());
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[16 * 1024]);
    private static final int FIRST_MEMORY_BYTES = 8 * 1024;

    /** The settings a body is read under: memory, limit, timeout, rate, and where it spills. */
    record Policy(int memoryBytes, long maxBytes, long timeoutNanos, long minBytesPerSecond, Path spillDirectory,
            boolean blockingChunkedReads) {
    }

    /**
     * Whether the container misreads chunked bodies read with the non-blocking API: Apache Tomcat
     * up to 10.1.34 and 11.0.2 now and then refills its connection buffer over a chunk's closing
     * CRLF on isReady() and fails a valid body with "Invalid end of line sequence"; 10.1.36 and
     * 11.0.4 read them right (10.1.35 and 11.0.3, untested, count as affected; unknown Tomcats too).
     */
    static boolean misreadsNonBlockingChunkedBodies(String serverInfo) {
        Matcher version = TOMCAT.matcher(serverInfo == null ? "" : serverInfo);
        if (!version.find()) {
            return serverInfo != null && serverInfo.startsWith("Apache Tomcat");
        }
        int major = Integer.parseInt(version.group(1));
        int minor = Integer.parseInt(version.group(2));
        int patch = Integer.parseInt(version.group(3));
        return major < 10 || major == 10 && (minor < 1 || patch < FIXED_10_1) || major == 11 && minor == 0 && patch < FIXED_11_0;
    }

    private static final Pattern TOMCAT = Pattern.compile("^Apache Tomcat/(\\d+)\\.(\\d+)\\.(\\d+)");
    private static final int FIXED_10_1 = 36;
    private static final int FIXED_11_0 = 4;

    /** Called once the whole body is buffered, on a container thread. */
    interface Arrival {
        void arrived(BufferedBody body);
    }

    private enum State { READING, READ, FAILED, RELEASED }

    private final AsyncContext async;
    private final ServletInputStream in;
    private final Policy policy;
    private final Arrival arrival;
    private final long startNanos = System.nanoTime();
    private volatile long lastReadNanos = startNanos;
    private volatile long received;
    private State state = State.READING;
    private byte[] memory;
    private FileChannel file;
    private long position;
    private long mark;

    private BufferedBody(AsyncContext async, ServletInputStream in, Policy policy, Arrival arrival) {
        this.async = async;
        this.in = in;
        this.policy = policy;
        this.arrival = arrival;
    }

    /** A body to read for an async request; {@code arrival} runs when it is all in. Reading begins with {@link #start()}. */
    static BufferedBody of(AsyncContext async, Policy policy, Arrival arrival) throws IOException {
        BufferedBody body = new BufferedBody(async, async.getRequest().getInputStream(), policy, arrival);
        async.addListener(body);
        return body;
    }

    /**
     * Reads the body as it arrives with the non-blocking API, or, for a chunked body on a container
     * that misreads those ({@link Policy#blockingChunkedReads()}), with blocking reads on the calling
     * container thread, which returns once the body is in or answered.
     */
    void start() {
        if (!isReading()) {
            return; // answered already (the app is stopping)
        }
        if (policy.blockingChunkedReads() && async.getRequest().getContentLengthLong() < 0) {
            readBlocking();
            return;
        }
        try {
            in.setReadListener(this);
        } catch (IllegalStateException e) {
            LOG.log(Level.FINE, "ePHPm: a request body was answered before its reading began", e);
        }
    }

    long length() {
        return received;
    }

    // ------------------------------------------------------------ reading from the client

    @Override
    public void onDataAvailable() {
        byte[] scratch = SCRATCH.get();
        while (true) {
            int n;
            try {
                if (!in.isReady() || (n = in.read(scratch)) < 0) {
                    return;
                }
            } catch (IOException e) {
                // answered here: a container that sees it thrown may close the connection without an answer
                onError(e);
                return;
            }
            if (!take(scratch, n)) {
                return;
            }
        }
    }

    private void readBlocking() {
        byte[] scratch = SCRATCH.get();
        try {
            int n;
            while ((n = in.read(scratch)) >= 0) {
                if (!take(scratch, n)) {
                    return;
                }
            }
        } catch (IOException e) {
            failOn(e);
            return;
        }
        onAllDataRead();
    }

    /** Appends what was read; false, once answered (413, 500) or no longer read, when reading stops. */
    private boolean take(byte[] scratch, int n) {
        boolean appended;
        try {
            appended = append(scratch, n);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "ePHPm: a request body could not be buffered in " + policy.spillDirectory(), e);
            fail(HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "The request body could not be buffered");
            return false;
        }
        if (!appended && isReading()) {
            fail(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                    "The request body exceeds post_max_size (" + policy.maxBytes() + " bytes)");
        }
        return appended;
    }

    /** False when the body stops here: it is no longer read, or it would exceed post_max_size. */
    private synchronized boolean append(byte[] bytes, int n) throws IOException {
        if (state != State.READING) {
            return false;
        }
        lastReadNanos = System.nanoTime();
        long total = received + n;
        if (policy.maxBytes() > 0 && total > policy.maxBytes()) {
            return false;
        }
        if (file == null && total <= policy.memoryBytes()) {
            if (memory == null || memory.length < total) {
                long expected = async.getRequest().getContentLengthLong();
                int size = (int) Math.min(policy.memoryBytes(), Math.max(total, expected > 0 ? expected
                        : Math.max(FIRST_MEMORY_BYTES, memory == null ? 0 : 2L * memory.length)));
                memory = memory == null ? new byte[size] : Arrays.copyOf(memory, size);
            }
            System.arraycopy(bytes, 0, memory, (int) received, n);
        } else {
            if (file == null) {
                spill();
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, n);
            while (buffer.hasRemaining()) {
                file.write(buffer);
            }
        }
        received = total;
        return true;
    }

    /** Moves what is in memory into a new private temp file, where the rest of the body follows. */
    private void spill() throws IOException {
        Path path = Files.createTempFile(policy.spillDirectory(), "ephpm-body-", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            file = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(path);
            throw e;
        }
        if (received > 0) {
            ByteBuffer buffer = ByteBuffer.wrap(memory, 0, (int) received);
            while (buffer.hasRemaining()) {
                file.write(buffer);
            }
        }
        memory = null;
    }

    @Override
    public void onAllDataRead() {
        synchronized (this) {
            if (state != State.READING) {
                return;
            }
            state = State.READ;
        }
        arrival.arrived(this);
    }

    @Override
    public void onError(Throwable t) {
        if (async.getResponse().isCommitted()) {
            // Tomcat, on a failed read, suspends the response to report the error itself, and calls
            // onError again once the response may be written
            return;
        }
        failOn(t);
    }

    /** Answers a failed read: 408 when it timed out, else 400. */
    private void failOn(Throwable t) {
        // the container already answers a malformed body with 400 where it can; its error
        // attribute would make Tomcat turn the completed request into a 500
        async.getRequest().removeAttribute(RequestDispatcher.ERROR_EXCEPTION);
        boolean timedOut = t instanceof TimeoutException || t instanceof SocketTimeoutException
                || t.getCause() instanceof TimeoutException || t.getCause() instanceof SocketTimeoutException;
        fail(timedOut ? HttpServletResponse.SC_REQUEST_TIMEOUT : HttpServletResponse.SC_BAD_REQUEST,
                timedOut ? "The request body did not arrive in time" : "The request body broke off: " + t.getMessage());
    }

    /**
     * Checked by the pool's timer: a body that paused longer than body-timeout, or that is slower
     * than body-min-rate on average after body-timeout's grace, is answered 408.
     */
    boolean expireIfTooSlow(long nowNanos) {
        long timeout = policy.timeoutNanos();
        long elapsed = nowNanos - startNanos;
        long rate = policy.minBytesPerSecond();
        boolean stalled = nowNanos - lastReadNanos > timeout;
        boolean tooSlow = rate > 0 && elapsed > timeout + received * 1_000_000_000.0 / rate;
        if (!stalled && !tooSlow) {
            return false;
        }
        return fail(HttpServletResponse.SC_REQUEST_TIMEOUT, stalled
                ? "The request body paused for longer than " + timeout / 1_000_000_000 + " s"
                : "The request body arrived at less than " + rate + " bytes a second");
    }

    /** Still coming in from the client. */
    synchronized boolean isReading() {
        return state == State.READING;
    }

    /** Answers while the body is still being read (408, 413, 400, 503), closing the connection; false when too late. */
    boolean fail(int status, String message) {
        synchronized (this) {
            if (state != State.READING) {
                return false;
            }
            state = State.FAILED;
            releaseLocked();
        }
        HttpServletResponse response = (HttpServletResponse) async.getResponse();
        try {
            if (!response.isCommitted()) {
                response.reset();
                response.setStatus(status);
                response.setHeader("Connection", "close");
                response.setContentType("text/plain;charset=UTF-8");
                byte[] text = (message + "\n").getBytes(StandardCharsets.UTF_8);
                response.setContentLength(text.length);
                response.getOutputStream().write(text);
                // out before complete(): Tomcat then discards the rest of the body, and may close the connection doing so
                response.flushBuffer();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "ePHPm: the client is gone before its " + status + " answer", e);
        }
        try {
            async.complete();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "ePHPm: async context already completed", e);
        }
        return true;
    }

    // ------------------------------------------------------------ the end of the request

    @Override
    public void onComplete(AsyncEvent event) {
        release();
    }

    @Override
    public void onError(AsyncEvent event) {
        release();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        release();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        event.getAsyncContext().addListener(this);
    }

    /** Frees the memory and closes (so deletes) the temp file; the body reads as empty afterwards. */
    synchronized void release() {
        if (state == State.READING) {
            state = State.FAILED;
        }
        releaseLocked();
    }

    private void releaseLocked() {
        memory = null;
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "ePHPm: closing a request body's temp file failed", e);
            }
            file = null;
        }
        if (state == State.READ) {
            state = State.RELEASED;
        }
    }

    // ------------------------------------------------------------ PHP reading the buffered body

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
        if (state != State.READ) {
            if (state == State.RELEASED || state == State.FAILED) {
                return -1;
            }
            throw new IOException("the request body is still being read");
        }
        long left = received - position;
        if (left <= 0) {
            return -1;
        }
        int n = (int) Math.min(len, left);
        if (file != null) {
            n = file.read(ByteBuffer.wrap(b, off, n), position);
            if (n < 0) {
                throw new IOException("the request body's temp file is shorter than the body");
            }
        } else {
            System.arraycopy(memory, (int) position, b, off, n);
        }
        position += n;
        return n;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int available() {
        return state == State.READ ? (int) Math.min(Integer.MAX_VALUE, received - position) : 0;
    }

    @Override
    public boolean markSupported() {
        return true;
    }

    @Override
    public synchronized void mark(int readLimit) {
        mark = position;
    }

    /** Back to the mark (the start unless marked), as when a request is replayed on a fresh worker. */
    @Override
    public synchronized void reset() {
        position = mark;
    }

    /** Nothing to do: PHP may read the body again; it is released when the request ends. */
    @Override
    public void close() {
    }
}
