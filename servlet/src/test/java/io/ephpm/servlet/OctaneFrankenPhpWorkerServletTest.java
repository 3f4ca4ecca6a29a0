package io.ephpm.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ephpm.servlet.soak.SampleWorkload;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * laravel/octane 2.x's own FrankenPHP worker script, bin/frankenphp-worker.php, unchanged, serving the
 * sample Laravel app in worker mode, in real Jetty and Tomcat. Needs a laravel/octane 2.x checkout in
 * EPHPM_OCTANE_PATH, installed into a copy of the app the way Composer would (a PSR-4 entry in its
 * autoloader); never part of this project.
 */
class OctaneFrankenPhpWorkerServletTest {
    private static Map<Server.Kind, Server> SERVERS;
    @TempDir
    static Path temp;

    @BeforeAll
    static void start() throws Exception {
        String checkout = System.getenv(Settings.OCTANE_PATH_VARIABLE);
        assumeTrue(checkout != null && Files.isRegularFile(Path.of(checkout, "bin", "frankenphp-worker.php")),
                Settings.OCTANE_PATH_VARIABLE + " names no laravel/octane 2.x checkout (bin/frankenphp-worker.php): skipped");
        Path octane = Path.of(checkout).toAbsolutePath().normalize();
        Path app = new SampleWorkload().app(temp.resolve("app"));
        Path vendor = app.resolve("vendor");
        Files.move(vendor.resolve("autoload.php"), vendor.resolve("autoload-app.php"));
        Files.writeString(vendor.resolve("autoload.php"), """
                <?php
                // laravel/octane as Composer would install it, from the checkout the test was given
                $loader = require __DIR__.'/autoload-app.php';
                $loader->addPsr4('Laravel\\\\Octane\\\\', %s);
                return $loader;
                """.formatted("'" + octane.resolve("src") + "/'"));
        SERVERS = Server.startEach("", app.resolve("public"), Map.of(
                "mode", "worker",
                "app-root", app.toString(),
                "worker-script", octane.resolve("bin/frankenphp-worker.php").toString(),
                "workers", "2",
                "worker-env.MAX_REQUESTS", "500",
                "env.APP_ENV", "testing"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (SERVERS != null) {
            Server.closeAll(SERVERS);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void octanesFrankenPhpWorkerServesTheLaravelAppBootedOnce(Server.Kind kind) throws Exception {
        Server server = SERVERS.get(kind);
        HttpResponse<String> page = Http.get(server.url("/"));
        assertEquals(200, page.statusCode(), page.body());
        HttpResponse<String> hello = Http.get(server.url("/api/hello"));
        assertEquals(200, hello.statusCode(), hello.body());
        assertTrue(hello.body().contains("\"laravel\""), hello.body());
        Set<Object> boots = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            Map<String, Object> worker = Json.parse(Http.get(server.url("/api/worker")).body());
            assertEquals("worker", worker.get("thread_mode"), worker.toString());
            assertEquals(1, ((Number) worker.get("boots")).intValue(), "Laravel booted once per worker: " + worker);
            boots.add(worker.get("boot_id"));
        }
        assertTrue(boots.size() <= 2, "two workers boot Laravel once each: " + boots);
    }
}
