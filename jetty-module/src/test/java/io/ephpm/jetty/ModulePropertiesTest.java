package io.ephpm.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModulePropertiesTest {
    @TempDir
    Path jettyBase;

    @Test
    void withoutAnAppTheModuleServesNothing() {
        assertTrue(ModuleProperties.read(Map.of("ephpm.app", "", "ephpm.mode", "worker"), jettyBase).isEmpty());
    }

    @Test
    void turnsStartPropertiesIntoServletParameters() throws Exception {
        Path app = Files.createDirectories(jettyBase.resolve("apps/shop/public")).getParent();
        Files.writeString(app.resolve("worker.php"), "<?php");
        Map<String, String> properties = new HashMap<>();
        properties.put("ephpm.app", "apps/shop");
        properties.put("ephpm.contextPath", "/shop/");
        properties.put("ephpm.mode", "worker");
        properties.put("ephpm.workerScript", "worker.php");
        properties.put("ephpm.workers", "3");
        properties.put("ephpm.maxRequests", "100");
        properties.put("ephpm.maxMemory", "128M");
        properties.put("ephpm.statusPath", "/_ephpm/status");
        properties.put("ephpm.metricsPath", "/metrics");
        properties.put("ephpm.workerEnv", "FOO=bar");
        properties.put("ephpm.php", "memory_limit=256M, display_errors=Off");
        properties.put("ephpm.env", "APP_ENV=production,LOG_CHANNEL=stderr");
        properties.put("ephpm.versionedAssets", "/build/**");
        properties.put("ephpm.versionedAssetsCacheControl", "public, max-age=600");
        properties.put("ephpm.cluster", "hazelcast");
        properties.put("ephpm.clusterMembers", "10.0.0.1:5701,10.0.0.2:5701");
        properties.put("ephpm.clusterConfig", "etc/hazelcast.yaml");
        properties.put("ephpm.clusterTimeout", "2000");

        EphpmApp shop = ModuleProperties.read(properties, jettyBase).orElseThrow();

        assertEquals("/shop", shop.contextPath());
        assertEquals(app.toRealPath(), shop.appRoot());
        assertEquals(app.resolve("public").toRealPath(), shop.documentRoot());
        Map<String, String> parameters = shop.servletParameters();
        assertEquals("worker", parameters.get("mode"));
        assertEquals("worker.php", parameters.get("worker-script"));
        assertEquals("3", parameters.get("workers"));
        assertEquals("100", parameters.get("max-requests"));
        assertEquals("128M", parameters.get("max-memory"));
        assertEquals("/_ephpm/status", parameters.get("status-path"));
        assertEquals("/build/**", parameters.get("versioned-assets"));
        assertEquals("public, max-age=600", parameters.get("versioned-assets-cache-control"));
        assertEquals("/metrics", parameters.get("metrics-path"));
        assertEquals("hazelcast", parameters.get("cluster"));
        assertEquals("10.0.0.1:5701,10.0.0.2:5701", parameters.get("cluster-members"));
        assertEquals(jettyBase.resolve("etc/hazelcast.yaml").toAbsolutePath().normalize().toString(), parameters.get("cluster-config"));
        assertEquals("2000", parameters.get("cluster-timeout"));
        assertEquals("bar", parameters.get("worker-env.FOO"));
        assertEquals("256M", parameters.get("php.memory_limit"));
        assertEquals("Off", parameters.get("php.display_errors"));
        assertEquals("production", parameters.get("env.APP_ENV"));
        assertEquals("stderr", parameters.get("env.LOG_CHANNEL"));
        assertEquals(app.toRealPath().toString(), parameters.get("app-root"));
        assertEquals(3, shop.workers());
    }

    @Test
    void anAppWithoutPublicIsItsOwnDocumentRootAtTheRootContext() throws Exception {
        Path app = Files.createDirectories(jettyBase.resolve("plain"));
        EphpmApp plain = ModuleProperties.read(Map.of("ephpm.app", app.toString()), jettyBase).orElseThrow();
        assertEquals("/", plain.contextPath());
        assertEquals(app.toRealPath(), plain.documentRoot());
        assertEquals("classic", plain.mode());
    }

    @Test
    void badValuesAreRefusedNamingWhatIsWrong() throws Exception {
        Files.createDirectories(jettyBase.resolve("app"));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ModuleProperties.read(Map.of("ephpm.app", "no-such-app"), jettyBase));
        assertTrue(missing.getMessage().contains("no-such-app"), missing.getMessage());

        IllegalArgumentException mode = assertThrows(IllegalArgumentException.class,
                () -> ModuleProperties.read(Map.of("ephpm.app", "app", "ephpm.mode", "turbo"), jettyBase));
        assertTrue(mode.getMessage().contains("'mode'"), mode.getMessage());

        IllegalArgumentException list = assertThrows(IllegalArgumentException.class,
                () -> ModuleProperties.read(Map.of("ephpm.app", "app", "ephpm.php", "memory_limit"), jettyBase));
        assertTrue(list.getMessage().contains("ephpm.php"), list.getMessage());

        IllegalArgumentException path = assertThrows(IllegalArgumentException.class,
                () -> ModuleProperties.read(Map.of("ephpm.app", "app", "ephpm.contextPath", "shop"), jettyBase));
        assertTrue(path.getMessage().contains("context path"), path.getMessage());
    }
}
