package io.ephpm.php;

import java.time.Duration;
import java.util.List;

/**
 * Runs an app's PHP tasks ({@code Ephpm\Worker\run_tasks()}, {@code dispatch_tasks()}) for the PHP
 * threads built with it. Called on the PHP thread that hands the tasks over.
 */
public interface TaskRunner {
    /** How one task ended, and its bytes: what it printed, or the error that ended it. */
    record Result(State state, byte[] bytes) {
        public enum State { DONE, FAILED, UNFINISHED }

        public static Result done(byte[] output) {
            return new Result(State.DONE, output);
        }

        public static Result failed(String error) {
            return new Result(State.FAILED, error.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        public static final Result UNFINISHED = new Result(State.UNFINISHED, new byte[0]);
    }

    /**
     * Runs the tasks in parallel and waits up to {@code wait} for all of them; a task unfinished by
     * then is cancelled. One result per payload, in order.
     */
    List<Result> run(List<byte[]> payloads, Duration wait) throws InterruptedException;

    /** Queues the tasks without waiting; false when they are refused (stopping). */
    boolean dispatch(List<byte[]> payloads);
}
