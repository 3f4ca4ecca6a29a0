package io.ephpm.php;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every fault ends with a status code in Java, and the thread (or its replacement) serves the next request. */
class FaultsTest {

    @ParameterizedTest
    @CsvSource({
            "fatal.php, FATAL, ephpm_declared_twice() (previously declared in",
            "exception.php, UNCAUGHT_EXCEPTION, Uncaught RuntimeException: boom from test",
            "oom.php, OUT_OF_MEMORY, Allowed memory size of 16777216 bytes exhausted",
    })
    void classicFaultsAreReportedAndTheThreadServesOn(String script, Outcome expected, String message) throws Exception {
        try (Php.Worker php = Php.Worker.classic()) {
            CapturedResponse r = php.call(Php.get(script, ""));
            assertEquals(expected, r.outcome());
            assertTrue(r.error().contains(message), r.error());
            assertEquals(500, r.status(), "PHP answers a fatal error with 500 when errors are not displayed");
            assertEquals("Hello, world", php.call(Php.get("hello.php", "")).body());
        }
    }

    @Test
    void exitEndsTheRequestWithItsOutput() throws Exception {
        try (Php.Worker php = Php.Worker.classic()) {
            CapturedResponse r = php.call(Php.get("exit.php", ""));
            assertEquals(Outcome.EXIT, r.outcome());
            assertEquals(200, r.status());
            assertEquals("partial ", r.body());
            assertEquals("Hello, world", php.call(Php.get("hello.php", "")).body());
        }
    }

    @Test
    void anInfiniteLoopIsStoppedByMaxExecutionTime() throws Exception {
        try (Php.Worker php = Php.Worker.classic()) {
            long start = System.nanoTime();
            CapturedResponse r = php.call(Php.get("loop.php", "limit=2"));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(Outcome.TIMEOUT, r.outcome());
            assertTrue(r.error().startsWith("Maximum execution time of 2 seconds exceeded"), r.error());
            assertTrue(millis >= 1900 && millis < 3500, "the loop ran " + millis + " ms under max_execution_time=2");
            assertEquals("Hello, world", php.call(Php.get("hello.php", "")).body());
        }
    }

    @ParameterizedTest
    @CsvSource({"callback, 0", "getter, 0", "tostring, 0", "callback, 1", "getter, 1", "tostring, 1"})
    void recursionThatWouldOverflowTheCStackIsRefusedNotACrash(String via, int inFiber) throws Exception {
        try (Php.Worker php = Php.Worker.classic()) {
            String query = "via=" + via + "&fiber=" + inFiber;
            CapturedResponse r = php.call(Php.get("recursion.php", query + "&depth=1000000"));
            assertEquals(500, r.status(), r.body());
            // PHP 8.3+ names the size: "Maximum call stack size of N bytes (...) reached"
            assertTrue(r.body().matches("(?s)Error: Maximum call stack size (of \\d+ bytes .*)?reached.*"), r.body());
            assertEquals("1", php.call(Php.get("recursion.php", query + "&depth=300")).body(),
                    "recursion that fits the C stack runs");
        }
    }

    @ParameterizedTest
    @CsvSource({
            "fatal, FATAL",
            "exception, UNCAUGHT_EXCEPTION",
            "error, UNCAUGHT_EXCEPTION",
            "exit, EXIT",
            "oom, OUT_OF_MEMORY",
            "loop, TIMEOUT",
    })
    void aWorkerThatDiesReportsWhyAndAFreshOneServes(String fault, Outcome expected) throws Exception {
        Php.Worker worker = Php.Worker.worker("worker-faults.php");
        String firstBoot = worker.call(Php.get("app", "")).body();
        assertTrue(firstBoot.startsWith("ok "), firstBoot);

        long start = System.nanoTime();
        CapturedResponse r = worker.call(Php.get("app", "do=" + fault));
        assertEquals(expected, r.outcome(), r.error());
        assertTrue(worker.awaitEnd(10), "the worker script ended");
        assertEquals(expected, worker.endedWith);
        if (expected == Outcome.EXIT) {
            assertEquals("bye", r.body());
        } else {
            assertEquals(500, r.status());
        }
        if (expected == Outcome.TIMEOUT) {
            assertTrue((System.nanoTime() - start) / 1_000_000 < 3500);
        }

        try (Php.Worker replacement = Php.Worker.worker("worker-faults.php")) {
            String body = replacement.call(Php.get("app", "")).body();
            assertTrue(body.startsWith("ok ") && !body.equals(firstBoot), body);
        }
    }
}
