package io.ephpm.servlet;

import io.ephpm.php.PhpRequest;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReference;

/** A request waiting in the pool's queue, then served by a PHP thread. Its async context is held until done. */
final class PendingRequest {
    enum State { WAITING, TAKEN, DONE }

    final AsyncContext async;
    final HttpServletRequest request;
    final HttpServletResponse response;
    final PhpRequest php;
    final long createdNanos = System.nanoTime();
    private final AtomicReference<State> state = new AtomicReference<>(State.WAITING);
    private volatile ScheduledFuture<?> queueTimer;
    volatile boolean replayed;
    volatile long takenNanos;

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
        ScheduledFuture<?> timer = queueTimer;
        if (timer != null) {
            timer.cancel(false);
        }
        takenNanos = System.nanoTime();
        return true;
    }

    /** The queue timeout or a shutdown ends it before any PHP thread took it. */
    boolean expire() {
        return state.compareAndSet(State.WAITING, State.DONE);
    }

    void requeue() {
        state.set(State.WAITING);
    }

    void finish() {
        state.set(State.DONE);
    }

    void queueTimer(ScheduledFuture<?> timer) {
        this.queueTimer = timer;
    }

    boolean isSafeMethod() {
        String method = request.getMethod();
        return "GET".equals(method) || "HEAD".equals(method);
    }
}
