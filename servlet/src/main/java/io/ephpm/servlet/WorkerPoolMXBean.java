package io.ephpm.servlet;

/** JMX view of one app's PHP worker pool (ObjectName io.ephpm:type=WorkerPool,context=...,servlet=...). */
public interface WorkerPoolMXBean {
    String getMode();

    int getWorkersTotal();

    int getWorkersBusy();

    int getWorkersIdle();

    int getQueueDepth();

    long getRequests();

    long getRotations();

    long getCrashes();

    long getBootFailures();

    long getQueueTimeouts();

    long getReplays();

    /** Reloads of all workers for an OPcache restart (opcache_reset(), or a full cache). */
    long getOpcacheReloads();

    double getAverageRequestMillis();

    /** The app's shared tables (Ephpm\Table::createShared(), Octane's tables and cache), and the native memory they hold. */
    int getTableCount();

    /** Members of the app's cluster as this node sees them; 0 without a cluster. */
    int getClusterMembers();

    long getTableMemoryBytes();

    long getMaxRequestMillis();

    /** Octane's task workers (octane mode; 0 elsewhere or with task-workers=0). */
    int getTaskWorkersTotal();

    int getTaskWorkersBusy();

    int getTaskQueueDepth();

    long getTasksCompleted();

    long getTasksFailed();

    /** Tasks cancelled because the Octane::concurrently() that waited for them gave up. */
    long getTasksTimedOut();

    /** Octane ticks fired on the app's tick thread, and those that failed. */
    long getTicksFired();

    long getTicksFailed();
}
