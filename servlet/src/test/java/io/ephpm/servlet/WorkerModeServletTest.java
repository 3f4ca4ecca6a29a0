package io.ephpm.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Worker mode in real Jetty and Tomcat: boot once, isolation under load, crashes, replay, timeouts. */
class WorkerModeServletTest {
    private static Map<Server.Kind, Server> SERVERS;
    @TempDir
    static Path temp;
    private static TestApp app;

    @BeforeAll
    static void start() throws Exception {
        app = TestApp.copy(temp.resolve("app"));
        SERVERS = Server.startEach("/app", app.documentRoot, Map.of(
                "mode", "worker",
                "app-root", app.root.toString(),
                "worker-script", "worker.php",
                "workers", "4",
                "request-timeout", "2"));
    }

    @AfterAll
    static void stop() throws Exception {
        Server.closeAll(SERVERS);
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void twoHundredConcurrentClientsEachSeeOnlyTheirOwnRequest(Server.Kind kind) throws Exception {
        Server server = SERVERS.get(kind);
        ExecutorService clients = Executors.newFixedThreadPool(200);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int c = 0; c < 200; c++) {
                results.add(clients.submit(() -> {
                    Set<String> boots = new HashSet<>();
                    for (int i = 0; i < 5; i++) {
                        String nonce = UUID.randomUUID().toString();
                        HttpResponse<String> r = Http.send(Http.request(server.url("/orders?nonce=" + nonce))
                                .header("X-Nonce", nonce)
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString("nonce=" + nonce)).build());
                        assertEquals(200, r.statusCode(), r.body());
                        Map<String, Object> d = Json.parse(r.body());
                        assertEquals(nonce, d.get("nonce"));
                        assertEquals(nonce, d.get("header_nonce"));
                        assertEquals(Map.of("nonce", nonce), d.get("post"));
                        boots.add((String) d.get("boot"));
                    }
                    return String.join(",", boots);
                }));
            }
            Set<String> boots = new HashSet<>();
            for (Future<String> f : results) {
                boots.addAll(List.of(f.get().split(",")));
            }
            assertTrue(boots.size() <= 4, "4 workers booted once each, but saw boots " + boots);
        } finally {
            clients.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void workerSeesTheContextPathAndFrontController(Server.Kind kind) throws Exception {
        Map<String, Object> d = SERVERS.get(kind).json("/users/7?nonce=x");
        assertEquals("/app/index.php", d.get("script_name"));
        assertEquals("/app/users/7?nonce=x", d.get("request_uri"));
        assertEquals("GET", Json.map(d, "request").get("method"));
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void theSessionHandlerAndIniSettingsOfTheBootHoldForEveryRequest(Server.Kind kind, @TempDir Path appDir) throws Exception {
        TestApp own = TestApp.copy(appDir);
        try (Server server = Server.start(kind, "", own.documentRoot, Map.of("mode", "worker", "app-root", own.root.toString(),
                "worker-script", "parity-worker.php", "workers", "1"))) {
            Object bootMemoryLimit = server.json("/?do=ini").get("memory_limit");
            for (int i = 1; i < 3; i++) {
                Map<String, Object> d = server.json("/?do=ini");
                assertEquals("10", d.get("precision"), "request " + i + " saw another request's ini_set()");
                assertEquals(bootMemoryLimit, d.get("memory_limit"), "request " + i + " saw another request's ini_set()");
            }
            List<String> sessions = List.of("alice", "alice", "bob", "alice");
            List<Object> visitsBefore = java.util.Arrays.asList(null, 1, null, 2);
            for (int i = 0; i < sessions.size(); i++) {
                HttpResponse<String> r = Http.send(Http.request(server.url("/?do=session"))
                        .header("Cookie", "PHPSESSID=" + sessions.get(i)).build());
                assertEquals(200, r.statusCode(), r.body());
                Map<String, Object> d = Json.parse(r.body());
                assertEquals(true, d.get("started"), "request " + i + ": " + r.body());
                Object visits = d.get("before") instanceof Map<?, ?> before ? before.get("visits") : null;
                assertEquals(visitsBefore.get(i), visits, "request " + i + " of session " + sessions.get(i) + ": " + r.body());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void aWorkerCallsGetallheadersAtBootAndPerRequest(Server.Kind kind, @TempDir Path appDir) throws Exception {
        TestApp own = TestApp.copy(appDir);
        try (Server server = Server.start(kind, "", own.documentRoot, Map.of("mode", "worker", "app-root", own.root.toString(),
                "worker-script", "parity-worker.php", "workers", "1"))) {
            for (String nonce : List.of("n1", "n2")) {
                HttpResponse<String> r = Http.send(Http.request(server.url("/")).header("X-Nonce", nonce).build());
                assertEquals(200, r.statusCode(), r.body());
                Map<String, Object> d = Json.parse(r.body());
                assertEquals(List.of(), d.get("boot_headers"));
                assertEquals(nonce, Json.map(d, "headers").get("X-Nonce"));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void aFatalErrorIs500ForUnsafeRequestsAndTheWorkerIsReplaced(Server.Kind kind) throws Exception {
        Server server = SERVERS.get(kind);
        HttpResponse<String> r = Http.send(Http.request(server.url("/?do=fatal")).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(500, r.statusCode());
        assertEquals(200, Http.get(server.url("/?nonce=after")).statusCode());
        assertTrue(((Number) server.servlet().status().get("crashes")).longValue() >= 1);
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void aSafeRequestIsReplayedOnceOnAFreshWorker(Server.Kind kind) throws Exception {
        Server server = SERVERS.get(kind);
        long replaysBefore = ((Number) server.servlet().status().get("replays")).longValue();
        HttpResponse<String> r = Http.get(server.url("/?do=crash-once&token=" + UUID.randomUUID()));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().startsWith("survived replay"), r.body());
        assertEquals(replaysBefore + 1, ((Number) server.servlet().status().get("replays")).longValue());
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void exitInAWorkerDeliversWhatThePageProduced(Server.Kind kind) throws Exception {
        Server server = SERVERS.get(kind);
        HttpResponse<String> r = Http.send(Http.request(server.url("/?do=exit")).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(200, r.statusCode());
        assertEquals("partial", r.body());
        assertEquals(200, Http.get(server.url("/?nonce=after-exit")).statusCode());
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void exitAfterARedirectAnswersItOnceAndRotatesTheWorker(Server.Kind kind) throws Exception {
        Server server = SERVERS.get(kind);
        Map<String, Object> before = server.servlet().status();
        String token = UUID.randomUUID().toString().replace("-", "");
        HttpResponse<String> r = Http.get(server.url("/?do=redirect-exit&token=" + token));
        assertEquals(302, r.statusCode(), r.body());
        assertEquals("/x", r.headers().firstValue("Location").orElse(""));
        Path sideEffect = Path.of(System.getProperty("java.io.tmpdir"), "ephpm-exit-" + token);
        assertEquals("x", java.nio.file.Files.readString(sideEffect), "the handler ran once, never replayed");
        java.nio.file.Files.delete(sideEffect);
        assertEquals(200, Http.get(server.url("/?nonce=after-redirect-exit")).statusCode());
        // the exited thread unwinds after its response is out, while another worker may already answer
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (count(server.servlet().status(), "rotations") == count(before, "rotations") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Map<String, Object> after = server.servlet().status();
        assertEquals(count(before, "replays"), count(after, "replays"));
        assertEquals(count(before, "crashes"), count(after, "crashes"), "exit() ends a worker normally");
        assertEquals(count(before, "rotations") + 1, count(after, "rotations"));
    }

    private static long count(Map<String, Object> status, String name) {
        return ((Number) status.get(name)).longValue();
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void setTimeLimitCannotOutlastTheRequestTimeout(Server.Kind kind) throws Exception {
        Server server = SERVERS.get(kind);
        HttpResponse<String> r = Http.get(server.url("/?do=time-limit&s=0"));
        assertEquals(504, r.statusCode(), "set_time_limit(0) runs up to request-timeout=2, no further");
        r = Http.get(server.url("/?do=time-limit&s=60"));
        assertEquals(504, r.statusCode(), "set_time_limit(60) runs up to request-timeout=2, no further");
        assertEquals(200, Http.get(server.url("/?nonce=after-time-limit")).statusCode());
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void aRunawayScriptIs504WithinTheTimeout(Server.Kind kind) throws Exception {
        Server server = SERVERS.get(kind);
        long start = System.nanoTime();
        HttpResponse<String> r = Http.get(server.url("/?do=loop"));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(504, r.statusCode());
        assertTrue(millis <= 3000, "took " + millis + " ms with request-timeout=2");
        assertEquals(200, Http.get(server.url("/?nonce=after-timeout")).statusCode());
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void aClientLeavingAStreamDoesNotKillTheWorker(Server.Kind kind) throws Exception {
        Server server = SERVERS.get(kind);
        long crashesBefore = ((Number) server.servlet().status().get("crashes")).longValue();
        HttpResponse<InputStream> r = Http.CLIENT.send(Http.request(server.url("/?do=stream&mb=10")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            assertEquals(100_000, in.readNBytes(100_000).length);
        }
        for (int i = 0; i < 8; i++) {
            assertEquals(200, Http.get(server.url("/?nonce=" + i)).statusCode());
        }
        assertEquals(crashesBefore, ((Number) server.servlet().status().get("crashes")).longValue());
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void workersRotateAfterMaxRequests(Server.Kind kind, @TempDir Path appDir) throws Exception {
        TestApp own = TestApp.copy(appDir);
        try (Server server = Server.start(kind, "", own.documentRoot, Map.of("mode", "worker", "app-root", own.root.toString(),
                "worker-script", "worker.php", "workers", "1", "max-requests", "3"))) {
            List<String> boots = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                Map<String, Object> d = server.json("/?nonce=" + i);
                boots.add((String) d.get("boot"));
                assertEquals(i % 3 + 1, d.get("served"));
            }
            assertEquals(boots.get(0), boots.get(2));
            assertNotEquals(boots.get(2), boots.get(3));
            assertNotEquals(boots.get(5), boots.get(6));
            assertEquals(2L, ((Number) server.servlet().status().get("rotations")).longValue());
        }
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void aWorkerScriptEndingOnItsOwnCompletesItsLastRequestAndIsReplaced(Server.Kind kind, @TempDir Path appDir) throws Exception {
        TestApp own = TestApp.copy(appDir);
        try (Server server = Server.start(kind, "", own.documentRoot, Map.of("mode", "worker", "app-root", own.root.toString(),
                "worker-script", "limited-worker.php", "workers", "1"))) {
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                HttpResponse<String> r = Http.get(server.url("/"));
                assertEquals(200, r.statusCode(), r.body());
                answers.add(r.body());
            }
            assertTrue(answers.get(2).endsWith(" 3") && answers.get(3).endsWith(" 1"), answers.toString());
            assertEquals(0L, ((Number) server.servlet().status().get("crashes")).longValue());
            assertEquals(2L, ((Number) server.servlet().status().get("rotations")).longValue());
        }
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void workersRotateWhenTheyHoldTooMuchMemory(Server.Kind kind, @TempDir Path appDir) throws Exception {
        TestApp own = TestApp.copy(appDir);
        try (Server server = Server.start(kind, "", own.documentRoot, Map.of("mode", "worker", "app-root", own.root.toString(),
                "worker-script", "worker.php", "workers", "1", "max-memory", "8M"))) {
            Set<String> boots = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                String body = Http.get(server.url("/?do=retain")).body();
                boots.add(body.substring(body.lastIndexOf(' ') + 1));
            }
            assertTrue(boots.size() >= 2, "a worker holding 20 MB was never rotated under max-memory=8M");
            assertTrue(((Number) server.servlet().status().get("rotations")).longValue() >= 1);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void aQueuedRequestTimesOutWith503(Server.Kind kind, @TempDir Path appDir) throws Exception {
        TestApp own = TestApp.copy(appDir);
        try (Server server = Server.start(kind, "", own.documentRoot, Map.of("mode", "worker", "app-root", own.root.toString(),
                "worker-script", "worker.php", "workers", "1", "queue-timeout", "1"))) {
            var slow = Http.CLIENT.sendAsync(Http.request(server.url("/?do=sleep&ms=2500")).build(), HttpResponse.BodyHandlers.ofString());
            Thread.sleep(300);
            long start = System.nanoTime();
            HttpResponse<String> queued = Http.get(server.url("/?nonce=queued"));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(503, queued.statusCode());
            assertTrue(queued.headers().firstValue("Retry-After").isPresent());
            assertTrue(millis >= 900 && millis < 2200, "the queued request waited " + millis + " ms with queue-timeout=1");
            assertEquals(200, slow.get().statusCode());
            assertEquals(1L, ((Number) server.servlet().status().get("queueTimeouts")).longValue());
        }
    }
}
