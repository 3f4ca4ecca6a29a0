package io.ephpm.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouterTest {
    @TempDir
    Path app;
    Path docroot;

    @BeforeEach
    void layout() throws Exception {
        docroot = Files.createDirectories(app.resolve("public"));
        Files.writeString(docroot.resolve("index.php"), "<?php");
        Files.writeString(docroot.resolve("app.css"), "");
        Files.writeString(docroot.resolve("Shout.PHP"), "<?php");
        Files.writeString(docroot.resolve(".env"), "");
        Files.createDirectories(docroot.resolve("admin"));
        Files.writeString(docroot.resolve("admin/index.php"), "<?php");
        Files.createDirectories(docroot.resolve("assets"));
        Files.writeString(app.resolve("worker.php"), "<?php");
    }

    private Router router(String mode) {
        Map<String, String> params = mode.equals("worker") ? Map.of("mode", mode, "worker-script", "worker.php") : Map.of("mode", mode);
        Settings settings = Settings.read(Settings.Parameters.of(params), app, n -> null);
        return new Router(settings, "");
    }

    @Test
    void classicTryFiles() {
        Router r = router("classic");
        assertEquals(new Route.StaticFile("/app.css"), r.route("/app.css"));
        assertEquals(new Route.Script(docroot.resolve("index.php"), "/index.php", ""), r.route("/users/7"));
        assertEquals(new Route.Script(docroot.resolve("index.php"), "/index.php", "/a/b"), r.route("/index.php/a/b"));
        assertEquals(new Route.Script(docroot.resolve("Shout.PHP"), "/Shout.PHP", ""), r.route("/Shout.PHP"));
        assertEquals(new Route.Script(docroot.resolve("admin/index.php"), "/admin/index.php", ""), r.route("/admin"));
        assertEquals(new Route.Script(docroot.resolve("index.php"), "/index.php", ""), r.route("/assets"),
                "a directory without index.php is never listed");
        assertEquals(new Route.Script(docroot.resolve("index.php"), "/index.php", ""), r.route("/missing.php"));
    }

    @Test
    void theContainersFileTestDecidesWhatIsStatic() {
        Settings settings = Settings.read(Settings.Parameters.of(Map.of("mode", "classic")), app, n -> null);
        java.util.List<String> asked = new java.util.ArrayList<>();
        Router r = new Router(settings, "/public", (path, file) -> {
            asked.add(path);
            assertEquals(docroot.resolve(path.substring(1)), file);
            return path.equals("/cached.css");
        });
        assertEquals(new Route.StaticFile("/public/cached.css"), r.route("/cached.css"), "a file only the container sees is static");
        assertEquals(new Route.Script(docroot.resolve("index.php"), "/index.php", ""), r.route("/app.css"),
                "a file the container does not see goes to the front controller");
        assertEquals(new Route.Script(docroot.resolve("index.php"), "/index.php", "/x"), r.route("/index.php/x"));
        assertInstanceOf(Route.NotFound.class, r.route("/.env"));
        assertInstanceOf(Route.NotFound.class, r.route("/a/../../worker.php"));
        assertEquals(java.util.List.of("/cached.css", "/app.css"), asked, "scripts and hidden paths never reach it");
    }

    @Test
    void hiddenAndEscapingPathsAreNotFound() {
        Router r = router("classic");
        for (String path : new String[] {"/.env", "/.git/config", "/a/../../worker.php", "/WEB-INF/web.xml", "/meta-inf/x",
                "/x\\..\\y", "relative"}) {
            assertInstanceOf(Route.NotFound.class, r.route(path), path);
        }
    }

    @Test
    void workerModeSendsScriptsToTheWorker() {
        Router r = router("worker");
        assertEquals(new Route.Script(docroot.resolve("index.php"), "/index.php", ""), r.route("/Shout.PHP"),
                "in worker mode other scripts go to the worker, never out as source");
        assertEquals(new Route.Script(docroot.resolve("index.php"), "/index.php", "/x"), r.route("/index.php/x"));
        assertEquals(new Route.StaticFile("/app.css"), r.route("/app.css"));
    }
}
