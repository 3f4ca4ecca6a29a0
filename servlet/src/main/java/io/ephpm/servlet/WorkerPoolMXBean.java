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

    long getTableMemoryBytes();

    long getMaxRequestMillis();
}
