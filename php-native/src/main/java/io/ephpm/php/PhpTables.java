package io.ephpm.php;

/**
 * The shared tables of one app: the rows {@code Ephpm\Table::createShared()} gives every PHP thread
 * that was built with this space (and Octane's tables and cache through the Octane driver). They
 * live in native memory until {@link #close()}, and after it for as long as a PHP object still
 * uses them; worker threads come and go (rotation, crash replacement, reload) without touching them.
 */
public final class PhpTables implements AutoCloseable {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(PhpTables.class.getName());

    private long handle;
    private volatile TableReplicator replicator;
    private final java.util.Map<Long, ReplicatedTable> replicated = new java.util.concurrent.ConcurrentHashMap<>();
    /** Read: a replicated table's handle is in use; write: the handles are dropped. */
    private final java.util.concurrent.locks.ReadWriteLock handles = new java.util.concurrent.locks.ReentrantReadWriteLock();
    private final ThreadLocal<com.sun.jna.Memory> answers = new ThreadLocal<>();
    // held here: JNA callbacks that are collected while C still calls them crash the JVM
    private final EphpmLibrary.TableWrite writeCallback = this::onWrite;
    private final EphpmLibrary.TableOpened openedCallback = this::onOpened;

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

    /**
     * Replicates the space's shared tables through this replicator (a cluster): every write to
     * one is made there first. Call it before any PHP thread uses the space.
     */
    public synchronized void replicateWith(TableReplicator replicator) {
        if (handle == 0) {
            throw new IllegalStateException("the tables are closed");
        }
        if (this.replicator != null) {
            throw new IllegalStateException("the tables are replicated already");
        }
        this.replicator = java.util.Objects.requireNonNull(replicator, "replicator");
        EphpmLibrary.ephpm_tables_replicate(handle, writeCallback, openedCallback);
    }

    /** The cluster's view for an operator, or an empty map when the tables are not replicated. */
    public java.util.Map<String, Object> clusterStatus() {
        TableReplicator current = replicator;
        return current == null ? java.util.Map.of() : current.status();
    }

    /** The replicated tables made so far on this node. */
    public java.util.Collection<ReplicatedTable> replicatedTables() {
        return java.util.List.copyOf(replicated.values());
    }

    /** Runs use while the table's handle is alive; does nothing once the tables are closed. */
    void withHandle(long table, Runnable use) {
        handles.readLock().lock();
        try {
            if (replicated.containsKey(table)) {
                use.run();
            }
        } finally {
            handles.readLock().unlock();
        }
    }

    private com.sun.jna.Pointer onOpened(long table) {
        ReplicatedTable opened = null;
        handles.readLock().lock();
        try {
            EphpmLibrary.ephpm_table_retain(table);
            byte[] layout = new byte[EphpmLibrary.ephpm_table_layout(table, null, 0)];
            EphpmLibrary.ephpm_table_layout(table, layout, layout.length);
            opened = new ReplicatedTable(this, table, TableLayout.decode(layout));
            replicated.put(table, opened);
        } catch (Throwable t) {
            EphpmLibrary.ephpm_table_unref(table);
            return message(t);
        } finally {
            handles.readLock().unlock();
        }
        try {
            replicator.opened(opened);
            return null;
        } catch (Throwable t) {
            LOG.log(java.util.logging.Level.WARNING, opened + " could not be followed on the cluster", t);
            handles.writeLock().lock();
            try {
                if (replicated.remove(table) != null) {
                    EphpmLibrary.ephpm_table_unref(table);
                }
            } finally {
                handles.writeLock().unlock();
            }
            return message(t);
        }
    }

    private com.sun.jna.Pointer onWrite(long table, com.sun.jna.Pointer request, int length) {
        try {
            ReplicatedTable target = replicated.get(table);
            if (target == null) {
                return failed("the table is not followed on the cluster (its app is being stopped)");
            }
            TableWrite write = TableWrite.decode(target.layout(), request.getByteBuffer(0, length));
            return answer(replicator.write(target, write));
        } catch (Throwable t) {
            return failed(t.getMessage() == null ? t.toString() : t.getMessage());
        }
    }

    private com.sun.jna.Pointer answer(TableReplicator.Written written) {
        int state = written.row() != null ? (written.applied() ? 0 : 3) : (written.applied() ? 1 : 2);
        int size = 4 + 8 + (written.row() == null ? 0 : 4 + written.row().length);
        java.nio.ByteBuffer out = answerBuffer(size);
        out.putInt(state).putLong(written.version());
        if (written.row() != null) {
            out.putInt(written.row().length).put(written.row());
        }
        return answers.get();
    }

    private com.sun.jna.Pointer failed(String message) {
        byte[] bytes = message.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        answerBuffer(8 + bytes.length).putInt(4).putInt(bytes.length).put(bytes);
        return answers.get();
    }

    /** This thread's answer buffer, valid until its next call. */
    private java.nio.ByteBuffer answerBuffer(int size) {
        com.sun.jna.Memory memory = answers.get();
        if (memory == null || memory.size() < size) {
            memory = new com.sun.jna.Memory(Math.max(size, 1024));
            answers.set(memory);
        }
        return memory.getByteBuffer(0, size).order(java.nio.ByteOrder.nativeOrder());
    }

    /** A C string for createShared() to throw, valid until this thread's next call. */
    private com.sun.jna.Pointer message(Throwable t) {
        String text = t.getMessage() == null ? t.toString() : t.getMessage();
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        answerBuffer(bytes.length + 1).put(bytes).put((byte) 0);
        return answers.get();
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
        handles.writeLock().lock();
        try {
            replicated.keySet().forEach(EphpmLibrary::ephpm_table_unref);
            replicated.clear();
        } finally {
            handles.writeLock().unlock();
        }
        if (handle != 0) {
            EphpmLibrary.ephpm_tables_release(handle);
            handle = 0;
        }
    }
}
