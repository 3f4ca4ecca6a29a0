package io.ephpm.php;

/** How a PHP execution ended, as libephpm reports it. */
public enum Outcome {
    OK(0),
    /** {@code exit()} or {@code die()} ended the script. */
    EXIT(1),
    /** A fatal error: E_ERROR, a parse error, a compile error, ... */
    FATAL(2),
    UNCAUGHT_EXCEPTION(3),
    /** {@code max_execution_time} was exceeded. */
    TIMEOUT(4),
    /** {@code memory_limit} was exhausted. */
    OUT_OF_MEMORY(5),
    /** A worker script failed, or ended, before it took its first request. */
    BOOT_FAILED(6),
    STARTUP_FAILED(7),
    NOT_ATTACHED(8),
    /** A worker script returned although nobody asked it to stop. */
    SCRIPT_ENDED(9);

    private final int code;

    Outcome(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** True when the script's own code failed (the request's response is an error). */
    public boolean isFailure() {
        return this == FATAL || this == UNCAUGHT_EXCEPTION || this == TIMEOUT || this == OUT_OF_MEMORY
                || this == BOOT_FAILED || this == STARTUP_FAILED || this == NOT_ATTACHED;
    }

    private static final Outcome[] ALL = values();

    static Outcome of(int code) {
        for (Outcome o : ALL) {
            if (o.code == code) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown libephpm outcome " + code);
    }
}
