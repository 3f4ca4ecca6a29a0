package io.ephpm.php;

import java.util.Map;

/**
 * A cluster engine for shared tables, found with {@link java.util.ServiceLoader} by the name the
 * {@code cluster} setting gives it. Its jar is on the class path only where a cluster is used.
 */
public interface TableReplicatorProvider {
    /** The {@code cluster} setting that selects this engine ("hazelcast"). */
    String engine();

    /**
     * The replicator of one app's shared tables, on this JVM's member of the cluster (joined on
     * first use, shared by every app of the JVM).
     *
     * @param app      the app's name on the cluster: its tables are namespaced by it
     * @param settings the cluster settings by name ({@code cluster-name}, {@code cluster-members}, ...)
     * @throws InvalidClusterSettingException when a setting is wrong; it names the setting
     */
    TableReplicator open(String app, Map<String, String> settings);

    /** A cluster setting's value is wrong. */
    final class InvalidClusterSettingException extends IllegalArgumentException {
        private final String setting;
        private final String problem;

        public InvalidClusterSettingException(String setting, String problem) {
            super(setting + " " + problem);
            this.setting = setting;
            this.problem = problem;
        }

        public String setting() {
            return setting;
        }

        /** What is wrong, without the setting's name: "must be ..." */
        public String problem() {
            return problem;
        }
    }
}
