package io.ephpm.jetty.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherOptionsTest {
    @TempDir
    Path app;

    @BeforeEach
    void anApp() throws Exception {
        Files.createDirectories(app.resolve("public"));
        Files.writeString(app.resolve("worker.php"), "<?php");
    }

    @Test
    void theArtisanCommandLineOfOctaneStart() throws Exception {
        LauncherOptions options = LauncherOptions.parse("--app", app.toString(), "--host", "0.0.0.0", "--port", "8000",
                "--workers", "4", "--max-requests", "500", "--mode", "octane");
        assertEquals("0.0.0.0", options.host());
        assertEquals(8000, options.port());
        Map<String, String> parameters = options.app().servletParameters();
        assertEquals("octane", parameters.get("mode"));
        assertEquals("4", parameters.get("workers"));
        assertEquals("500", parameters.get("max-requests"));
        assertEquals("http://0.0.0.0:8000/", options.url(8000));
    }

    @Test
    void defaultsAndRepeatableOptions() throws Exception {
        LauncherOptions options = LauncherOptions.parse("--app=" + app, "--context-path", "/blog", "--php", "memory_limit=64M",
                "--php=opcache.enable=0", "--env", "APP_ENV=local", "--env", "GREETING=a=b", "--mode", "worker",
                "--worker-script", "worker.php", "--status-path", "/_ephpm/status", "--metrics-path", "/metrics", "--worker-env", "FOO=bar");
        assertEquals("127.0.0.1", options.host());
        assertEquals(8080, options.port());
        assertEquals("/blog", options.app().contextPath());
        assertEquals(app.resolve("public").toRealPath(), options.app().documentRoot());
        Map<String, String> parameters = options.app().servletParameters();
        assertEquals("64M", parameters.get("php.memory_limit"));
        assertEquals("0", parameters.get("php.opcache.enable"));
        assertEquals("local", parameters.get("env.APP_ENV"));
        assertEquals("a=b", parameters.get("env.GREETING"));
        assertEquals("worker.php", parameters.get("worker-script"));
        assertEquals("/_ephpm/status", parameters.get("status-path"));
        assertEquals("/metrics", parameters.get("metrics-path"));
        assertEquals("bar", parameters.get("worker-env.FOO"));
        assertEquals("http://127.0.0.1:9000/blog/", options.url(9000));
    }

    @Test
    void clusterOptionsBecomeTheClusterSettings() throws Exception {
        LauncherOptions options = LauncherOptions.parse("--app", app.toString(), "--cluster", "hazelcast", "--cluster-name", "shop",
                "--cluster-members", "127.0.0.1:5701,127.0.0.1:5702", "--cluster-multicast", "false", "--cluster-port", "5702",
                "--cluster-address", "127.0.0.1", "--cluster-config", "hazelcast.yaml", "--cluster-timeout", "250", "--cluster-app", "shop");
        Map<String, String> parameters = options.app().servletParameters();
        assertEquals("hazelcast", parameters.get("cluster"));
        assertEquals("shop", parameters.get("cluster-name"));
        assertEquals("127.0.0.1:5701,127.0.0.1:5702", parameters.get("cluster-members"));
        assertEquals("false", parameters.get("cluster-multicast"));
        assertEquals("5702", parameters.get("cluster-port"));
        assertEquals("127.0.0.1", parameters.get("cluster-address"));
        assertEquals(Path.of("hazelcast.yaml").toAbsolutePath().normalize().toString(), parameters.get("cluster-config"));
        assertEquals("250", parameters.get("cluster-timeout"));
        assertEquals("shop", parameters.get("cluster-app"));
    }

    @Test
    void badCommandLinesAreRefusedWithAMessage() {
        assertRefused("'cluster-members' is set, but cluster is off", "--app", app.toString(), "--cluster-members", "10.0.0.1");
        assertRefused("--app DIR is required", "--port", "80");
        assertRefused("unknown option '--turbo'", "--app", app.toString(), "--turbo", "yes");
        assertRefused("--port needs a value", "--app", app.toString(), "--port");
        assertRefused("--port must be a whole number", "--app", app.toString(), "--port", "http");
        assertRefused("'mode'", "--app", app.toString(), "--mode", "fast");
        assertRefused("'versioned-assets'", "--app", app.toString(), "--versioned-assets", "build/**");
        assertRefused("'worker-script' is required in worker mode", "--app", app.toString(), "--mode", "worker");
        assertRefused("'workers'", "--app", app.toString(), "--workers", "0");
        assertRefused("--php takes NAME=VALUE", "--app", app.toString(), "--php", "memory_limit");
        assertRefused("is not a directory", "--app", app.resolve("missing").toString());
    }

    private static void assertRefused(String expected, String... args) {
        UsageException e = assertThrows(UsageException.class, () -> LauncherOptions.parse(args));
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' should say " + expected);
    }
}
