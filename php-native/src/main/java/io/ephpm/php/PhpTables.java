package io.ephpm.php;

/**
 * The shared tables of one app: the rows {@code Ephpm\Table::createShared()} gives every PHP thread
 * that was built with this space (and Octane's tables and cache through the Octane driver). They
 * live in native memory until {@link #close()}, and after it for as long as a PHP object still
 * uses them; worker threads come and go (rotation, crash replacement, reload) without touching them.
 */
public final class PhpTables implements AutoCloseable {
    private long handle;

    private PhpTables(long handle) {
        this.handle = handle;
    }

    /** A new, empty space with no limit on its tables' memory. */
    public static PhpTables create(PhpRuntime runtime) {
        return create(runtime, 0);
    }

    /**
     * A new, empty space. The PHP runtime must be loaded ({@link PhpRuntime#start}).
     *
     * @param limitBytes the most native memory its tables may hold together (a table that would pass
     *                   it is refused with a PHP Error); 0 for no limit
     */
    public static PhpTables create(PhpRuntime runtime, long limitBytes) {
        java.util.Objects.requireNonNull(runtime.description(), "runtime");
        if (limitBytes < 0) {
            throw new IllegalArgumentException("limitBytes must be 0 (no limit) or more, not " + limitBytes);
        }
        long handle = EphpmLibrary.ephpm_tables_new(limitBytes);
        if (handle == 0) {
            throw new OutOfMemoryError("no native memory for a table space");
        }
        return new PhpTables(handle);
    }

    /** Bytes the tables hold: rows x row size plus their index, as declared, whether used or not. */
    public synchronized long memoryBytes() {
        return handle == 0 ? 0 : EphpmLibrary.ephpm_tables_memory(handle);
    }

    /** Tables alive in the space: the shared ones, and those a PHP object made for itself. */
    public synchronized int tableCount() {
        return handle == 0 ? 0 : EphpmLibrary.ephpm_tables_count(handle);
    }

    /** Gives the calling PHP thread (attached, in libephpm) this space until it detaches. */
    synchronized boolean useOnCurrentThread() {
        if (handle == 0) {
            return false;
        }
        EphpmLibrary.ephpm_thread_use_tables(handle);
        return true;
    }

    /** Drops the app's tables: each goes as soon as no PHP object of a running thread uses it. */
    @Override
    public synchronized void close() {
        if (handle != 0) {
            EphpmLibrary.ephpm_tables_release(handle);
            handle = 0;
        }
    }
}
