package io.ephpm.servlet;

import io.ephpm.php.TableReplicator;
import io.ephpm.php.TableReplicatorProvider;
import jakarta.servlet.ServletContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The cluster that replicates an app's shared tables (the {@code cluster} setting): the engine of
 * that name on the class path (ephpm-cluster.jar for hazelcast), joined under the app's name.
 */
final class ClusterTables {
    private ClusterTables() {
    }

    static TableReplicator open(Settings settings, ServletContext context) {
        String engine = settings.clusterEngine().orElseThrow();
        TableReplicatorProvider provider = null;
        try {
            for (TableReplicatorProvider candidate : ServiceLoader.load(TableReplicatorProvider.class, ClusterTables.class.getClassLoader())) {
                if (candidate.engine().equals(engine)) {
                    provider = candidate;
                }
            }
        } catch (ServiceConfigurationError | LinkageError e) {
            // a cluster jar on a class path that cannot see ePHPm's own (another class loader)
            throw new InvalidSettingException("cluster", "is '" + engine + "', and its engine cannot be loaded (" + e
                    + "): put ephpm-cluster.jar where ePHPm's own jars are (for Jetty: the ephpm-cluster module)");
        }
        if (provider == null) {
            throw new InvalidSettingException("cluster", "is '" + engine + "', and no cluster engine of that name is on the class path"
                    + ("hazelcast".equals(engine) ? ": add ephpm-cluster.jar (beside ephpm-server.jar, in the Jetty base's lib/ephpm-cluster,"
                    + " or in the webapp's WEB-INF/lib)" : ""));
        }
        Map<String, String> cluster = new LinkedHashMap<>(settings.cluster());
        String app = cluster.remove("cluster-app");
        if (app == null) {
            app = appName(context.getContextPath());
        }
        try {
            return provider.open(app, cluster);
        } catch (TableReplicatorProvider.InvalidClusterSettingException e) {
            throw new InvalidSettingException(e.setting(), e.problem());
        }
    }

    /** The app's name on the cluster by default: its context path ("root" for the root context). */
    static String appName(String contextPath) {
        String path = contextPath == null ? "" : contextPath.replaceAll("^/+|/+$", "");
        return path.isEmpty() ? "root" : path;
    }
}
