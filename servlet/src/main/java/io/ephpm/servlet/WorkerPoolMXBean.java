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

    double getAverageRequestMillis();

    long getMaxRequestMillis();
}
