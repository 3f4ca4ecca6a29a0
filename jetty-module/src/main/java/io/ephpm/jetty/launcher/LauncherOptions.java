package io.ephpm.jetty.launcher;

import io.ephpm.jetty.EphpmApp;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The launcher's command line: where to listen and which app to serve, how. */
record LauncherOptions(String host, int port, EphpmApp app) {
    static final String USAGE = """
            usage: java -jar ephpm-server.jar --app DIR [options]
                   java -jar ephpm-server.jar install-jetty-module JETTY_BASE [--with-php[=PHP_HOME]]

              --app DIR               the PHP app (Laravel's base path); required
              --host HOST             address to listen on (default 127.0.0.1)
              --port N                port to listen on (default 8080; 0 picks a free one)
              --context-path PATH     where the app is served (default /)
              --document-root DIR     web root, relative to the app (default <app>/public, else the app)
              --mode MODE             classic, worker, octane or auto (default classic)
              --worker-script FILE    the script each worker boots, relative to the app (worker mode)
              --workers N             PHP worker threads (default: one per core)
              --max-requests N        requests after which a worker is replaced (0: never)
              --max-memory SIZE       PHP heap size past which a worker is replaced, like 256M
              --request-timeout S     PHP's max_execution_time in seconds, and its ceiling (default 30)
              --queue-timeout S       seconds a request may wait for a free worker (default 30)
              --drain-timeout S       seconds a stop or reload waits for in-flight requests; then PHP is stopped (default 30)
              --idle-spin US          microseconds an idle worker spins for the next request (default 100; 0: off)
              --body-buffer-size SIZE bytes of a request body held in memory, beyond them a temp file (default 64K)
              --body-timeout S        seconds a request body may pause between two reads (default 60; then 408)
              --body-min-rate SIZE    bytes a second a request body must average after body-timeout's grace
                                      (default 500; 0: off)
              --ini-file FILE         a php.ini for the PHP runtime
              --php NAME=VALUE        a php.ini setting for the app; repeatable
              --env NAME=VALUE        an environment variable PHP sees; repeatable
              --worker-env NAME=VALUE a variable in the worker script's boot $_SERVER only (FrankenPHP's worker env); repeatable
              --status-path PATH      serve the worker pool's numbers as JSON there, like /_ephpm/status
              --metrics-path PATH     serve the worker pool's numbers in Prometheus's text format there, like /metrics
              --table-memory SIZE     the most native memory the app's shared tables may hold (default 1G; 0: no limit)
              --task-workers N        octane mode: PHP threads for Octane::concurrently() (default: CPU cores; 0: off)
              --versioned-assets GLOBS
                                      static files whose names change with their content, cached by browsers for good
                                      (default /build/assets/**, Vite's hashed output; none: off)
              --versioned-assets-cache-control VALUE
                                      their Cache-Control (default "public, max-age=31536000, immutable")
              --cluster ENGINE        replicate the app's shared tables and octane cache across JVMs: hazelcast, or off
                                      (default off; needs ephpm-cluster.jar beside ephpm-server.jar)
              --cluster-name NAME     members join only a cluster of their own name (default ephpm)
              --cluster-members LIST  members to join over TCP, host[:port] separated by commas
              --cluster-multicast B   discover members by multicast: true or false (default false)
              --cluster-port N        this member's port, or the next free one above it (default 5701)
              --cluster-address HOST  the address this member binds to and announces
              --cluster-config FILE   a Hazelcast XML or YAML file for everything else (TLS, Kubernetes discovery)
              --cluster-timeout MS    the longest a PHP thread waits on the cluster for a write (default 10000)
              --cluster-app NAME      the app's name on the cluster, the same on every node (default: its context path)
              --help                  print this and exit

            Signals: SIGTERM or SIGINT stop gracefully; SIGUSR1 reloads the app with freshly booted workers.
            """;

