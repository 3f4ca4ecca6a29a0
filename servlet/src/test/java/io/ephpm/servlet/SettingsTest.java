package io.ephpm.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
    @TempDir
    Path webapp;

    private Settings read(Map<String, String> values) {
        return Settings.read(Settings.Parameters.of(new LinkedHashMap<>(values)), webapp,
                name -> name.equals("DB_PASSWORD") ? "s3cret" : null);
    }

    @Test
    void defaultsAreSensible() throws Exception {
        Files.createDirectories(webapp.resolve("public"));
        Settings s = read(Map.of());
        assertEquals(Mode.CLASSIC, s.mode());
        assertEquals(webapp, s.appRoot());
        assertEquals(webapp.resolve("public"), s.documentRoot());
        assertEquals(Runtime.getRuntime().availableProcessors(), s.workers());
        assertEquals(0, s.maxRequests());
        assertEquals(Duration.ofSeconds(30), s.requestTimeout());
        assertEquals(Duration.ofSeconds(30), s.queueTimeout());
        assertEquals(Duration.ofNanos(100_000), s.idleSpin());
        assertEquals(Optional.empty(), s.statusPath());
        assertEquals(Optional.empty(), s.metricsPath());
        assertEquals("30", s.threadIni().get("max_execution_time"));
    }

    @Test
    void iniAndEnvironmentParameters() {
        Settings s = read(Map.of("php.memory_limit", "256M", "php.opcache.memory_consumption", "256",
                "env.APP_ENV", "production", "pass-env", "DB_PASSWORD, NOT_SET", "max-memory", "512M"));
        assertEquals(Map.of("max_execution_time", "30", "memory_limit", "256M"), s.threadIni());
        assertEquals(Map.of("opcache.memory_consumption", "256"), s.processIni());
        assertEquals(Map.of("APP_ENV", "production", "DB_PASSWORD", "s3cret"), s.environment());
        assertEquals(512L * 1024 * 1024, s.maxMemoryBytes());
    }

    @Test
    void settingsPhpReadsOnlyAtStartupAreProcessWide() {
        Settings s = read(Map.of("php.disable_functions", "exec,system", "php.disable_classes", "SplStack",
                "php.extension", "redis", "php.ffi.preload", "/app/ffi.h", "php.precision", "10"));
        assertEquals(Map.of("disable_functions", "exec,system", "disable_classes", "SplStack", "extension", "redis",
                "ffi.preload", "/app/ffi.h"), s.processIni());
        assertEquals(Map.of("max_execution_time", "30", "precision", "10"), s.threadIni());
    }

    @Test
    void idleSpinIsInMicrosecondsAndZeroTurnsItOff() {
        assertEquals(Duration.ofNanos(250_000), read(Map.of("idle-spin", "250")).idleSpin());
        assertEquals(Duration.ZERO, read(Map.of("idle-spin", "0")).idleSpin());
    }

    @Test
    void octaneModeRotatesAfter500RequestsByDefault() {
        assertEquals(500, read(Map.of("mode", "octane")).maxRequests());
        assertEquals(9, read(Map.of("mode", "octane", "max-requests", "9")).maxRequests());
    }

    @Test
    void autoModePicksOctaneOnlyWhenItIsInstalled() {
        Settings.Parameters params = Settings.Parameters.of(Map.of("mode", "auto"));
        assertEquals(Mode.CLASSIC, Settings.read(params, webapp, n -> null, (app, env) -> false).mode());
        Settings octane = Settings.read(params, webapp, n -> n.equals("EPHPM_OCTANE_PATH") ? "/opt/octane" : null,
                (app, env) -> "/opt/octane".equals(env.get("EPHPM_OCTANE_PATH")));
        assertEquals(Mode.OCTANE, octane.mode());
        assertEquals(500, octane.maxRequests());
    }


    @Test
    void badValuesNameTheParameter() throws Exception {
        assertMessage(Map.of("mode", "turbo"), "'mode' must be one of octane, worker, classic, auto");
        assertMessage(Map.of("workers", "0"), "'workers' must be between 1 and 1024");
        assertMessage(Map.of("workers", "many"), "'workers' must be a whole number");
        assertMessage(Map.of("max-memory", "lots"), "'max-memory' must be a size such as 256M");
        assertMessage(Map.of("mode", "worker"), "'worker-script' is required in worker mode");
        assertMessage(Map.of("mode", "worker", "worker-script", "missing.php"), "'worker-script' names no file");
        assertMessage(Map.of("document-root", "nowhere"), "'document-root' names no directory");
        assertMessage(Map.of("request-timeout", "-5"), "'request-timeout' must be between 1 and 86400");
        assertMessage(Map.of("status-path", "status"), "'status-path' must start with '/'");
        assertMessage(Map.of("metrics-path", "metrics"), "'metrics-path' must start with '/'");
        assertMessage(Map.of("metrics-path", "/_ephpm", "status-path", "/_ephpm"), "'metrics-path' must differ from status-path");
        assertMessage(Map.of("idle-spin", "-1"), "'idle-spin' must be between 0 and 10000");
        assertMessage(Map.of("front-controller", "../index.php"), "'front-controller' must be a file name");
    }

    @Test
    void requestBodySettingsHaveNginxLikeDefaultsAndAreValidated() {
        Settings defaults = read(Map.of());
        assertEquals(64 * 1024, defaults.bodyBufferBytes());
        assertEquals(Duration.ofSeconds(60), defaults.bodyTimeout());
        assertEquals(500, defaults.bodyMinRate());
        Settings set = read(Map.of("body-buffer-size", "1M", "body-timeout", "5", "body-min-rate", "2K"));
        assertEquals(1024 * 1024, set.bodyBufferBytes());
        assertEquals(Duration.ofSeconds(5), set.bodyTimeout());
        assertEquals(2048, set.bodyMinRate());
        assertEquals(0, read(Map.of("body-min-rate", "0")).bodyMinRate());
        assertMessage(Map.of("body-buffer-size", "big"), "'body-buffer-size' must be a size such as 256M");
        assertMessage(Map.of("body-buffer-size", "3G"), "'body-buffer-size' must be less than 2G");
        assertMessage(Map.of("body-timeout", "0"), "'body-timeout' must be between 1 and 86400");
        assertMessage(Map.of("body-timeout", "soon"), "'body-timeout' must be a whole number");
        assertMessage(Map.of("body-min-rate", "-1"), "'body-min-rate' must be a size");
    }

    @Test
    void sharedTablesHoldAtMostOneGigabyteUnlessSetOtherwise() {
        assertEquals(1L << 30, read(Map.of()).tableMemoryBytes());
        assertEquals(64L << 20, read(Map.of("table-memory", "64M")).tableMemoryBytes());
        assertEquals(0, read(Map.of("table-memory", "0")).tableMemoryBytes());
        assertMessage(Map.of("table-memory", "lots"), "'table-memory' must be a size such as 256M");
    }

    @Test
    void octaneHasATaskWorkerPerCoreUnlessSetOtherwise() {
        assertEquals(Runtime.getRuntime().availableProcessors(), read(Map.of()).taskWorkers());
        assertEquals(0, read(Map.of("task-workers", "0")).taskWorkers());
        assertEquals(8, read(Map.of("task-workers", "8")).taskWorkers());
        assertMessage(Map.of("task-workers", "-1"), "'task-workers' must be between 0 and 1024");
        assertMessage(Map.of("task-workers", "some"), "'task-workers' must be a whole number");
    }

    @Test
    void theClusterIsOffUnlessAnEngineIsNamedAndItsSettingsNeedIt() {
        assertEquals(Optional.empty(), read(Map.of()).clusterEngine());
        assertEquals(Optional.empty(), read(Map.of("cluster", "off")).clusterEngine());
        Settings on = read(Map.of("cluster", "Hazelcast", "cluster-members", " 10.0.0.1:5701,10.0.0.2 ", "cluster-app", "shop"));
        assertEquals(Optional.of("hazelcast"), on.clusterEngine());
        assertEquals(Map.of("cluster", "hazelcast", "cluster-members", "10.0.0.1:5701,10.0.0.2", "cluster-app", "shop"), on.cluster());
        assertMessage(Map.of("cluster-members", "10.0.0.1"), "'cluster-members' is set, but cluster is off");
        assertMessage(Map.of("cluster", "hazel cast"), "'cluster' must be off or the name of a cluster engine");
    }

    @Test
    void aClusterEngineThatIsNotOnTheClassPathIsNamedWithWhereItsJarGoes() {
        Settings on = read(Map.of("cluster", "hazelcast"));
        jakarta.servlet.ServletContext context = org.mockito.Mockito.mock(jakarta.servlet.ServletContext.class);
        InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> ClusterTables.open(on, context));
        assertTrue(e.getMessage().startsWith("ePHPm setting 'cluster' is 'hazelcast', and no cluster engine of that name is on the"
                + " class path: add ephpm-cluster.jar"), e.getMessage());
        assertEquals("root", ClusterTables.appName(""));
        assertEquals("shop/eu", ClusterTables.appName("/shop/eu/"));
    }

    @Test
    void postMaxSizeComesFromPhpSettingThenIniFileThenPhpsDefault() throws Exception {
        assertEquals(8L * 1024 * 1024, read(Map.of()).postMaxSizeBytes());
        Path ini = Files.writeString(webapp.resolve("php.ini"), "[PHP]\n; post_max_size = 1G\npost_max_size = 8M\n"
                + "post_max_size = \"2m\" ; the last one counts\n[HOST=example.com]\npost_max_size = 99M\n");
        assertEquals(2L * 1024 * 1024, read(Map.of("ini-file", ini.toString())).postMaxSizeBytes());
        assertEquals(1024, read(Map.of("ini-file", ini.toString(), "php.post_max_size", "1K")).postMaxSizeBytes());
        Files.writeString(ini, "post_max_size=lots\n");
        assertMessage(Map.of("ini-file", ini.toString()), "'ini-file' post_max_size must be a size");
        assertMessage(Map.of("php.post_max_size", "lots"), "'php.post_max_size' must be a size");
    }

    private void assertMessage(Map<String, String> params, String expected) {
        InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> read(params));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void versionedAssetsDefaultToVitesBuildOutputAndAreValidatedByName() {
        assertEquals(VersionedAssets.DEFAULT, read(Map.of()).versionedAssets());
        Settings custom = read(Map.of("versioned-assets", "/build/**, /fonts/*", "versioned-assets-cache-control", "max-age=600"));
        assertEquals(new VersionedAssets(java.util.List.of("/build/**", "/fonts/*"), "max-age=600"), custom.versionedAssets());

        InvalidSettingException globs = assertThrows(InvalidSettingException.class, () -> read(Map.of("versioned-assets", "build/**")));
        assertTrue(globs.getMessage().startsWith("ePHPm setting 'versioned-assets' "), globs.getMessage());
        InvalidSettingException header = assertThrows(InvalidSettingException.class,
                () -> read(Map.of("versioned-assets-cache-control", "max-age=1\nX: y")));
        assertTrue(header.getMessage().startsWith("ePHPm setting 'versioned-assets-cache-control' "), header.getMessage());
    }
}
