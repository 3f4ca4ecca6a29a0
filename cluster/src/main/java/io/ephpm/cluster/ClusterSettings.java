package io.ephpm.cluster;

import io.ephpm.php.TableReplicatorProvider.InvalidClusterSettingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The settings of this JVM's cluster member, validated; each error names its setting.
 *
 * @param name      cluster-name: members join only a cluster of their own name
 * @param members   cluster-members: "host[:port]" of the members to join over TCP
 * @param multicast cluster-multicast: discover members by multicast
 * @param port      cluster-port: the port this member listens on (the next free one above it when taken)
 * @param address   cluster-address: the address this member binds to and announces
 * @param config    cluster-config: a Hazelcast XML or YAML file for everything else (Kubernetes
 *                  discovery, TLS); the settings above, when given, override it
 * @param timeout   cluster-timeout: the longest a PHP thread waits on the cluster for one write
 */
public record ClusterSettings(String name, List<String> members, boolean multicast, int port, Optional<String> address,
                              Optional<Path> config, Duration timeout, Set<String> given) {
    public static final String DEFAULT_NAME = "ephpm";
    public static final int DEFAULT_PORT = 5701;
    /** Longer than a member takes to give up one that stopped answering (5 s without heartbeats). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    static final Set<String> NAMES = Set.of("cluster", "cluster-name", "cluster-members", "cluster-multicast", "cluster-port",
            "cluster-address", "cluster-config", "cluster-timeout");

    public ClusterSettings {
        members = List.copyOf(members);
        given = Set.copyOf(given);
    }

    public static ClusterSettings parse(Map<String, String> settings) {
        for (String key : settings.keySet()) {
            if (!NAMES.contains(key)) {
                throw new InvalidClusterSettingException(key, "is not a cluster setting; they are " + String.join(", ", NAMES.stream().sorted().toList()));
            }
        }
        String name = value(settings, "cluster-name").orElse(DEFAULT_NAME);
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new InvalidClusterSettingException("cluster-name", "must be 1 to 64 letters, digits, '.', '_' or '-' (was '" + name + "')");
        }
        List<String> members = new ArrayList<>();
        for (String member : value(settings, "cluster-members").map(v -> v.split("[,\\s]+")).orElse(new String[0])) {
            if (member.isEmpty()) {
                continue;
            }
            if (!member.matches("[A-Za-z0-9.\\-]+(:\\d{1,5})?|\\[[0-9A-Fa-f:.]+\\](:\\d{1,5})?")) {
                throw new InvalidClusterSettingException("cluster-members", "must list members as host or host:port, separated by commas (was '" + member + "')");
            }
            int colon = member.lastIndexOf(':');
            if (colon > member.lastIndexOf(']')) {
                port("cluster-members", member.substring(colon + 1));
            }
            members.add(member);
        }
        boolean multicast = value(settings, "cluster-multicast").map(v -> switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "on", "yes", "1" -> true;
            case "false", "off", "no", "0" -> false;
            default -> throw new InvalidClusterSettingException("cluster-multicast", "must be true or false (was '" + v + "')");
        }).orElse(false);
        int port = value(settings, "cluster-port").map(v -> port("cluster-port", v)).orElse(DEFAULT_PORT);
        Optional<String> address = value(settings, "cluster-address");
        address.ifPresent(a -> {
            if (!a.matches("[A-Za-z0-9.\\-:]+")) {
                throw new InvalidClusterSettingException("cluster-address", "must be a host name or an IP address (was '" + a + "')");
            }
        });
        Optional<Path> config = value(settings, "cluster-config").map(Path::of);
        config.ifPresent(file -> {
            String lower = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
            if (!Files.isRegularFile(file)) {
                throw new InvalidClusterSettingException("cluster-config", "names no file: " + file);
            }
            if (!lower.endsWith(".xml") && !lower.endsWith(".yaml") && !lower.endsWith(".yml")) {
                throw new InvalidClusterSettingException("cluster-config", "must be a Hazelcast .xml, .yaml or .yml file (was " + file + ")");
            }
        });
        Duration timeout = value(settings, "cluster-timeout").map(v -> {
            try {
                long millis = Long.parseLong(v);
                if (millis < 1 || millis > 600_000) {
                    throw new InvalidClusterSettingException("cluster-timeout", "must be between 1 and 600000 milliseconds (was " + millis + ")");
                }
                return Duration.ofMillis(millis);
            } catch (NumberFormatException e) {
                throw new InvalidClusterSettingException("cluster-timeout", "must be a whole number of milliseconds (was '" + v + "')");
            }
        }).orElse(DEFAULT_TIMEOUT);
        Set<String> given = new java.util.HashSet<>();
        settings.forEach((k, v) -> {
            if (v != null && !v.isBlank()) {
                given.add(k);
            }
        });
        return new ClusterSettings(name, members, multicast, port, address, config, timeout, given);
    }

    /** Whether two apps' settings make the same member (the app's own name and wait aside). */
    boolean sameMember(ClusterSettings other) {
        return name.equals(other.name) && members.equals(other.members) && multicast == other.multicast && port == other.port
                && address.equals(other.address) && config.equals(other.config);
    }

    private static Optional<String> value(Map<String, String> settings, String name) {
        return Optional.ofNullable(settings.get(name)).map(String::trim).filter(v -> !v.isEmpty());
    }

    private static int port(String setting, String value) {
        try {
            int port = Integer.parseInt(value);
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new InvalidClusterSettingException(setting, "must give ports from 1 to 65535 (was '" + value + "')");
        }
    }
}
