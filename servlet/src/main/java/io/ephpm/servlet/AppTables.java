package io.ephpm.servlet;

import io.ephpm.php.PhpRuntime;
import io.ephpm.php.PhpTables;
import io.ephpm.php.TableReplicator;
import java.util.function.Supplier;

/**
 * An app's shared tables ({@code Ephpm\Table::createShared()}, Octane's tables and cache), held
 * for as long as the app is deployed. A servlet makes its own, closed when it is destroyed
 * (undeploy); a host that serves one app through a series of contexts, as the launcher does when
 * it reloads, puts one in the context attribute {@link #ATTRIBUTE} so that the rows outlive each
 * context. With a cluster, it also holds the app's replicator, closed with it.
 */
public final class AppTables implements AutoCloseable {
    public static final String ATTRIBUTE = AppTables.class.getName();

    private PhpTables tables;
    private TableReplicator replicator;
    private boolean closed;

    /**
     * The space, made on first use (the PHP runtime must be started by then) with this limit on its
     * tables' memory; later contexts share it as it was made.
     */
    public PhpTables tables(PhpRuntime runtime, long limitBytes) {
        return tables(runtime, limitBytes, null);
    }

    /**
     * As {@link #tables(PhpRuntime, long)}, its shared tables replicated by the replicator the
     * supplier makes (a cluster), when it is made now and the supplier is not null.
     */
    public synchronized PhpTables tables(PhpRuntime runtime, long limitBytes, Supplier<TableReplicator> cluster) {
        if (closed) {
            throw new IllegalStateException("the app's tables are closed");
        }
        if (tables == null) {
            PhpTables made = PhpTables.create(runtime, limitBytes);
            if (cluster != null) {
                try {
                    replicator = cluster.get();
                    made.replicateWith(replicator);
                } catch (RuntimeException e) {
                    made.close();
                    if (replicator != null) {
                        replicator.close();
                        replicator = null;
                    }
                    throw e;
                }
            }
            tables = made;
        }
        return tables;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (replicator != null) {
            replicator.close();
        }
        if (tables != null) {
            tables.close();
        }
    }
}
