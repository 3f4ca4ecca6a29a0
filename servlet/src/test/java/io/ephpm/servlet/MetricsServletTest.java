package io.ephpm.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The metrics path over real HTTP in Jetty and Tomcat, read with the Prometheus Python client's text
 * format parser (Debian's python3-prometheus-client, which the README's test command installs).
 */
class MetricsServletTest {
    /** Debian's python3-prometheus-client is visible to Debian's Python, not to one earlier on the PATH. */
    private static final String DEBIAN_PYTHON = java.nio.file.Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    private static Map<Server.Kind, Server> SERVERS;
    @TempDir
    static Path temp;

    @BeforeAll
    static void start() throws Exception {
        TestApp app = TestApp.copy(temp.resolve("app"));
        SERVERS = Server.startEach("/app", app.documentRoot, Map.of(
                "mode", "worker",
                "app-root", app.root.toString(),
                "worker-script", "worker.php",
                "workers", "2",
                "metrics-path", "/_ephpm/metrics"));
    }

    @AfterAll
    static void stop() throws Exception {
        Server.closeAll(SERVERS);
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void theMetricsPathServesThePoolsNumbersAndTheyMoveWithRequests(Server.Kind kind) throws Exception {
        Server server = SERVERS.get(kind);
        Scrape before = scrape(server);
        assertEquals("gauge", before.types.get("ephpm_busy_threads"));
        assertEquals("counter", before.types.get("ephpm_requests"));
        assertEquals("histogram", before.types.get("ephpm_request_duration_seconds"));
        assertEquals(2.0, before.value("ephpm_total_threads"));
        assertEquals(0.0, before.value("ephpm_queue_depth"));
        for (String name : new String[] {"ephpm_idle_threads", "ephpm_worker_restarts_total", "ephpm_worker_boot_failures_total",
                "ephpm_queue_timeouts_total", "ephpm_replays_total", "ephpm_opcache_reloads_total", "ephpm_tables", "ephpm_cluster_members",
                "ephpm_table_memory_bytes"}) {
            assertTrue(before.samples.containsKey(name), name + " missing: " + before.samples.keySet());
        }

        for (int i = 0; i < 5; i++) {
            assertEquals(200, Http.get(server.url("/?nonce=" + i)).statusCode());
        }
        HttpResponse<String> slow = Http.get(server.url("/?do=sleep&ms=300"));
        assertEquals(200, slow.statusCode(), slow.body());
        // a GET that crashes its worker once is replayed on a fresh one
        String token = UUID.randomUUID().toString().replace("-", "");
        assertEquals(200, Http.get(server.url("/?do=crash-once&token=" + token)).statusCode());

        // the crash is counted when the pool replaces its worker, which may be after the replay answered
        Scrape after = scrape(server);
        for (long deadline = System.nanoTime() + 10_000_000_000L;
             after.value("ephpm_worker_crashes_total") == before.value("ephpm_worker_crashes_total") && System.nanoTime() < deadline; ) {
            Thread.sleep(50);
            after = scrape(server);
        }
        // the crashed attempt completes a request too, before its replay
        assertEquals(8.0, after.value("ephpm_requests_total") - before.value("ephpm_requests_total"), after.samples.toString());
        assertEquals(8.0, after.value("ephpm_request_duration_seconds_count") - before.value("ephpm_request_duration_seconds_count"));
        assertTrue(after.value("ephpm_request_duration_seconds_sum") - before.value("ephpm_request_duration_seconds_sum") >= 0.3);
        assertTrue(after.value("ephpm_request_duration_seconds_bucket{le=0.25}") - before.value("ephpm_request_duration_seconds_bucket{le=0.25}") <= 7);
        assertEquals(1.0, after.value("ephpm_worker_crashes_total") - before.value("ephpm_worker_crashes_total"));
        assertEquals(1.0, after.value("ephpm_replays_total") - before.value("ephpm_replays_total"));
        assertEquals(0.0, after.value("ephpm_busy_threads"), "the scrape itself runs no PHP");
    }

    private record Scrape(Map<String, Object> types, Map<String, Object> samples) {
        double value(String sample) {
            Object v = samples.get(sample);
            if (!(v instanceof Number n)) {
                throw new AssertionError(sample + " missing: " + samples.keySet());
            }
            return n.doubleValue();
        }
    }

    @SuppressWarnings("unchecked")
    private static Scrape scrape(Server server) throws Exception {
        HttpResponse<String> r = Http.get(server.url("/_ephpm/metrics"));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("text/plain;version=0.0.4;charset=utf-8",
                r.headers().firstValue("Content-Type").orElse("").toLowerCase(java.util.Locale.ROOT).replace(" ", ""));
        Map<String, Object> parsed = Json.parse(parseWithPrometheusClient(r.body()));
        return new Scrape((Map<String, Object>) parsed.get("types"), (Map<String, Object>) parsed.get("samples"));
    }

    private static String parseWithPrometheusClient(String exposition) throws IOException, InterruptedException {
        Path script = TestApp.copyResource("/prometheus", temp.resolve("prometheus")).resolve("parse.py");
        Process python = new ProcessBuilder(DEBIAN_PYTHON, script.toString()).redirectErrorStream(true).start();
        python.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
        python.getOutputStream().close();
        String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(python.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, python.exitValue(), "the Prometheus text format parser (python3-prometheus-client) refused it:\n" + out
                + "\n---\n" + exposition);
        return out;
    }
}
