package io.ephpm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three launcher JVMs on loopback serve the sample with cluster=hazelcast and see the same shared
 * tables and cache: in octane mode through Octane::table() and Cache::store('octane') where Octane
 * is given (EPHPM_OCTANE_PATH), else in classic mode through Ephpm\Table. A node killed with SIGKILL
 * under load costs the others no request, and when it comes back it reads the current values; so
 * does a node cut off from the others (frozen with SIGSTOP) when it returns.
 */
class ClusterOnLauncherTest {
    private static final int NODES = 3;
    private static final int HITS_PER_NODE = 3_000;
    private static final int IN_FLIGHT_PER_NODE = 12;
    private static final Duration CONVERGENCE = Duration.ofSeconds(10);
    private final NodeClient client = new NodeClient();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void threeNodesShareTheTablesAndCacheAndOutliveAKilledOne(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path temp) throws Exception {
        String mode = SampleOnLauncherTest.octaneCheckoutGiven() ? "octane" : "classic";
        String clusterName = "e2e-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        int[] httpPorts = new int[NODES];
        int[] clusterPorts = new int[NODES];
        List<String> members = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            httpPorts[i] = ServerProcess.freePort();
            clusterPorts[i] = ServerProcess.freePort();
            members.add("127.0.0.1:" + clusterPorts[i]);
        }
        // one app for the three nodes, as a deploy gives each the same code and APP_KEY: Octane's
        // interval caches hold closures signed with it
        Path app = SampleApp.copy(temp.resolve("app"));
        Path[] apps = {app, app, app};
        ServerProcess[] nodes = new ServerProcess[NODES];
        URI[] bases = new URI[NODES];
        try {
            for (int i = 0; i < NODES; i++) {
                bases[i] = URI.create("http://127.0.0.1:" + httpPorts[i]);
                nodes[i] = start(i, mode, apps[i], httpPorts[i], clusterPorts[i], clusterName, String.join(",", members));
            }
            for (int i = 0; i < NODES; i++) {
                nodes[i].awaitStatus(bases[i].resolve("/api/visits"), 200, Duration.ofSeconds(120));
            }
            for (URI base : bases) {
                awaitJson(base, "/_ephpm/status", status -> status.path("cluster").path("members").asInt() == NODES,
                        "the pool's status shows the three members: " + base);
                assertEquals(clusterName, getJson(base, "/_ephpm/status").path("cluster").path("cluster").asText());
                String metrics = http.send(HttpRequest.newBuilder(base.resolve("/_ephpm/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertTrue(metrics.contains("\nephpm_cluster_members 3.0\n"), metrics);
            }

            // a write on one node is read on the others
            String note = "note-" + System.nanoTime();
            assertEquals(note, getJson(bases[0], "/api/visits?note=" + note).path("note").asText());
            for (URI base : bases) {
                awaitJson(base, "/api/visits", board -> note.equals(board.path("note").asText()), "the note reached " + base);
            }

            // counters: the table's incr and the cache's increment are atomic across the nodes
            List<CompletableFuture<Void>> load = new ArrayList<>();
            for (URI base : bases) {
                load.add(CompletableFuture.runAsync(() -> client.hit(base, "/api/visits/hit", HITS_PER_NODE, IN_FLIGHT_PER_NODE)));
                load.add(CompletableFuture.runAsync(() -> client.hit(base, "/api/visits/cache-count?add=1", HITS_PER_NODE / 10, IN_FLIGHT_PER_NODE)));
            }
            CompletableFuture.allOf(load.toArray(CompletableFuture[]::new)).get();
            for (URI base : bases) {
                awaitJson(base, "/api/visits", board -> board.path("count").asInt() == NODES * HITS_PER_NODE,
                        "every node counts exactly " + NODES * HITS_PER_NODE + " visits: " + base);
                awaitJson(base, "/api/visits/cache-count", c -> c.path("count").asInt() == NODES * HITS_PER_NODE / 10,
                        "every node's cache counter is exactly " + NODES * HITS_PER_NODE / 10 + ": " + base);
            }

            // a cached value with a 2 s TTL expires on every node
            String value = "v-" + System.nanoTime();
            assertEquals(value, getJson(bases[1], "/api/visits/expiring?key=ttl&ttl=2&put=" + value).path("value").asText());
            for (URI base : bases) {
                awaitJson(base, "/api/visits/expiring?key=ttl", v -> value.equals(v.path("value").asText()), "the value reached " + base);
            }
            Thread.sleep(3_100);
            for (URI base : bases) {
                assertTrue(getJson(base, "/api/visits/expiring?key=ttl").path("value").isNull(), "expired on " + base);
            }

            // node B dies with SIGKILL under load; A and C answer every request
            AtomicBoolean loading = new AtomicBoolean(true);
            AtomicInteger answered = new AtomicInteger();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            List<CompletableFuture<Void>> survivors = new ArrayList<>();
            for (int i : new int[] {0, 2}) {
                URI base = bases[i];
                survivors.add(CompletableFuture.runAsync(() -> hitWhile(base, loading, answered, failures)));
            }
            Thread.sleep(1_500);
            int beforeKill = answered.get();
            nodes[1].close();
            Thread.sleep(8_000);
            loading.set(false);
            CompletableFuture.allOf(survivors.toArray(CompletableFuture[]::new)).get();
            assertEquals(List.of(), List.copyOf(failures), "A and C answered every request while B died");
            assertTrue(answered.get() > beforeKill + 100, "A and C kept serving after B died: " + beforeKill + " -> " + answered.get());
            int total = getJson(bases[0], "/api/visits").path("count").asInt();
            assertEquals(NODES * HITS_PER_NODE + answered.get(), total, "every visit A and C answered was counted once");
            awaitJson(bases[2], "/api/visits", board -> board.path("count").asInt() == total, "C counts what A counts");

            // B comes back, rejoins, and reads the current values
            nodes[1] = start(1, mode, apps[1], httpPorts[1], clusterPorts[1], clusterName, String.join(",", members));
            nodes[1].awaitStatus(bases[1].resolve("/api/visits"), 200, Duration.ofSeconds(120));
            JsonNode rejoined = getJson(bases[1], "/api/visits");
            assertEquals(total, rejoined.path("count").asInt(), rejoined::toString);
            assertEquals(note, rejoined.path("note").asText(), rejoined::toString);
            assertEquals(NODES * HITS_PER_NODE / 10, getJson(bases[1], "/api/visits/cache-count").path("count").asInt());
            String after = "after-" + System.nanoTime();
            getJson(bases[1], "/api/visits?note=" + after);
            for (URI base : bases) {
                awaitJson(base, "/api/visits", board -> after.equals(board.path("note").asText()), "B's write reached " + base);
            }

            // node C is cut off (frozen) under load on A and B; they answer every request, and C,
            // back, merges into their cluster and reads what they wrote meanwhile
            loading.set(true);
            answered.set(0);
            List<CompletableFuture<Void>> others = new ArrayList<>();
            for (int i : new int[] {0, 1}) {
                URI base = bases[i];
                others.add(CompletableFuture.runAsync(() -> hitWhile(base, loading, answered, failures)));
            }
            Thread.sleep(1_000);
            nodes[2].freeze();
            Thread.sleep(10_000);
            loading.set(false);
            CompletableFuture.allOf(others.toArray(CompletableFuture[]::new)).get();
            nodes[2].thaw();
            assertEquals(List.of(), List.copyOf(failures), "A and B answered every request while C was cut off");
            int afterPartition = getJson(bases[0], "/api/visits").path("count").asInt();
            assertEquals(total + answered.get(), afterPartition, "every visit A and B answered was counted once");
            awaitJson(bases[2], "/api/visits", board -> board.path("count").asInt() == afterPartition, "C, back, reads the count",
                    Duration.ofSeconds(60));
            for (ServerProcess node : nodes) {
                assertEquals(0, node.stop(Duration.ofSeconds(60)), "stops cleanly: " + node.log().lines().reduce((a, b) -> b).orElse(""));
            }
        } finally {
            for (ServerProcess node : nodes) {
                if (node != null) {
                    node.close();
                }
            }
        }
    }

    private static ServerProcess start(int index, String mode, Path app, int port, int clusterPort, String clusterName, String members)
            throws Exception {
        List<String> command = Distributions.launcherCommand(app, port, "--mode", mode, "--workers", "2", "--task-workers", "0",
                "--status-path", "/_ephpm/status", "--metrics-path", "/_ephpm/metrics",
                "--cluster", "hazelcast", "--cluster-name", clusterName, "--cluster-members", members,
                "--cluster-port", Integer.toString(clusterPort), "--cluster-address", "127.0.0.1");
        Map<String, String> environment = new HashMap<>();
        if (mode.equals("octane")) {
            environment.put("EPHPM_OCTANE_PATH", System.getenv("EPHPM_OCTANE_PATH"));
        }
        return ServerProcess.start("node" + index, command, app, environment, app.resolve("server-" + System.nanoTime() + ".log"));
    }

    private void hitWhile(URI base, AtomicBoolean loading, AtomicInteger answered, ConcurrentLinkedQueue<String> failures) {
        while (loading.get()) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/api/visits/hit")).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    answered.incrementAndGet();
                } else {
                    failures.add(base + ": " + r.statusCode() + " " + r.body().substring(0, Math.min(300, r.body().length())));
                }
            } catch (Exception e) {
                failures.add(base + ": " + e);
            }
        }
    }
    private void awaitJson(URI base, String path, Predicate<JsonNode> condition, String what) throws Exception {
        client.awaitJson(base, path, condition, what, CONVERGENCE);
    }

    private void awaitJson(URI base, String path, Predicate<JsonNode> condition, String what, Duration within) throws Exception {
        client.awaitJson(base, path, condition, what, within);
    }

    private JsonNode getJson(URI base, String path) throws Exception {
        return client.getJson(base, path);
    }
}
