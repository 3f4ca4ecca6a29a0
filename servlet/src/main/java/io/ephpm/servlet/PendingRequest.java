package io.ephpm.servlet;

import io.ephpm.php.PhpRequest;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.atomic.AtomicReference;

/** A request waiting in the pool's queue, then served by a PHP thread. Its async context is held until done. */
final class PendingRequest {
    enum State { WAITING, TAKEN, DONE }

    /**
     * Put last into a stopping pool's queue, and back again by each PHP thread that takes it: the
     * threads block on the queue without a timeout and end when they reach it. Never claimed,
     * expired or overdue.
     */
    static final PendingRequest STOP = new PendingRequest();

    /**
     * Handed to the PHP threads of a pool whose workers reload for an OPcache restart: a worker of
     * the old generation ends on it, a fresh one takes the next request. Never claimed, expired or overdue.
     */
    static final PendingRequest RELOAD = new PendingRequest();

    final AsyncContext async;
    final HttpServletRequest request;
    final HttpServletResponse response;
    final PhpRequest php;
    private final AtomicReference<State> state = new AtomicReference<>(State.WAITING);
    private volatile long queuedNanos = System.nanoTime();
    volatile boolean replayed;
    volatile long takenNanos;

    private PendingRequest() {
        this.async = null;
        this.request = null;
        this.response = null;
        this.php = null;
        state.set(State.DONE);
    }

    PendingRequest(AsyncContext async, PhpRequest php) {
        this.async = async;
        this.request = (HttpServletRequest) async.getRequest();
        this.response = (HttpServletResponse) async.getResponse();
        this.php = php;
    }

    /** A PHP thread takes it; false when it already timed out in the queue. */
    boolean claim() {
        if (!state.compareAndSet(State.WAITING, State.TAKEN)) {
            return false;
        }
        takenNanos = System.nanoTime();
        return true;
    }

    /** The queue timeout or a shutdown ends it before any PHP thread took it. */
    boolean expire() {
        return state.compareAndSet(State.WAITING, State.DONE);
    }

    /** Back into the queue after its worker died; it waits afresh. */
    void requeue() {
        queuedNanos = System.nanoTime();
        state.set(State.WAITING);
    }

    /** Still waiting for a PHP thread after the queue timeout. */
    boolean isOverdue(long nowNanos, long timeoutNanos) {
        return nowNanos - queuedNanos >= timeoutNanos && state.get() == State.WAITING;
    }

    void finish() {
        state.set(State.DONE);
    }

    boolean isSafeMethod() {
        String method = request.getMethod();
        return "GET".equals(method) || "HEAD".equals(method);
    }
}
