package io.ephpm.cluster;

import io.ephpm.php.TableReplicator;
import io.ephpm.php.TableReplicatorProvider;
import java.util.Map;

/** {@code cluster=hazelcast}: an embedded Hazelcast member in this JVM. */
public final class HazelcastProvider implements TableReplicatorProvider {
    @Override
    public String engine() {
        return "hazelcast";
    }

    @Override
    public TableReplicator open(String app, Map<String, String> settings) {
        if (app == null || !app.matches("[A-Za-z0-9._/-]{1,128}")) {
            throw new InvalidClusterSettingException("cluster-app", "must be 1 to 128 letters, digits, '.', '_', '-' or '/' (was '" + app + "')");
        }
        return new HazelcastTables(ClusterMember.join(ClusterSettings.parse(settings)), app);
    }
}
