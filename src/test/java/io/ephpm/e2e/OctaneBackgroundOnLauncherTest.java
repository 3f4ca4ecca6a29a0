package io.ephpm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample's Octane::concurrently(), Octane::tick() and Cache::interval() (App\Support\Background)
 * on the launcher in octane mode, with real laravel/octane: tasks in parallel on the task workers,
 * TaskException and TaskTimeoutException, no deadlock under load, dispatched tasks run, ticks once a second on the tick
 * thread, a failing tick logged without stopping the others, the interval value shared.
 */
@EnabledIf(value = "io.ephpm.e2e.SampleOnLauncherTest#octaneCheckoutGiven",
        disabledReason = "laravel/octane is not installed: set EPHPM_OCTANE_PATH to a laravel/octane checkout")
class OctaneBackgroundOnLauncherTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void concurrentlyRunsTasksInParallelAndSurfacesTheirFailures(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path temp) throws Exception {
        try (Launched app = launch(temp, "--workers", "2", "--task-workers", "3")) {
            get(app.base, "/api/concurrently?ms=0", 200);
            JsonNode parallel = get(app.base, "/api/concurrently?n=3&ms=300", 200);
            assertTrue(parallel.path("elapsedMs").asInt() < 450, () -> "three 300 ms tasks took " + parallel.path("elapsedMs") + " ms");
            List<String> keys = new ArrayList<>();
            parallel.path("results").fieldNames().forEachRemaining(keys::add);
            assertEquals(List.of("task-0", "task-1", "task-2"), keys);
            for (int i = 0; i < 3; i++) {
                assertEquals(i, parallel.path("results").path("task-" + i).path("task").asInt(), parallel::toString);
            }

            JsonNode thrown = get(app.base, "/api/concurrently?throw=1&ms=0", 500);
            assertEquals("TaskException", thrown.path("exception").asText(), thrown::toString);
            assertEquals("task 1 was asked to throw", thrown.path("message").asText());

            JsonNode late = get(app.base, "/api/concurrently?n=1&ms=5000&wait=300", 504);
            assertEquals("TaskTimeoutException", late.path("exception").asText(), late::toString);
            JsonNode after = awaitParallelAgain(app.base);
            Set<Integer> taskWorkers = new HashSet<>();
            after.path("results").forEach(r -> taskWorkers.add(r.path("taskWorker").asInt()));
            assertEquals(3, taskWorkers.size(), () -> "the next request had every task worker: " + after);
        }
    }

    @Test
    void fiftyConcurrentRequestsWithThreeTasksEachOnTwoAndTwoWorkersAllComplete(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path temp)
            throws Exception {
        try (Launched app = launch(temp, "--workers", "2", "--task-workers", "2")) {
            get(app.base, "/api/concurrently?ms=0", 200);
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                answers.add(http.sendAsync(HttpRequest.newBuilder(app.base.resolve("/api/concurrently?n=3&ms=20&wait=30000"))
                        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> answer : answers) {
                HttpResponse<String> r = answer.get(90, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode(), r::body);
                assertEquals(3, JSON.readTree(r.body()).path("results").size(), r::body);
            }
            JsonNode status = get(app.base, "/_ephpm/status", 200);
            assertEquals(0, status.path("taskWorkers").path("queued").asInt(), status::toString);
            assertTrue(status.path("tasks").path("completed").asInt() >= 150, status::toString);

            assertEquals(4, get(app.base, "/api/dispatch?n=4", 200).path("dispatched").asInt());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (get(app.base, "/api/ticks", 200).path("dispatched").asInt() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(4, get(app.base, "/api/ticks", 200).path("dispatched").asInt(), "the dispatched tasks ran");
        }
    }

    @Test
    void ticksRunOnceASecondAndTheIntervalValueIsSharedByEveryWorker(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path temp)
            throws Exception {
        try (Launched app = launch(temp, "--workers", "2", "--task-workers", "1", "--env", "SAMPLE_FAILING_TICK=1")) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (get(app.base, "/api/ticks", 200).path("seconds").asInt() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            int first = get(app.base, "/api/ticks", 200).path("seconds").asInt();
            long started = System.nanoTime();
            int served = 0;
            while (System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5)) {
                get(app.base, "/api/hello", 200);
                served++;
            }
            int ticked = get(app.base, "/api/ticks", 200).path("seconds").asInt() - first;
            assertTrue(ticked >= 4 && ticked <= 6, "the tick ran " + ticked + " times in 5 s");
            assertTrue(served > 20, "requests served meanwhile: " + served);

            String log = Files.readString(app.log);
            assertTrue(log.split("the sample tick that always fails", -1).length > 3,
                    "the failing tick is logged each time it runs, and does not stop the ticks");

            Set<Integer> workers = new HashSet<>();
            Set<String> clocks = new HashSet<>();
            for (int round = 0; round < 50 && workers.size() < 2; round++) {
                List<CompletableFuture<HttpResponse<String>>> batch = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    batch.add(http.sendAsync(HttpRequest.newBuilder(app.base.resolve("/api/ticks")).build(), HttpResponse.BodyHandlers.ofString()));
                }
                clocks.clear();
                for (CompletableFuture<HttpResponse<String>> r : batch) {
                    JsonNode ticks = JSON.readTree(r.get().body());
                    workers.add(ticks.path("worker").asInt());
                    clocks.add(ticks.path("clock").path("at").asText());
                }
                if (clocks.size() > 1) {
                    workers.clear(); // a tick refreshed the value between two reads of the batch
                }
            }
            assertEquals(2, workers.size(), "both workers read one interval value: " + clocks);
            assertTrue(!clocks.iterator().next().isEmpty() && !clocks.contains(""), () -> "the interval value was computed: " + clocks);
            String before = clocks.iterator().next();
            Thread.sleep(2500);
            assertNotEquals(before, get(app.base, "/api/ticks", 200).path("clock").path("at").asText(), "ticks refresh the interval value");
        }
    }

    /** A task killed at its wait makes its worker boot again; wait for three task workers to be back. */
    private JsonNode awaitParallelAgain(URI base) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonNode result;
        do {
            result = get(base, "/api/concurrently?n=3&ms=300", 200);
        } while (result.path("elapsedMs").asInt() >= 450 && System.nanoTime() < deadline);
        return result;
    }

    private record Launched(ServerProcess server, URI base, Path log) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            server.close();
        }
    }

    private Launched launch(Path temp, String... options) throws Exception {
        Path app = SampleApp.copy(temp.resolve("app"));
        int port = ServerProcess.freePort();
        List<String> arguments = new ArrayList<>(List.of("--mode", "octane", "--status-path", "/_ephpm/status"));
        arguments.addAll(List.of(options));
        List<String> command = Distributions.launcherCommand(app, port, arguments.toArray(String[]::new));
        Path log = app.resolve("server.log");
        ServerProcess server = ServerProcess.start("launcher", command, app, Map.of("EPHPM_OCTANE_PATH", System.getenv("EPHPM_OCTANE_PATH")), log);
        URI base = URI.create("http://127.0.0.1:" + port);
        server.awaitStatus(base.resolve("/api/hello"), 200, Duration.ofSeconds(90));
        return new Launched(server, base, log);
    }

    private JsonNode get(URI base, String path, int expectedStatus) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(expectedStatus, r.statusCode(), r::body);
        return JSON.readTree(r.body());
    }
}
