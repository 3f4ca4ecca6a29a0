package io.ephpm.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import io.ephpm.php.TableReplicatorProvider.InvalidClusterSettingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterSettingsTest {

    @Test
    void defaultsMakeAMemberOfItsOwnOnThePortHazelcastUses() {
        ClusterSettings settings = ClusterSettings.parse(Map.of("cluster", "hazelcast"));
        assertEquals("ephpm", settings.name());
        assertEquals(List.of(), settings.members());
        assertFalse(settings.multicast());
        assertEquals(5701, settings.port());
        assertEquals(Optional.empty(), settings.address());
        assertEquals(Duration.ofSeconds(10), settings.timeout());
        Config config = ClusterMember.config(settings);
        assertEquals("ephpm", config.getClusterName());
        assertFalse(config.getNetworkConfig().getJoin().getMulticastConfig().isEnabled());
        assertFalse(config.getNetworkConfig().getJoin().getTcpIpConfig().isEnabled());
        assertEquals("false", config.getProperty("hazelcast.phone.home.enabled"));
    }

    @Test
    void membersMulticastPortAddressAndTimeoutReachTheMembersConfiguration() {
        ClusterSettings settings = ClusterSettings.parse(Map.of("cluster-name", "shop", "cluster-members", "10.0.0.1:5701, 10.0.0.2,node3:6000",
                "cluster-multicast", "true", "cluster-port", "5801", "cluster-address", "10.0.0.1", "cluster-timeout", "250"));
        assertEquals(List.of("10.0.0.1:5701", "10.0.0.2", "node3:6000"), settings.members());
        assertEquals(Duration.ofMillis(250), settings.timeout());
        Config config = ClusterMember.config(settings);
        assertEquals("shop", config.getClusterName());
        assertEquals(5801, config.getNetworkConfig().getPort());
        assertTrue(config.getNetworkConfig().getJoin().getMulticastConfig().isEnabled());
        assertEquals(List.of("10.0.0.1:5701", "10.0.0.2", "node3:6000"), config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
        assertEquals("10.0.0.1", config.getNetworkConfig().getPublicAddress());
    }

    @Test
    void aConfigFileIsTheBaseAndGivenSettingsOverrideIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("hazelcast.yaml");
        Files.writeString(file, """
                hazelcast:
                  cluster-name: from-file
                  network:
                    port:
                      port: 6100
                """);
        Config fromFile = ClusterMember.config(ClusterSettings.parse(Map.of("cluster-config", file.toString())));
        assertEquals("from-file", fromFile.getClusterName());
        assertEquals(6100, fromFile.getNetworkConfig().getPort());
        Config overridden = ClusterMember.config(ClusterSettings.parse(Map.of("cluster-config", file.toString(), "cluster-name", "mine")));
        assertEquals("mine", overridden.getClusterName());
        assertEquals(6100, overridden.getNetworkConfig().getPort());
    }

    @Test
    void eachWrongSettingIsNamedInItsError(@TempDir Path dir) throws Exception {
        assertRefused("cluster-name", Map.of("cluster-name", "has space"));
        assertRefused("cluster-members", Map.of("cluster-members", "10.0.0.1:99999"));
        assertRefused("cluster-members", Map.of("cluster-members", "host/path"));
        assertRefused("cluster-multicast", Map.of("cluster-multicast", "maybe"));
        assertRefused("cluster-port", Map.of("cluster-port", "0"));
        assertRefused("cluster-address", Map.of("cluster-address", "a b"));
        assertRefused("cluster-config", Map.of("cluster-config", dir.resolve("missing.xml").toString()));
        Path text = Files.writeString(dir.resolve("hazelcast.txt"), "x");
        assertRefused("cluster-config", Map.of("cluster-config", text.toString()));
        Path broken = Files.writeString(dir.resolve("broken.xml"), "<hazelcast><network><port>x</port></network></hazelcast>");
        InvalidClusterSettingException unreadable = assertThrows(InvalidClusterSettingException.class,
                () -> ClusterMember.config(ClusterSettings.parse(Map.of("cluster-config", broken.toString()))));
        assertEquals("cluster-config", unreadable.setting());
        assertRefused("cluster-timeout", Map.of("cluster-timeout", "0"));
        assertRefused("cluster-timeout", Map.of("cluster-timeout", "5s"));
        assertRefused("cluster-members-list", Map.of("cluster-members-list", "x"));
    }

    private static void assertRefused(String setting, Map<String, String> settings) {
        InvalidClusterSettingException e = assertThrows(InvalidClusterSettingException.class, () -> ClusterSettings.parse(settings));
        assertEquals(setting, e.setting(), e.getMessage());
        assertTrue(e.getMessage().startsWith(setting + " "), e.getMessage());
    }
}
