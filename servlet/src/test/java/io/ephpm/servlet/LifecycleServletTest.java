package io.ephpm.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Boot failures, drain on undeploy, and redeploys in the same JVM. */
class LifecycleServletTest {

    private static Map<String, String> workerParams(TestApp app, String workers) {
        return Map.of("mode", "worker", "app-root", app.root.toString(), "worker-script", "worker.php", "workers", workers);
    }

    private static java.util.Set<Thread> phpThreadSet() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().contains("-php-"))
                .collect(java.util.stream.Collectors.toSet());
    }

    private static long phpThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().contains("-php-")).count();
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void aWorkerThatFailsToBootAnswers503AndRecoversWithBackoff(Server.Kind kind, @TempDir Path appDir) throws Exception {
        TestApp app = TestApp.copy(appDir);
        Files.writeString(app.root.resolve("boot-fails"), "database unreachable");
        StringBuilder log = new StringBuilder();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                synchronized (log) {
                    log.append(r.getMessage()).append('\n');
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger poolLog = Logger.getLogger(WorkerPool.class.getName());
        poolLog.addHandler(capture);
        try (Server server = Server.start(kind, "", app.documentRoot, workerParams(app, "2"))) {
            long start = System.nanoTime();
            HttpResponse<String> r = Http.get(server.url("/?nonce=1"));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(503, r.statusCode());
            assertTrue(r.headers().firstValue("Retry-After").isPresent());
            assertTrue(millis < 5000, "a request to a failing app waited " + millis + " ms");
            assertTrue(r.body().contains("failed to boot") && !r.body().contains("database unreachable"),
                    "the client learns that the app failed, the log learns why: " + r.body());
            synchronized (log) {
                assertTrue(log.toString().contains("failed to boot") && log.toString().contains("database unreachable")
                        && log.toString().contains("retrying in"), log.toString());
            }

            Files.delete(app.root.resolve("boot-fails"));
            long deadline = System.nanoTime() + 20_000_000_000L;
            int status = 0;
            while (System.nanoTime() < deadline && (status = Http.get(server.url("/?nonce=2")).statusCode()) != 200) {
                Thread.sleep(200);
            }
            assertEquals(200, status, "the pool recovered once the boot error was fixed");
            assertTrue(((Number) server.servlet().status().get("bootFailures")).longValue() >= 2);
        } finally {
            poolLog.removeHandler(capture);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void redeployingUnderLoadAnswersEveryRequestAndHangsNone(Server.Kind kind, @TempDir Path appDir) throws Exception {
        TestApp app = TestApp.copy(appDir);
        try (Server server = Server.start(kind, "/app", app.documentRoot, workerParams(app, "2"))) {
            java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
            java.util.Map<Integer, java.util.concurrent.atomic.AtomicInteger> statuses = new java.util.concurrent.ConcurrentHashMap<>();
            java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(16);
            java.util.List<java.util.concurrent.Future<?>> loops = new java.util.ArrayList<>();
            for (int c = 0; c < 16; c++) {
                loops.add(clients.submit(() -> {
                    while (running.get()) {
                        HttpResponse<String> r = Http.send(Http.request(server.url("/?do=sleep&ms=20"))
                                .timeout(java.time.Duration.ofSeconds(30)).build());
                        statuses.computeIfAbsent(r.statusCode(), k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
                    }
                    return null;
                }));
            }
            for (int i = 0; i < 3; i++) {
                Thread.sleep(400);
                server.redeploy();
            }
            Thread.sleep(400);
            running.set(false);
            for (java.util.concurrent.Future<?> loop : loops) {
                loop.get(60, java.util.concurrent.TimeUnit.SECONDS); // a hung request fails here
            }
            clients.shutdown();
            assertTrue(statuses.get(200).get() > 50, statuses.toString());
            // between undeploy and deploy the container itself answers 503 (Jetty) or 404 (Tomcat: no context)
            assertTrue(statuses.keySet().stream().allMatch(s -> s == 200 || s == 503 || s == 404), statuses.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void undeployDrainsInFlightRequestsAndTwentyRedeploysLeakNoThreads(Server.Kind kind, @TempDir Path appDir) throws Exception {
        TestApp app = TestApp.copy(appDir);
        long baseline = phpThreads();
        try (Server server = Server.start(kind, "/app", app.documentRoot, workerParams(app, "2"))) {
            CompletableFuture<HttpResponse<String>> inFlight = Http.CLIENT.sendAsync(
                    Http.request(server.url("/?do=sleep&ms=800")).build(), HttpResponse.BodyHandlers.ofString());
            Thread.sleep(200);
            server.redeploy();
            HttpResponse<String> drained = inFlight.get();
            assertEquals(200, drained.statusCode(), "an in-flight request finishes during undeploy");
            assertTrue(drained.body().startsWith("slept"));

            for (int i = 0; i < 20; i++) {
                server.redeploy();
                assertEquals(200, Http.get(server.url("/?nonce=" + i)).statusCode());
            }
            assertEquals(baseline + 2, phpThreads(), "exactly the current webapp's 2 PHP threads remain");
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (phpThreads() > baseline && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(baseline, phpThreads(), () -> "stopping the server ends its PHP threads: " + Thread.getAllStackTraces().entrySet()
                .stream().filter(e -> e.getKey().getName().contains("-php-"))
                .map(e -> e.getKey().getName() + " " + java.util.Arrays.toString(e.getValue())).toList());
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void aRequestStillRunningPastTheDrainTimeoutIsStopped(Server.Kind kind, @TempDir Path appDir) throws Exception {
        TestApp app = TestApp.copy(appDir);
        Map<String, String> params = new java.util.HashMap<>(workerParams(app, "2"));
        params.put("drain-timeout", "1");
        params.put("request-timeout", "60");
        try (Server server = Server.start(kind, "/app", app.documentRoot, params)) {
            assertEquals(200, Http.get(server.url("/?nonce=before")).statusCode());
            java.util.Set<Thread> oldThreads = phpThreadSet();
            assertEquals(2, oldThreads.size());
            CompletableFuture<HttpResponse<String>> straggler = Http.CLIENT.sendAsync(
                    Http.request(server.url("/?do=sleep&ms=40000")).build(), HttpResponse.BodyHandlers.ofString());
            Thread.sleep(300);
            long start = System.nanoTime();
            server.redeploy();
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 15_000, "the undeploy waited " + millis + " ms for a 40 s sleep(), with drain-timeout=1");
            HttpResponse<String> stopped = straggler.get(10, java.util.concurrent.TimeUnit.SECONDS);
            // Jetty passes on the pool's 504; Tomcat may answer an async request of a stopping context itself (500)
            assertTrue(stopped.statusCode() == 504 || (kind == Server.Kind.TOMCAT && stopped.statusCode() == 500),
                    "the straggler ends at the drain deadline, got " + stopped.statusCode());
            for (Thread t : oldThreads) {
                t.join(5000);
                assertTrue(!t.isAlive(), t.getName() + " ends with the undeploy");
            }
            assertEquals(200, Http.get(server.url("/?nonce=after")).statusCode());
        }
    }
}
