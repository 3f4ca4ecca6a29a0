package io.ephpm.php;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** FrankenPHP's worker loop on the native paths that once crashed PHP threads: Fibers, bailouts, interim responses. */
class FrankenPhpApiTest {
    @Test
    void theLoopAndItsHandlerRunInsideFibersAndCallJavaFromThere() throws Exception {
        try (Php.Worker worker = Php.Worker.worker("worker-frankenphp.php")) {
            for (int i = 1; i <= 20; i++) {
                CapturedResponse r = worker.call(Php.request("GET", "app", "do=fiber-output").build());
                assertEquals(200, r.status());
                assertEquals(List.of(new CapturedResponse.Interim(103, List.of(new PhpResponse.Header("Link", "</f.css>; rel=preload; as=style")))),
                        r.interims.stream().map(in -> new CapturedResponse.Interim(in.status(),
                                in.headers().stream().filter(h -> h.name().equals("Link")).toList())).toList());
                String body = r.body();
                assertTrue(body.startsWith("1\n" + "x".repeat(200000) + "\nhandled " + i), body.substring(0, Math.min(80, body.length())));
            }
        }
    }

    @Test
    void aShutdownFunctionCannotStartAnotherRequest() throws Exception {
        try (Php.Worker worker = Php.Worker.worker("worker-frankenphp.php")) {
            CapturedResponse r = worker.call(Php.request("GET", "app", "do=exit-with-shutdown-loop").build());
            assertEquals("exiting", r.body());
            assertTrue(worker.awaitEnd(10));
            assertEquals(Outcome.EXIT, worker.endedWith);
            CapturedResponse unanswered = worker.send(Php.request("GET", "app", "").build());
            Thread.sleep(200);
            assertTrue(!unanswered.isDone(), "no request was taken after the script ended");
        }
    }

    @Test
    void aFatalErrorInTheHandlerEndsTheWorkerWithA500() throws Exception {
        try (Php.Worker worker = Php.Worker.worker("worker-frankenphp.php")) {
            assertEquals("handled 1", worker.call(Php.request("GET", "app", "").build()).body());
            CapturedResponse fatal = worker.call(Php.request("GET", "app", "do=fatal").build());
            assertEquals(500, fatal.status());
            assertTrue(worker.awaitEnd(10));
            assertEquals(Outcome.FATAL, worker.endedWith);
        }
    }

    @Test
    void runningOutOfMemoryInTheHandlerEndsTheWorker() throws Exception {
        try (Php.Worker worker = Php.Worker.worker("worker-frankenphp.php")) {
            CapturedResponse oom = worker.call(Php.request("GET", "app", "do=oom").build());
            assertEquals(500, oom.status());
            assertTrue(worker.awaitEnd(10));
            assertEquals(Outcome.OUT_OF_MEMORY, worker.endedWith);
        }
    }

    @Test
    void anExceptionWhoseReportFailsEndsTheWorkerInsteadOfLivingOn() throws Exception {
        try (Php.Worker worker = Php.Worker.worker("worker-frankenphp.php")) {
            CapturedResponse r = worker.call(Php.request("GET", "app", "do=throw-in-tostring").build());
            assertEquals(500, r.status());
            assertTrue(worker.awaitEnd(10));
            assertTrue(worker.endedWith.isFailure(), String.valueOf(worker.endedWith));
        }
    }
}
