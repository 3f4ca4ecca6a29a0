package io.ephpm.jetty;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the {@code ephpm.*} start properties of the Jetty module ({@code start.d/ephpm.ini}) into
 * an {@link EphpmApp}. Relative paths are resolved against {@code jetty.base}.
 */
public final class ModuleProperties {
    public static final String PREFIX = "ephpm.";

    /** Module property (after the prefix) to OctaneServlet init-param. */
    private static final Map<String, String> SERVLET_PARAMETERS = Map.ofEntries(
            Map.entry("mode", "mode"),
            Map.entry("workers", "workers"),
            Map.entry("maxRequests", "max-requests"),
            Map.entry("maxMemory", "max-memory"),
            Map.entry("requestTimeout", "request-timeout"),
            Map.entry("queueTimeout", "queue-timeout"),
            Map.entry("drainTimeout", "drain-timeout"),
            Map.entry("idleSpin", "idle-spin"),
            Map.entry("bodyBufferSize", "body-buffer-size"),
            Map.entry("bodyTimeout", "body-timeout"),
            Map.entry("bodyMinRate", "body-min-rate"),
            Map.entry("workerScript", "worker-script"),
            Map.entry("frontController", "front-controller"),
            Map.entry("statusPath", "status-path"),
            Map.entry("metricsPath", "metrics-path"),
            Map.entry("tableMemory", "table-memory"),
            Map.entry("taskWorkers", "task-workers"),
            Map.entry("passEnv", "pass-env"),
            Map.entry("cluster", "cluster"),
            Map.entry("clusterName", "cluster-name"),
            Map.entry("clusterMembers", "cluster-members"),
            Map.entry("clusterMulticast", "cluster-multicast"),
            Map.entry("clusterPort", "cluster-port"),
            Map.entry("clusterAddress", "cluster-address"),
            Map.entry("clusterTimeout", "cluster-timeout"),
            Map.entry("clusterApp", "cluster-app"),
            Map.entry("versionedAssets", "versioned-assets"),
            Map.entry("versionedAssetsCacheControl", "versioned-assets-cache-control"));

    private ModuleProperties() {
    }

    /**
     * @param properties start properties by full name ({@code ephpm.app}, ...)
     * @return the app to serve, or empty when {@code ephpm.app} is not set
     * @throws IllegalArgumentException naming the property at fault
     */
    public static Optional<EphpmApp> read(Map<String, String> properties, Path jettyBase) {
        String app = value(properties, "app");
        if (app == null) {
            return Optional.empty();
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        SERVLET_PARAMETERS.forEach((property, parameter) -> {
            String v = value(properties, property);
            if (v != null) {
                parameters.put(parameter, v);
            }
        });
        String clusterConfig = value(properties, "clusterConfig");
        if (clusterConfig != null) {
            parameters.put("cluster-config", jettyBase.resolve(clusterConfig).toAbsolutePath().normalize().toString());
        }
        String iniFile = value(properties, "iniFile");
        if (iniFile != null) {
            parameters.put("ini-file", jettyBase.resolve(iniFile).toAbsolutePath().normalize().toString());
        }
        NameValueList.parse(PREFIX + "php", value(properties, "php")).forEach((k, v) -> parameters.put("php." + k, v));
        NameValueList.parse(PREFIX + "env", value(properties, "env")).forEach((k, v) -> parameters.put("env." + k, v));
        NameValueList.parse(PREFIX + "workerEnv", value(properties, "workerEnv")).forEach((k, v) -> parameters.put("worker-env." + k, v));
        try {
            return Optional.of(EphpmApp.of(value(properties, "contextPath"), jettyBase.resolve(app),
                    Optional.ofNullable(value(properties, "documentRoot")), parameters));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ePHPm module (" + PREFIX + "app=" + app + "): " + e.getMessage(), e);
        }
    }

    private static String value(Map<String, String> properties, String name) {
        String v = properties.get(PREFIX + name);
        return v == null || v.isBlank() ? null : v.trim();
    }
}
