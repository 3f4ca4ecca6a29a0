package io.ephpm.php;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ephpm\Worker\run_tasks() and dispatch_tasks(): PHP requests handing work to a pool of task threads. */
class TaskPoolTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PhpExchange STOP = new PhpExchange(null, null);

    private final BlockingQueue<PhpExchange> requests = new LinkedBlockingQueue<>();
    private final List<PhpThread> callers = new ArrayList<>();
    private PhpTaskPool pool;

    @AfterEach
    void stop() throws InterruptedException {
        callers.forEach(c -> requests.add(STOP));
        for (PhpThread caller : callers) {
            caller.join(10_000);
        }
        if (pool != null) {
            pool.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void tasksRunInParallelAndComeBackInOrder() throws Exception {
        start(3, 1);
        run("[\"echo:warm\",\"echo:warm\",\"echo:warm\"]", 10_000);
        JsonNode result = run("[\"sleep:300:a\",\"sleep:300:b\",\"sleep:300:c\"]", 3000);
        assertEquals("[\"a\",\"b\",\"c\"]", result.get("answer").toString());
        assertTrue(result.get("ms").asInt() < 850, () -> "three 300 ms tasks on three threads took " + result.get("ms") + " ms");
        assertEquals(6, pool.completed());
    }

    @Test
    void aFailingTaskIsAnExceptionInItsSlotAndItsThreadIsReplaced() throws Exception {
        start(2, 1);
        JsonNode result = run("[\"echo:before\",\"fatal:\",\"exit:\"]", 10_000);
        JsonNode answer = result.get("answer");
        assertEquals("before", answer.get(0).asText());
        assertTrue(answer.get(1).asText().startsWith("RuntimeException: the task ended with UNCAUGHT_EXCEPTION"), answer.toString());
        assertTrue(answer.get(1).asText().contains("undefined_function_of_a_task"), answer.toString());
        assertTrue(answer.get(2).asText().startsWith("RuntimeException: the task ended with EXIT"), answer.toString());
        assertEquals("[\"again\",\"again\"]", run("[\"echo:again\",\"echo:again\"]", 10_000).get("answer").toString());
        assertEquals(2, pool.failed());
    }

    @Test
    void aTaskPastTheWaitIsFalseAndCancelledSoEveryThreadServesTheNextRequest() throws Exception {
        start(2, 1);
        run("[\"echo:warm\",\"echo:warm\"]", 10_000);
        JsonNode late = run("[\"sleep:60000:never\",\"echo:quick\"]", 300);
        assertEquals("[false,\"quick\"]", late.get("answer").toString());
        assertTrue(late.get("ms").asInt() < 5000, () -> "the wait of 300 ms took " + late.get("ms") + " ms");
        assertEquals(1, pool.cancelled());
        JsonNode next = run("[\"sleep:200:x\",\"sleep:200:y\"]", 10_000);
        assertEquals("[\"x\",\"y\"]", next.get("answer").toString());
        assertEquals(0, pool.busyThreads());
    }

    @Test
    void tasksQueuedPastTheWaitAreDroppedNotRunLater(@TempDir Path dir) throws Exception {
        start(1, 1);
        Path marker = dir.resolve("ran");
        JsonNode result = run("[\"sleep:500:first\",\"append:" + marker + "\"]", 200);
        assertEquals("[false,false]", result.get("answer").toString());
        assertEquals("[\"after\"]", run("[\"echo:after\"]", 10_000).get("answer").toString());
        assertTrue(Files.notExists(marker), "a cancelled task that was still queued ran");
    }

    @Test
    void dispatchedTasksRunWithoutAnyoneWaiting(@TempDir Path dir) throws Exception {
        start(2, 1);
        Path marker = dir.resolve("ran");
        JsonNode result = call("run-tasks.php", "dispatch=1", "[\"append:" + marker + "\",\"append:" + marker + "\"]");
        assertEquals("true", result.get("answer").toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((Files.notExists(marker) || Files.readAllLines(marker).size() < 2) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(List.of("ran", "ran"), Files.readAllLines(marker));
    }

    @Test
    void manyCallersOnFewTaskThreadsAllFinish() throws Exception {
        start(2, 4);
        List<CapturedResponse> responses = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            responses.add(send("run-tasks.php", "wait=20000", "[\"sleep:20:a" + i + "\",\"echo:b" + i + "\",\"sleep:10:c" + i + "\"]"));
        }
        for (int i = 0; i < responses.size(); i++) {
            JsonNode result = JSON.readTree(responses.get(i).body());
            assertEquals("[\"a" + i + "\",\"b" + i + "\",\"c" + i + "\"]", result.get("answer").toString());
        }
        assertEquals(72, pool.completed());
        assertEquals(0, pool.queued());
    }

    @Test
    void withoutTaskWorkersRunTasksIsNullAndDispatchFalse() throws Exception {
        startCallers(null, 1);
        assertEquals("null", run("[\"echo:x\"]", 1000).get("answer").toString());
        assertEquals("false", call("run-tasks.php", "dispatch=1", "[\"echo:x\"]").get("answer").toString());
    }

    @Test
    void payloadsMustBeStringsAndTheWaitNotNegative() throws Exception {
        start(1, 1);
        assertEquals("\"TypeError: Each task payload must be a string, int given\"", run("[\"echo:x\",5]", 1000).get("answer").toString());
        assertEquals("\"ValueError: Ephpm\\\\Worker\\\\run_tasks(): Argument #2 ($waitMilliseconds) must be between 0 and 2147483647\"",
                call("run-tasks.php", "wait=-1", "[\"echo:x\"]").get("answer").toString());
        assertEquals("[]", run("[]", 1000).get("answer").toString());
    }

    @Test
    void aTaskThatPrintsTooMuchFails() throws Exception {
        pool = PhpTaskPool.builder(Php.runtime(), Php.SCRIPTS.resolve("task-worker.php")).threads(1)
                .name("test-tasks").maxResultBytes(1000).build();
        pool.start();
        startCallers(pool, 1);
        JsonNode answer = run("[\"big:1000\",\"big:1001\"]", 10_000).get("answer");
        assertEquals(1000, answer.get(0).asText().length());
        assertEquals("RuntimeException: the task printed more than 1000 bytes", answer.get(1).asText());
    }

    @Test
    void offerIfIdleRefusesWhileATaskRuns() throws Exception {
        start(1, 1);
        CompletableFuture<TaskRunner.Result> first = pool.offerIfIdle(Php.utf8("sleep:300:tick"));
        assertNotNull(first);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (pool.busyThreads() == 0 && !first.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertNull(pool.offerIfIdle(Php.utf8("echo:second")));
        TaskRunner.Result result = first.get(30, TimeUnit.SECONDS);
        assertEquals("tick", new String(result.bytes()));
        assertNotNull(pool.offerIfIdle(Php.utf8("echo:third")));
    }

    private void start(int taskThreads, int callerThreads) {
        pool = PhpTaskPool.builder(Php.runtime(), Php.SCRIPTS.resolve("task-worker.php")).threads(taskThreads).name("test-tasks").build();
        pool.start();
        startCallers(pool, callerThreads);
    }

    private void startCallers(TaskRunner tasks, int count) {
        for (int i = 0; i < count; i++) {
            callers.add(PhpThread.classic(Php.runtime(), () -> {
                PhpExchange e = requests.take();
                return e == STOP ? null : e;
            }).workerId(100 + i).tasks(tasks).start());
        }
    }

    private JsonNode run(String tasksJson, int waitMillis) throws Exception {
        return call("run-tasks.php", "wait=" + waitMillis, tasksJson);
    }

    private JsonNode call(String script, String query, String body) throws Exception {
        return JSON.readTree(send(script, query, body).body());
    }

    private CapturedResponse send(String script, String query, String body) {
        CapturedResponse response = new CapturedResponse();
        PhpRequest request = Php.request("POST", script, query)
                .variable("CONTENT_TYPE", "application/json")
                .variable("CONTENT_LENGTH", Integer.toString(Php.utf8(body).length))
                .body(new java.io.ByteArrayInputStream(Php.utf8(body)))
                .build();
        requests.add(new PhpExchange(request, response));
        return response;
    }
}
