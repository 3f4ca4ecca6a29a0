package io.ephpm.servlet;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.DoubleSupplier;

/**
 * One pool's numbers in Prometheus's text format. Names follow FrankenPHP's metrics where the meaning
 * is the same ({@code frankenphp_busy_threads} is {@code ephpm_busy_threads}); each pool has a
 * registry of its own, so two apps in one JVM never mix their numbers.
 */
final class PoolMetrics {
    static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Histogram requestDuration;

    PoolMetrics(WorkerPoolMXBean pool) {
        gauge("ephpm_total_threads", "PHP threads of the pool", pool::getWorkersTotal);
        gauge("ephpm_busy_threads", "PHP threads serving a request", pool::getWorkersBusy);
        gauge("ephpm_idle_threads", "PHP threads waiting for a request", pool::getWorkersIdle);
        gauge("ephpm_queue_depth", "requests waiting for a PHP thread", pool::getQueueDepth);
        counter("ephpm_requests", "requests PHP has answered", pool::getRequests);
        counter("ephpm_worker_restarts", "workers replaced deliberately: max-requests, max-memory, exit(), a script that ended",
                pool::getRotations);
        counter("ephpm_worker_crashes", "workers that died (fatal error, uncaught exception, timeout, memory limit)",
                pool::getCrashes);
        counter("ephpm_worker_boot_failures", "worker scripts that failed before their first request", pool::getBootFailures);
        counter("ephpm_queue_timeouts", "requests answered 503 after waiting past queue-timeout", pool::getQueueTimeouts);
        counter("ephpm_replays", "safe requests replayed on a fresh worker after theirs died", pool::getReplays);
        counter("ephpm_opcache_reloads", "reloads of every worker for an OPcache restart", pool::getOpcacheReloads);
        gauge("ephpm_tables", "shared tables of the app", pool::getTableCount);
        GaugeWithCallback.builder().name("ephpm_table_memory_bytes").help("native memory the app's shared tables hold")
                .unit(Unit.BYTES).callback(cb -> cb.call(pool.getTableMemoryBytes())).register(registry);
        gauge("ephpm_cluster_members", "members of the cluster this node sees (cluster=hazelcast); 0 without a cluster",
                pool::getClusterMembers);
        // Octane's task workers and tick thread; 0 outside octane mode
        gauge("ephpm_task_threads", "task worker threads of the app (Octane::concurrently())", pool::getTaskWorkersTotal);
        gauge("ephpm_busy_task_threads", "task worker threads running a task", pool::getTaskWorkersBusy);
        gauge("ephpm_task_queue_depth", "tasks waiting for a task worker thread", pool::getTaskQueueDepth);
        counter("ephpm_tasks_completed", "tasks that ran to their end", pool::getTasksCompleted);
        counter("ephpm_tasks_failed", "tasks ended by an error: an exception, a fatal error, exit(), too much output", pool::getTasksFailed);
        counter("ephpm_tasks_timed_out", "tasks cancelled because their caller stopped waiting", pool::getTasksTimedOut);
        counter("ephpm_ticks", "ticks fired on the app's tick thread", pool::getTicksFired);
        counter("ephpm_ticks_failed", "ticks whose thread failed", pool::getTicksFailed);
        requestDuration = Histogram.builder().name("ephpm_request_duration_seconds")
                .help("time from a PHP thread taking a request to its response's end").unit(Unit.SECONDS)
                .classicOnly()
                // exemplars start a scheduler thread per class loader, which outlives an undeployed webapp
                .withoutExemplars()
                .register(registry);
    }

    private void gauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsDouble())).register(registry);
    }

    private void counter(String name, String help, DoubleSupplier value) {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsDouble())).register(registry);
    }

    void requestCompleted(long nanos) {
        requestDuration.observe(nanos / 1e9);
    }

    void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }
}
