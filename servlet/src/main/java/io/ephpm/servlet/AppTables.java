package io.ephpm.servlet;

import io.ephpm.php.PhpRuntime;
import io.ephpm.php.PhpTables;

/**
 * An app's shared tables ({@code Ephpm\Table::createShared()}, Octane's tables and cache), held
 * for as long as the app is deployed. A servlet makes its own, closed when it is destroyed
 * (undeploy); a host that serves one app through a series of contexts, as the launcher does when
 * it reloads, puts one in the context attribute {@link #ATTRIBUTE} so that the rows outlive each
 * context.
 */
public final class AppTables implements AutoCloseable {
    public static final String ATTRIBUTE = AppTables.class.getName();

    private PhpTables tables;
    private boolean closed;

    /**
     * The space, made on first use (the PHP runtime must be started by then) with this limit on its
     * tables' memory; later contexts share it as it was made.
     */
    public synchronized PhpTables tables(PhpRuntime runtime, long limitBytes) {
        if (closed) {
            throw new IllegalStateException("the app's tables are closed");
        }
        if (tables == null) {
            tables = PhpTables.create(runtime, limitBytes);
        }
        return tables;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (tables != null) {
            tables.close();
        }
    }
}
