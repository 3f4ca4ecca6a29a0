package io.ephpm.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.util.logging.Logger;

/**
 * This JVM's member of the cluster: one Hazelcast member, shared by every app of the JVM that turns
 * the cluster on, started by the first and shut down after the last.
 */
final class ClusterMember {
    private static final Logger LOG = Logger.getLogger(ClusterMember.class.getName());
    private static ClusterMember current;

    private final ClusterSettings settings;
    private final HazelcastInstance hazelcast;
    private int users;

    private ClusterMember(ClusterSettings settings, HazelcastInstance hazelcast) {
        this.settings = settings;
        this.hazelcast = hazelcast;
    }

    /** The JVM's member, started with these settings when there is none yet. */
    static synchronized ClusterMember join(ClusterSettings settings) {
        if (current != null && !current.hazelcast.getLifecycleService().isRunning()) {
            current = null;
        }
        if (current == null) {
            current = new ClusterMember(settings, Hazelcast.newHazelcastInstance(config(settings)));
            LOG.info("cluster member " + current.hazelcast.getCluster().getLocalMember().getAddress() + " of cluster '"
                    + current.hazelcast.getConfig().getClusterName() + "' started; members: " + current.hazelcast.getCluster().getMembers().size());
        } else if (!current.settings.sameMember(settings)) {
            throw new io.ephpm.php.TableReplicatorProvider.InvalidClusterSettingException("cluster-name",
                    "and the other cluster settings must be those of the apps already on this JVM's member (cluster '"
                            + current.settings.name() + "'): a JVM has one member");
        }
        current.users++;
        return current;
    }

    HazelcastInstance hazelcast() {
        return hazelcast;
    }

    ClusterSettings settings() {
        return settings;
    }

    /** An app lets go; the last one shuts the member down, handing its rows to the others first. */
    void leave() {
        synchronized (ClusterMember.class) {
            if (--users > 0) {
                return;
            }
            if (current == this) {
                current = null;
            }
        }
        try {
            hazelcast.shutdown();
        } catch (RuntimeException e) {
            LOG.fine("cluster member already stopped: " + e);
        }
    }

    static Config config(ClusterSettings settings) {
        Config config;
        if (settings.config().isPresent()) {
            try {
                config = Config.loadFromFile(settings.config().get().toFile());
            } catch (IOException | RuntimeException e) {
                throw new io.ephpm.php.TableReplicatorProvider.InvalidClusterSettingException("cluster-config",
                        "cannot be read as a Hazelcast configuration: " + e.getMessage());
            }
        } else {
            config = new Config();
            // a member that stops answering is given up after 5 s, not Hazelcast's 60: until then,
            // writes to the rows it owns wait, and PHP threads with them
            config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
            config.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
            config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
            config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
        }
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        config.setInstanceName(null);
        boolean own = settings.config().isEmpty();
        if (own || settings.given().contains("cluster-name")) {
            config.setClusterName(settings.name());
        }
        NetworkConfig network = config.getNetworkConfig();
        if (own || settings.given().contains("cluster-port")) {
            network.setPort(settings.port()).setPortAutoIncrement(true);
        }
        settings.address().ifPresent(address -> {
            config.setProperty("hazelcast.local.localAddress", address);
            network.setPublicAddress(address);
        });
        JoinConfig join = network.getJoin();
        if (own || settings.given().contains("cluster-members") || settings.given().contains("cluster-multicast")) {
            join.getAutoDetectionConfig().setEnabled(false);
            join.getMulticastConfig().setEnabled(settings.multicast());
            join.getTcpIpConfig().setEnabled(!settings.members().isEmpty()).setMembers(settings.members());
        }
        return config;
    }
}
