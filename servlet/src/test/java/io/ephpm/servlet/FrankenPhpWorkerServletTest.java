package io.ephpm.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A worker script written against FrankenPHP's worker API (frankenphp_handle_request() and friends),
 * in worker mode with one PHP worker, in real Jetty and Tomcat: FrankenPHP's documented semantics.
 */
class FrankenPhpWorkerServletTest {
    private static Map<Server.Kind, Server> SERVERS;
    private static Server classic;
    @TempDir
    static Path temp;

    @BeforeAll
    static void start() throws Exception {
        Path app = TestApp.copyResource("/frankenphp-app", temp.resolve("app"));
        SERVERS = Server.startEach("/app", app.resolve("public"), Map.of(
                "mode", "worker",
                "app-root", app.toString(),
                "worker-script", "worker.php",
                "workers", "1",
                "worker-env.GREETING", "hello at boot",
                "request-timeout", "5"));
        classic = Server.start(Server.Kind.JETTY, "/classic", app.resolve("public"), Map.of("mode", "classic", "app-root", app.toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        Server.closeAll(SERVERS);
        classic.close();
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void theHandlerSeesEachRequestsSuperglobalsAndTheWorkerKeepsItsState(Server.Kind kind) throws Exception {
        Server server = SERVERS.get(kind);
        Map<String, Object> first = server.json("/orders?tag=first");
        Map<String, Object> second = server.json("/orders/7?tag=second");
        assertEquals(first.get("boot"), second.get("boot"), "one worker boots once");
        assertEquals(((Number) first.get("handled")).intValue() + 1, ((Number) second.get("handled")).intValue());
        assertEquals(Map.of("tag", "second"), second.get("get"));
        assertEquals("/app/orders/7?tag=second", second.get("uri"));
        assertEquals(Map.of("tag", "first"), second.get("get_after_previous_return"),
                "after the handler returns, the superglobals are still its request's");
        assertEquals("1", second.get("boot_worker_variable"));
        assertEquals(null, second.get("request_worker_variable"), "FRANKENPHP_WORKER is in the boot environment only");
        assertEquals("hello at boot", second.get("boot_greeting"));
        assertEquals(null, second.get("request_greeting"), "worker-env.* is the worker script's own, as FrankenPHP's worker env");
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void anExceptionFromTheHandlerIsA500AndTheWorkerLivesOn(Server.Kind kind) throws Exception {
        Server server = SERVERS.get(kind);
        Map<String, Object> before = server.json("/");
        HttpResponse<String> thrown = Http.get(server.url("/?do=throw"));
        assertEquals(500, thrown.statusCode());
        assertTrue(!thrown.body().contains("thrown by the handler"), "display_errors=0 shows nothing: " + thrown.body());
        Map<String, Object> after = server.json("/");
        assertEquals(before.get("boot"), after.get("boot"));
        assertEquals(((Number) before.get("handled")).intValue() + 2, ((Number) after.get("handled")).intValue());
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void exitInTheHandlerAnswersAndRestartsTheWorker(Server.Kind kind) throws Exception {
        Server server = SERVERS.get(kind);
        Map<String, Object> before = server.json("/");
        HttpResponse<String> left = Http.get(server.url("/?do=exit"));
        assertEquals(200, left.statusCode());
        assertEquals("leaving", left.body());
        Map<String, Object> after = server.json("/");
        assertNotEquals(before.get("boot"), after.get("boot"), "a fresh worker took over");
        assertEquals(1, ((Number) after.get("handled")).intValue());
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void theLoopCannotBeEnteredAgainFromItsHandler(Server.Kind kind) throws Exception {
        HttpResponse<String> r = Http.get(SERVERS.get(kind).url("/?do=nested"));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("frankenphp_handle_request() cannot run inside its own handler\n"
                + "Ephpm\\Worker\\take_request() cannot run inside a frankenphp_handle_request() handler", r.body());
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void finishRequestCompletesTheResponseWhileTheHandlerWorksOn(Server.Kind kind) throws Exception {
        Path marker = temp.resolve("finished-" + kind);
        SERVERS.get(kind).json("/");
        long start = System.nanoTime();
        HttpResponse<String> r = Http.get(SERVERS.get(kind).url("/?do=finish&marker=" + marker));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals("complete", r.body());
        assertTrue(millis < 700, "the response did not wait for the work after frankenphp_finish_request(): " + millis + " ms");
        for (int i = 0; i < 50 && !Files.exists(marker); i++) {
            Thread.sleep(100);
        }
        assertEquals("finished", Files.readString(marker));
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    @SuppressWarnings("unchecked")
    void requestAndResponseHeadersAreReadable(Server.Kind kind) throws Exception {
        HttpResponse<String> r = Http.send(Http.request(SERVERS.get(kind).url("/?do=headers")).header("X-Trace", "t-1").build());
        Map<String, Object> d = Json.parse(r.body());
        assertEquals("t-1", ((Map<String, Object>) d.get("request")).get("X-Trace"));
        assertEquals(d.get("request"), d.get("apache_request"));
        Map<String, Object> response = (Map<String, Object>) d.get("response");
        assertEquals("1", response.get("X-First"));
        assertEquals("two", response.get("X-Second"));
        assertEquals("application/json", response.get("Content-Type"));
        assertEquals(response, d.get("apache_response"));
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void noSessionLeaksIntoTheNextClientsRequest(Server.Kind kind) throws Exception {
        Server server = SERVERS.get(kind);
        HttpResponse<String> set = Http.get(server.url("/?do=session-set&secret=s3cret-" + kind));
        assertTrue(set.body().startsWith("set "), set.body());
        String cookie = set.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        assertEquals("empty", Http.get(server.url("/?do=session-peek")).body());
        assertEquals("secret=none", Http.get(server.url("/?do=session-get")).body());
        assertEquals("secret=s3cret-" + kind, Http.send(Http.request(server.url("/?do=session-get")).header("Cookie", cookie).build()).body(),
                "the session was written before the response completed");
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void headersSendSendsEarlyHintsFromAWorker(Server.Kind kind) throws Exception {
        EarlyHintsServletTest.Exchange exchange = EarlyHintsServletTest.get(SERVERS.get(kind).port(), "/app/?do=hint", "HTTP/1.1");
        assertEquals(List.of(103, 200), exchange.heads().stream().map(EarlyHintsServletTest.Head::status).toList());
        assertEquals(List.of("</worker.css>; rel=preload; as=style"), exchange.heads().get(0).values("Link"));
        assertEquals("hinted", exchange.body());
    }

    @Test
    void outsideWorkerModeTheLoopIsRefused() throws Exception {
        HttpResponse<String> r = Http.get(classic.url("/index.php"));
        assertEquals("frankenphp_handle_request() called while not in worker mode", r.body());
    }
}