    /** Options that become OctaneServlet init-params of the same name. */
    private static final Map<String, String> SERVLET_OPTIONS = Map.ofEntries(
            Map.entry("--mode", "mode"),
            Map.entry("--worker-script", "worker-script"),
            Map.entry("--workers", "workers"),
            Map.entry("--max-requests", "max-requests"),
            Map.entry("--max-memory", "max-memory"),
            Map.entry("--request-timeout", "request-timeout"),
            Map.entry("--queue-timeout", "queue-timeout"),
            Map.entry("--drain-timeout", "drain-timeout"),
            Map.entry("--idle-spin", "idle-spin"),
            Map.entry("--body-buffer-size", "body-buffer-size"),
            Map.entry("--body-timeout", "body-timeout"),
            Map.entry("--body-min-rate", "body-min-rate"),
            Map.entry("--status-path", "status-path"),
            Map.entry("--metrics-path", "metrics-path"),
            Map.entry("--table-memory", "table-memory"),
            Map.entry("--task-workers", "task-workers"),
            Map.entry("--cluster", "cluster"),
            Map.entry("--cluster-name", "cluster-name"),
            Map.entry("--cluster-members", "cluster-members"),
            Map.entry("--cluster-multicast", "cluster-multicast"),
            Map.entry("--cluster-port", "cluster-port"),
            Map.entry("--cluster-address", "cluster-address"),
            Map.entry("--cluster-timeout", "cluster-timeout"),
            Map.entry("--cluster-app", "cluster-app"),
            Map.entry("--versioned-assets", "versioned-assets"),
            Map.entry("--versioned-assets-cache-control", "versioned-assets-cache-control"));

    static LauncherOptions parse(String... args) throws UsageException {
        String appDir = null;
        String host = "127.0.0.1";
        int port = 8080;
        String contextPath = "/";
        String documentRoot = null;
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            String value;
            int eq = option.indexOf('=');
            if (option.startsWith("--") && eq > 0) {
                value = option.substring(eq + 1);
                option = option.substring(0, eq);
            } else {
                if (i + 1 >= args.length) {
                    throw new UsageException(option.startsWith("--") ? option + " needs a value" : "unexpected argument '" + option + "'");
                }
                value = args[++i];
            }
            switch (option) {
                case "--app" -> appDir = value;
                case "--host" -> host = value;
                case "--port" -> port = (int) number(option, value, 0, 65_535);
                case "--context-path" -> contextPath = value;
                case "--document-root" -> documentRoot = value;
                case "--php" -> parameters.put("php." + name(option, value), value.substring(value.indexOf('=') + 1));
                case "--ini-file" -> parameters.put("ini-file", Path.of(value).toAbsolutePath().normalize().toString());
                case "--cluster-config" -> parameters.put("cluster-config", Path.of(value).toAbsolutePath().normalize().toString());
                case "--env" -> parameters.put("env." + name(option, value), value.substring(value.indexOf('=') + 1));
                case "--worker-env" -> parameters.put("worker-env." + name(option, value), value.substring(value.indexOf('=') + 1));
                default -> {
                    String parameter = SERVLET_OPTIONS.get(option);
                    if (parameter == null) {
                        throw new UsageException("unknown option '" + option + "'");
                    }
                    parameters.put(parameter, value);
                }
            }
        }
        if (appDir == null) {
            throw new UsageException("--app DIR is required");
        }
        try {
            return new LauncherOptions(host, port, EphpmApp.of(contextPath, Path.of(appDir).toAbsolutePath(),
                    Optional.ofNullable(documentRoot), parameters));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static long number(String option, String value, long min, long max) throws UsageException {
        try {
            long n = Long.parseLong(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(option + " must be a whole number from " + min + " to " + max + " (was '" + value + "')");
    }

    private static String name(String option, String assignment) throws UsageException {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new UsageException(option + " takes NAME=VALUE (was '" + assignment + "')");
        }
        return assignment.substring(0, eq);
    }

    /** The address to print: the app's URL on this host and port. */
    String url(int actualPort) {
        String path = app.contextPath().equals("/") ? "/" : app.contextPath() + "/";
        String printedHost = host.contains(":") ? "[" + host + "]" : host;
        return "http://" + printedHost + ":" + actualPort + path;
    }
}
