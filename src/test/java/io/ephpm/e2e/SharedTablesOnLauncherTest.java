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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample's shared tables (/visits) on the launcher with 4 PHP workers: every visit counted
 * exactly once across workers, a value one request puts read by the next request on every other
 * worker, and the rows still there after a reload (SIGUSR1, octane:reload) booted fresh workers.
 * In octane mode through Octane::table() and Cache::store('octane'), otherwise through Ephpm\Table.
 */
class SharedTablesOnLauncherTest {
    private static final int WORKERS = 4;
    private static final int IN_FLIGHT = 64;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void inClassicModeEveryWorkerSharesTheRows(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path temp) throws Exception {
        sharesTheRows("classic", 2_000, temp);
    }

    @Test
    @EnabledIf(value = "io.ephpm.e2e.SampleOnLauncherTest#octaneCheckoutGiven",
            disabledReason = "laravel/octane is not installed: set EPHPM_OCTANE_PATH to a laravel/octane checkout")
    void inOctaneModeEveryWorkerSharesOctanesTablesAndCache(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path temp) throws Exception {
        sharesTheRows("octane", 10_000, temp);
    }

    private void sharesTheRows(String mode, int visits, Path temp) throws Exception {
        Path app = SampleApp.copy(temp.resolve("app"));
        int port = ServerProcess.freePort();
        List<String> command = Distributions.launcherCommand(app, port, "--mode", mode, "--workers", Integer.toString(WORKERS),
                "--status-path", "/_ephpm/status");
        Map<String, String> environment = new HashMap<>();
        if (mode.equals("octane")) {
            environment.put("EPHPM_OCTANE_PATH", System.getenv("EPHPM_OCTANE_PATH"));
        }
        try (ServerProcess server = ServerProcess.start("launcher", command, app, environment, app.resolve("server.log"))) {
            URI base = URI.create("http://127.0.0.1:" + port);
            server.awaitStatus(base.resolve("/api/visits"), 200, Duration.ofSeconds(90));
            JsonNode board = getJson(base, "/api/visits");
            assertEquals(mode.equals("octane") ? "Octane::table() and Cache::store('octane')" : "Ephpm\\Table::createShared()",
                    board.path("store").asText(), board::toString);

            Set<Integer> countedBy = everyVisitCountedOnce(base, visits);
            assertEquals(WORKERS, countedBy.size(), "the visits were spread over all workers: " + countedBy);
            assertEquals(visits, getJson(base, "/api/visits").path("count").asInt());
            JsonNode tables = getJson(base, "/_ephpm/status").path("tables");
            assertTrue(tables.path("count").asInt() >= 2 && tables.path("memoryBytes").asLong() > 10 * 288,
                    "the pool's status shows the app's tables: " + tables);

            String note = "note-" + System.nanoTime();
            assertEquals(note, getJson(base, "/api/visits?note=" + note).path("note").asText());
            assertEveryWorkerReads(base, visits, note);

            String bootBefore = getJson(base, "/api/worker").path("boot_id").asText();
            server.reload(Duration.ofSeconds(90));
            if (mode.equals("octane")) {
                assertNotEquals(bootBefore, getJson(base, "/api/worker").path("boot_id").asText(), "the reload booted fresh workers");
            }
            assertEveryWorkerReads(base, visits, note);
        }
    }

    /** Sends the visits, many at once; each must get its own number, and together exactly 1..visits. */
    private Set<Integer> everyVisitCountedOnce(URI base, int visits) throws Exception {
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
        for (int i = 0; i < visits; i++) {
            inFlight.acquire();
            answers.add(http.sendAsync(HttpRequest.newBuilder(base.resolve("/api/visits/hit")).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> inFlight.release()).thenApply(r -> {
                        assertEquals(200, r.statusCode(), r::body);
                        return parse(r.body());
                    }));
        }
        BitSet numbers = new BitSet(visits + 1);
        Set<Integer> workers = new HashSet<>();
        for (CompletableFuture<JsonNode> answer : answers) {
            JsonNode visit = answer.get();
            int number = visit.path("number").asInt();
            assertTrue(number >= 1 && number <= visits && !numbers.get(number), "visit number " + number + " given twice or out of range");
            numbers.set(number);
            workers.add(visit.path("worker").asInt());
        }
        assertEquals(visits, numbers.cardinality());
        return workers;
    }

    /** Reads the board from every worker (requests sent 8 at a time so that all workers take some). */
    private void assertEveryWorkerReads(URI base, int count, String note) throws Exception {
        Set<Integer> seen = new HashSet<>();
        for (int round = 0; round < 50 && seen.size() < WORKERS; round++) {
            List<CompletableFuture<HttpResponse<String>>> batch = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                batch.add(http.sendAsync(HttpRequest.newBuilder(base.resolve("/api/visits")).build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> response : batch) {
                JsonNode board = parse(response.get().body());
                assertEquals(count, board.path("count").asInt(), board::toString);
                assertEquals(note, board.path("note").asText(), board::toString);
                seen.add(board.path("worker").asInt());
            }
        }
        assertEquals(WORKERS, seen.size(), "read from workers " + seen);
    }

    private JsonNode getJson(URI base, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r::body);
        return parse(r.body());
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }
}
