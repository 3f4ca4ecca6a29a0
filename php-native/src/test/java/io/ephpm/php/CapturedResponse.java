package io.ephpm.php;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A PhpResponse that records everything PHP sent, with the time each piece arrived. */
final class CapturedResponse implements PhpResponse {
    record Event(String kind, long nanos, int size) {
    }

    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final List<Event> events = Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<Outcome> done = new CompletableFuture<>();
    private final boolean keepBody;
    private volatile int status;
    private volatile List<Header> headers = List.of();
    private volatile String error = "";
    private volatile long bodyBytes;
    private volatile int headerCalls;
    private volatile int failAfterBytes = -1;

    CapturedResponse() {
        this(true);
    }

    CapturedResponse(boolean keepBody) {
        this.keepBody = keepBody;
    }

    /** Makes the "client" disconnect once this many body bytes arrived. */
    CapturedResponse disconnectAfter(int bytes) {
        this.failAfterBytes = bytes;
        return this;
    }

    /** The interim responses PHP asked for (headers_send(1xx)), in order. */
    final List<Interim> interims = Collections.synchronizedList(new ArrayList<>());

    record Interim(int status, List<Header> headers) {
    }

    @Override
    public void informational(int status, List<Header> headers) {
        if (headerCalls > 0) {
            throw new AssertionError("an interim response after the final headers");
        }
        interims.add(new Interim(status, List.copyOf(headers)));
    }

    @Override
    public void headers(int status, List<Header> headers) {
        this.status = status;
        this.headers = List.copyOf(headers);
        headerCalls++;
        events.add(new Event("headers", System.nanoTime(), 0));
    }

    @Override
    public void body(ByteBuffer chunk) throws IOException {
        if (headerCalls == 0) {
            throw new AssertionError("body before headers");
        }
        int n = chunk.remaining();
        if (keepBody) {
            byte[] bytes = new byte[n];
            chunk.get(bytes);
            synchronized (body) {
                body.write(bytes, 0, n);
            }
        }
        bodyBytes += n;
        events.add(new Event("body", System.nanoTime(), n));
        if (failAfterBytes >= 0 && bodyBytes >= failAfterBytes) {
            throw new IOException("client disconnected");
        }
    }

    @Override
    public void flush() {
        events.add(new Event("flush", System.nanoTime(), 0));
    }

    @Override
    public void complete(Outcome outcome, String error) {
        this.error = error;
        events.add(new Event("complete", System.nanoTime(), 0));
        if (!done.complete(outcome)) {
            throw new AssertionError("completed twice");
        }
    }

    CapturedResponse await() {
        try {
            done.get(60, TimeUnit.SECONDS);
            return this;
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("no response within 60 s", e);
        }
    }

    Outcome outcome() {
        return await().done.join();
    }

    int status() {
        await();
        return status;
    }

    String body() {
        await();
        synchronized (body) {
            return body.toString(StandardCharsets.UTF_8);
        }
    }

    long bodyBytes() {
        return bodyBytes;
    }

    String error() {
        return error;
    }

    int headerCalls() {
        return headerCalls;
    }

    List<Header> headers() {
        await();
        return headers;
    }

    List<String> header(String name) {
        return headers().stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).toList();
    }

    List<Event> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    boolean isDone() {
        return done.isDone();
    }
}
