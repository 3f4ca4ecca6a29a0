package io.ephpm.php;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A response kept in memory, for tools that run a script and read what it printed. */
public final class BufferedResponse implements PhpResponse {
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final CompletableFuture<BufferedResponse> completed = new CompletableFuture<>();
    private volatile int status;
    private volatile Outcome outcome;
    private volatile String error = "";

    @Override
    public void headers(int status, List<Header> headers) {
        this.status = status;
    }

    @Override
    public synchronized void body(ByteBuffer chunk) {
        byte[] bytes = new byte[chunk.remaining()];
        chunk.get(bytes);
        body.writeBytes(bytes);
    }

    @Override
    public void flush() {
    }

    @Override
    public void complete(Outcome outcome, String error) {
        this.outcome = outcome;
        this.error = error;
        completed.complete(this);
    }

    /** Waits until PHP completed the response. */
    public BufferedResponse await(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            return completed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    public int status() {
        return status;
    }

    public synchronized String body() {
        return body.toString(StandardCharsets.UTF_8);
    }

    /** How the script ended; null until it has. */
    public Outcome outcome() {
        return outcome;
    }

    /** The fatal error message when the outcome is a failure, else empty. */
    public String error() {
        return error;
    }
}
