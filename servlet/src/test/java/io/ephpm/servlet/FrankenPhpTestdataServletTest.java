package io.ephpm.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * FrankenPHP's own worker test scripts, run unchanged in worker mode in real Jetty and Tomcat, with
 * the answers FrankenPHP's Go tests expect of them (worker_test.go, frankenphp_test.go). They come from
 * a local checkout of php/frankenphp named by {@value #CHECKOUT_VARIABLE}; never part of this project.
 */
class FrankenPhpTestdataServletTest {
    static final String CHECKOUT_VARIABLE = "EPHPM_FRANKENPHP_PATH";
    private static Path testdata;

    @BeforeAll
    static void findCheckout() {
        String checkout = System.getenv(CHECKOUT_VARIABLE);
        assumeTrue(checkout != null && !checkout.isBlank(),
                CHECKOUT_VARIABLE + " is not set: set it to a checkout of github.com/php/frankenphp to run its worker test scripts");
        testdata = Path.of(checkout).resolve("testdata").toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(testdata.resolve("worker-with-counter.php")),
                CHECKOUT_VARIABLE + "=" + checkout + " holds no testdata/worker-with-counter.php: not a php/frankenphp checkout");
    }

    private static Server start(Server.Kind kind, String script, Map<String, String> more) throws Exception {
        Map<String, String> params = new LinkedHashMap<>(Map.of(
                "mode", "worker",
                "app-root", testdata.toString(),
                "worker-script", script,
                "workers", "1",
                "status-path", "/_ephpm/status"));
        params.putAll(more);
        return Server.start(kind, "", testdata, params);
    }

    /** TestWorker: the counter goes on across requests to one worker; each request sees its own GET and POST. */
    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void workerPhp(Server.Kind kind) throws Exception {
        try (Server server = start(kind, "worker.php", Map.of())) {
            for (int i = 0; i < 3; i++) {
                String first = post(server, "/worker.php?foo=bar", "baz=bat");
                assertTrue(first.contains("Requests handled: " + (i * 2)), first);
                assertTrue(first.contains("'foo' => 'bar'") && first.contains("'baz' => 'bat'"), first);
                String second = post(server, "/worker.php?foo2=bar2", "baz2=bat2");
                assertTrue(second.contains("Requests handled: " + (i * 2 + 1)), second);
                assertTrue(!second.contains("'baz' => 'bat'"), "no POST field of the previous request: " + second);
            }
        }
    }

    /** TestKeepRunningOnConnectionAbort's answers: the handler's counter, one worker. */
    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void workerWithCounterPhp(Server.Kind kind) throws Exception {
        try (Server server = start(kind, "worker-with-counter.php", Map.of())) {
            assertEquals("requests:1", Http.get(server.url("/worker-with-counter.php")).body());
            assertEquals("requests:2", Http.get(server.url("/worker-with-counter.php")).body());
        }
    }

    /** TestWorkerCrashIsLoggedAboveDebugLevel: exit(1) in the second request ends the worker; a fresh one serves on. */
    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void crashingWorkerPhp(Server.Kind kind) throws Exception {
        try (Server server = start(kind, "crashing-worker.php", Map.of())) {
            assertEquals("ok", Http.get(server.url("/crashing-worker.php")).body());
            HttpResponse<String> exited = Http.get(server.url("/crashing-worker.php"));
            assertEquals(200, exited.statusCode());
            assertEquals("", exited.body());
            assertEquals("ok", Http.get(server.url("/crashing-worker.php")).body(), "a fresh worker took over");
            Map<String, Object> status = Json.parse(Http.get(server.url("/_ephpm/status")).body());
            assertEquals(1, ((Number) status.get("rotations")).intValue(), status.toString());
        }
    }

    /** TestWorkerEnv: FOO=bar is in the worker's boot $_SERVER and not in a request's. */
    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void workerEnvPhp(Server.Kind kind) throws Exception {
        try (Server server = start(kind, "worker-env.php", Map.of("worker-env.FOO", "bar"))) {
            for (int i = 0; i < 10; i++) {
                assertEquals("bar" + i, Http.get(server.url("/worker-env.php?i=" + i)).body());
            }
        }
    }

    /** TestSessionNoLeakBetweenRequests_worker and TestSessionNoLeakAfterExit_worker. */
    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void sessionLeakPhp(Server.Kind kind) throws Exception {
        try (Server server = start(kind, "session-leak.php", Map.of())) {
            String set = Http.get(server.url("/session-leak.php?action=set&value=secret_A&client_id=clientA")).body();
            assertTrue(set.contains("SESSION_SET") && set.contains("secret=secret_A"), set);
            String empty = Http.get(server.url("/session-leak.php?action=check_empty")).body();
            assertTrue(empty.contains("SESSION_CHECK") && empty.contains("SESSION_EMPTY=true") && !empty.contains("secret_A"), empty);
            String get = Http.get(server.url("/session-leak.php?action=get")).body();
            assertTrue(get.contains("SESSION_READ") && get.contains("secret=NOT_FOUND") && get.contains("client_id=NOT_FOUND"), get);

            String exited = Http.get(server.url("/session-leak.php?action=set_and_exit&value=exit_secret&client_id=exitClient")).body();
            assertTrue(exited.contains("BEFORE_EXIT"), exited);
            String afterExit = Http.get(server.url("/session-leak.php?action=check_empty")).body();
            assertTrue(afterExit.contains("SESSION_EMPTY=true") && !afterExit.contains("exit_secret"), afterExit);
            String getAfterExit = Http.get(server.url("/session-leak.php?action=get")).body();
            assertTrue(getAfterExit.contains("SESSION_READ") && getAfterExit.contains("secret=NOT_FOUND"), getAfterExit);
        }
    }

    private static String post(Server server, String path, String form) throws Exception {
        HttpResponse<String> r = Http.send(Http.request(server.url(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }
}
