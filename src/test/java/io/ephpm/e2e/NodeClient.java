package io.ephpm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.Predicate;

/** HTTP against the nodes of a cluster: a page, its JSON, waiting for the JSON to converge, and load. */
final class NodeClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    HttpResponse<String> get(URI base, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The JSON of a 200 answer; anything else fails the test. */
    JsonNode getJson(URI base, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = get(base, path);
        assertEquals(200, r.statusCode(), () -> base.resolve(path) + ": " + r.body());
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }

    /** Asks every 20 ms until the JSON at path meets the condition, failing after {@code within}. */
    void awaitJson(URI base, String path, Predicate<JsonNode> condition, String what, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = getJson(base, path);
            if (condition.test(last)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(what + " within " + within + "; last: " + last);
    }

    /** Sends the request {@code times} times, {@code inFlight} at once; every answer must be a 200. */
    void hit(URI base, String path, int times, int inFlight) {
        Semaphore slots = new Semaphore(inFlight);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < times; i++) {
                slots.acquire();
                answers.add(http.sendAsync(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60)).build(),
                        HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> slots.release()));
            }
            for (CompletableFuture<HttpResponse<String>> answer : answers) {
                HttpResponse<String> r = answer.get();
                assertEquals(200, r.statusCode(), () -> base.resolve(path) + ": " + r.body());
            }
        } catch (Exception e) {
            throw new AssertionError(base.resolve(path).toString(), e);
        }
    }
}
