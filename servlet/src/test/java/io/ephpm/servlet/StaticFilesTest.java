package io.ephpm.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A container serving static files ahead of the servlet sees exactly the servlet's decisions. */
class StaticFilesTest {
    private static final List<String> PATHS = List.of("/", "/app.css", "/app.css.gz", "/index.php", "/index.php/x.css",
            "/Shout.PHP", "/.env", "/.well-known/security.txt", "/WEB-INF/web.xml", "/meta-inf/x", "/assets", "/assets/",
            "/missing.css", "/../outside.txt", "/assets/../app.css", "/build/assets/app-1.js", "/_ephpm/status", "/a\\b.css");

    @TempDir
    Path app;

    @BeforeEach
    void layout() throws Exception {
        Path docroot = Files.createDirectories(app.resolve("public"));
        Files.writeString(docroot.resolve("index.php"), "<?php");
        Files.writeString(docroot.resolve("Shout.PHP"), "<?php");
        Files.writeString(docroot.resolve("app.css"), "");
        Files.writeString(docroot.resolve("app.css.gz"), "");
        Files.writeString(docroot.resolve(".env"), "");
        Files.createDirectories(docroot.resolve(".well-known"));
        Files.writeString(docroot.resolve(".well-known/security.txt"), "");
        Files.createDirectories(docroot.resolve("WEB-INF"));
        Files.writeString(docroot.resolve("WEB-INF/web.xml"), "");
        Files.createDirectories(docroot.resolve("assets"));
        Files.createDirectories(docroot.resolve("build/assets"));
        Files.writeString(docroot.resolve("build/assets/app-1.js"), "");
        Files.createDirectories(docroot.resolve("_ephpm"));
        Files.writeString(docroot.resolve("_ephpm/status"), "");
        Files.writeString(app.resolve("outside.txt"), "");
    }

    @Test
    void staticExactlyWhenTheRouterSaysSo() {
        for (String mode : List.of("classic", "worker")) {
            Map<String, String> params = mode.equals("worker")
                    ? Map.of("mode", mode, "worker-script", "public/index.php") : Map.of("mode", mode);
            Settings settings = Settings.read(Settings.Parameters.of(params), app, n -> null);
            StaticFiles staticFiles = StaticFiles.of(settings);
            Router router = new Router(settings, "");
            for (String path : PATHS) {
                assertEquals(router.route(path) instanceof Route.StaticFile, staticFiles.isStaticFile(path), mode + " " + path);
            }
        }
    }

    @Test
    void theStatusPathIsNeverAStaticFile() {
        Settings settings = Settings.read(Settings.Parameters.of(Map.of("status-path", "/_ephpm/status")), app, n -> null);
        assertFalse(StaticFiles.of(settings).isStaticFile("/_ephpm/status"));
    }

    @Test
    void cacheControlFollowsTheVersionedAssetsSetting() {
        StaticFiles defaults = StaticFiles.of(Settings.read(Settings.Parameters.of(Map.of()), app, n -> null));
        assertTrue(defaults.isStaticFile("/build/assets/app-1.js"));
        assertEquals(VersionedAssets.DEFAULT_CACHE_CONTROL, defaults.cacheControl("/build/assets/app-1.js"));
        assertNull(defaults.cacheControl("/app.css"));

        StaticFiles custom = StaticFiles.of(Settings.read(Settings.Parameters.of(Map.of("versioned-assets", "/*.css",
                "versioned-assets-cache-control", "public, max-age=600")), app, n -> null));
        assertEquals("public, max-age=600", custom.cacheControl("/app.css"));
        assertNull(custom.cacheControl("/build/assets/app-1.js"));
    }
}
