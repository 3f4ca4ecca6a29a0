package io.ephpm.php;

/**
 * Keeps an app's shared tables ({@link PhpTables}) the same across the nodes of a cluster. Each
 * write of a PHP thread is made on the cluster first, atomically for its key, and the row the
 * cluster then holds is applied on this node with its version; the rows other nodes write arrive
 * through {@link ReplicatedTable#apply}. Reads never leave the node.
 *
 * <p>Both methods run on the PHP thread that made the table or the write, which waits for them:
 * they must give up after a bounded time and say so by throwing.
 */
public interface TableReplicator extends AutoCloseable {
    /**
     * A shared table was made on this node: follow it on the cluster, and apply the rows the
     * cluster holds before returning. Throwing refuses the table; the message reaches PHP.
     */
    void opened(ReplicatedTable table) throws Exception;

    /** Makes the write on the cluster; throwing fails it, with the message, as a PHP Error. */
    Written write(ReplicatedTable table, TableWrite write) throws Exception;

    /** What an operator wants to see of the cluster (for the pool's status): engine, members, ... */
    default java.util.Map<String, Object> status() {
        return java.util.Map.of();
    }

    /** Stops following the tables (the app is undeployed); the tables stay as they are on this node. */
    @Override
    default void close() {
    }

    /**
     * What the cluster holds after a write: a row, or no row, with its version.
     *
     * @param applied false when the write did not happen: a compareAndSet that found other values
     *                (or no row), a del of no row
     * @param row     null when the key has no row
     * @param version the row's version; with no row, a version no older row on this node can have
     */
    record Written(boolean applied, byte[] row, long version) {
    }
}
