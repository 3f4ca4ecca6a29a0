package io.ephpm.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Octane mode's task workers and tick thread in real Jetty and Tomcat, without Laravel: a worker
 * script that plays each role (background-worker.php) and hands tasks over with run_tasks().
 */
class OctaneBackgroundServletTest {
    private static Map<Server.Kind, Server> SERVERS;
    @TempDir
    static Path temp;

    @BeforeAll
    static void start() throws Exception {
        TestApp app = TestApp.copy(temp.resolve("app"));
        SERVERS = Server.startEach("/app", app.documentRoot, Map.of(
                "mode", "octane",
                "app-root", app.root.toString(),
                "worker-script", "background-worker.php",
                "workers", "2",
                "task-workers", "3",
                "status-path", "/_status",
                "metrics-path", "/_metrics"));
    }

    @AfterAll
    static void stop() throws Exception {
        Server.closeAll(SERVERS);
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void tasksRunInParallelOnTheTaskWorkersAndComeBackInOrder(Server.Kind kind) throws Exception {
        Server server = SERVERS.get(kind);
        server.json("/tasks?n=3&ms=0&wait=30000");
        Map<String, Object> d = server.json("/tasks?n=3&ms=300");
        List<?> results = (List<?>) d.get("results");
        for (int i = 0; i < 3; i++) {
            assertEquals(i, ((Map<?, ?>) results.get(i)).get("task"));
        }
        assertTrue(((Number) d.get("ms")).intValue() < 850, () -> "three 300 ms tasks on three task workers took " + d.get("ms") + " ms");
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void aThrowingTaskFailsInItsSlotAndATaskPastTheWaitIsCancelled(Server.Kind kind) throws Exception {
        Server server = SERVERS.get(kind);
        List<?> thrown = (List<?>) server.json("/tasks?n=3&ms=0&throw=1&wait=30000").get("results");
        assertEquals(0, ((Map<?, ?>) thrown.get(0)).get("task"));
        assertTrue(String.valueOf(thrown.get(1)).startsWith("failed: the task ended with UNCAUGHT_EXCEPTION"), thrown::toString);
        assertEquals(2, ((Map<?, ?>) thrown.get(2)).get("task"));

        Map<String, Object> late = server.json("/tasks?n=1&ms=60000&wait=300");
        assertEquals(java.util.Arrays.asList(false), late.get("results"));
        Map<String, Object> next = server.json("/tasks?n=3&ms=50&wait=30000");
        assertEquals(3, ((List<?>) next.get("results")).stream().filter(r -> r instanceof Map).count(), next::toString);
        Map<?, ?> status = server.json("/_status");
        assertEquals(3, ((Map<?, ?>) status.get("taskWorkers")).get("total"));
        assertTrue(((Number) ((Map<?, ?>) status.get("tasks")).get("timedOut")).intValue() >= 1, status::toString);
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void fiftyConcurrentRequestsEachWithThreeTasksAllComplete(Server.Kind kind) throws Exception {
        Server server = SERVERS.get(kind);
        ExecutorService clients = Executors.newFixedThreadPool(50);
        try {
            List<Future<Map<String, Object>>> answers = new ArrayList<>();
            for (int c = 0; c < 50; c++) {
                answers.add(clients.submit(() -> server.json("/tasks?n=3&ms=20&wait=60000")));
            }
            for (Future<Map<String, Object>> answer : answers) {
                List<?> results = (List<?>) answer.get(120, TimeUnit.SECONDS).get("results");
                assertEquals(3, results.stream().filter(r -> r instanceof Map).count(), results::toString);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void theTickThreadTicksAboutOnceASecondWhileRequestsAreServed(Server.Kind kind) throws Exception {
        Server server = SERVERS.get(kind);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ticks(server) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        int first = ticks(server);
        long started = System.nanoTime();
        int served = 0;
        while (System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5)) {
            server.json("/tasks?n=1&ms=0");
            served++;
        }
        int ticked = ticks(server) - first;
        assertTrue(ticked >= 4 && ticked <= 6, "ticks in 5 s: " + ticked);
        assertTrue(served > 20, "requests served meanwhile: " + served);
        Map<?, ?> status = server.json("/_status");
        assertTrue(((Number) ((Map<?, ?>) status.get("ticks")).get("fired")).intValue() >= 5, status::toString);
        String metrics = Http.get(server.url("/_metrics")).body();
        assertTrue(metrics.contains("ephpm_task_threads 3.0") && metrics.contains("ephpm_ticks_total "), metrics);
    }

    private static int ticks(Server server) throws Exception {
        return ((Number) server.json("/ticks").get("ticks")).intValue();
    }
}
