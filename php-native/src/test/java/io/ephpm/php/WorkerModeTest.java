package io.ephpm.php;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerModeTest {
    @TempDir
    Path temp;

    @Test
    @SuppressWarnings("unchecked")
    void bootsOnceAndServesAThousandRequests() throws Exception {
        Path bootLog = Files.createTempFile(temp, "ephpm-boot", ".log");
        BlockingQueue<PhpExchange> queue = new LinkedBlockingQueue<>();
        PhpExchange stop = new PhpExchange(null, null);
        AtomicReference<Outcome> ended = new AtomicReference<>();
        PhpThread thread = PhpThread.worker(Php.runtime(), Php.SCRIPTS.resolve("worker-counter.php"), () -> {
                    PhpExchange e = queue.take();
                    return e == stop ? null : e;
                })
                .bootRequest(PhpRequest.builder().variable("BOOT_LOG", bootLog.toString()).build())
                .listener((t, outcome, error) -> ended.set(outcome))
                .start();

        for (int i = 1; i <= 1000; i++) {
            CapturedResponse r = new CapturedResponse();
            queue.add(new PhpExchange(Php.request("GET", "app", "nonce=n" + i).header("X-Nonce", "h" + i).build(), r));
            Map<String, Object> d = Json.parse(r.body());
            assertEquals(1, d.get("boots"), "the worker booted again at request " + i);
            assertEquals(i, d.get("served"));
            assertEquals("n" + i, d.get("nonce"));
            assertEquals("h" + i, d.get("header_nonce"));
            Map<String, Object> request = (Map<String, Object>) d.get("request");
            assertEquals("GET", request.get("method"));
            assertEquals("/app?nonce=n" + i, request.get("uri"));
            assertEquals(i, request.get("number"));
        }
        assertEquals(1000, thread.requestsServed());
        queue.add(stop);
        thread.join(10_000);
        assertFalse(thread.isAlive());
        assertEquals(Outcome.OK, ended.get());
        assertEquals(List.of("boot", "stopped after 1000"), Files.readAllLines(bootLog, StandardCharsets.UTF_8));
    }

    @Test
    @SuppressWarnings("unchecked")
    void nothingOfOneRequestIsVisibleInTheNext() throws Exception {
        try (Php.Worker worker = Php.Worker.worker("worker-state.php")) {
            Multipart upload = new Multipart().field("secret", "s3cr3t").file("f", "f.txt", "data".getBytes(StandardCharsets.UTF_8));
            PhpRequest set = Php.request("POST", "app", "phase=set")
                    .variable("CONTENT_TYPE", upload.contentType())
                    .variable("CONTENT_LENGTH", Long.toString(upload.length()))
                    .header("Cookie", "sid=first-user")
                    .body(upload.stream()).build();
            CapturedResponse first = worker.call(set);
            assertEquals(418, first.status());
            assertEquals("buffered-and-never-closed", first.body(), "an unclosed output buffer is flushed at the end");
            assertEquals(List.of("yes"), first.header("X-Leak"));

            CapturedResponse second = worker.call(Php.request("GET", "app", "").build());
            assertEquals(200, second.status());
            assertEquals(List.of(), second.header("X-Leak"));
            assertEquals(List.of(), second.header("Set-Cookie"));
            Map<String, Object> d = Json.parse(second.body());
            assertEquals(200, d.get("status"));
            assertEquals(List.of(), d.get("get"));
            assertEquals(List.of(), d.get("post"));
            assertEquals(List.of(), d.get("cookie"));
            assertEquals(List.of(), d.get("files"));
            assertEquals(1, d.get("ob_level"), "only the output_buffering=4096 buffer every request starts with");
            assertEquals(false, d.get("server_has_set_phase"));
            assertTrue(d.get("previous_tmp") instanceof String, "the first request saw its upload");
            assertEquals(false, d.get("previous_tmp_exists"), "upload temp files are deleted between requests");
            assertFalse(((List<String>) d.get("headers")).stream().anyMatch(h -> h.startsWith("X-Leak")));
        }
    }

    @Test
    void eachRequestStartsWithTheIniSettingsTheWorkerHadAtBoot() throws Exception {
        BlockingQueue<PhpExchange> queue = new LinkedBlockingQueue<>();
        PhpExchange stop = new PhpExchange(null, null);
        PhpThread thread = PhpThread.worker(Php.runtime(), Php.SCRIPTS.resolve("worker-ini.php"), () -> {
                    PhpExchange e = queue.take();
                    return e == stop ? null : e;
                })
                .ini(Map.of("default_socket_timeout", "17"))
                .start();
        try {
            Map<String, Object> boot = Map.of("memory_limit", "128M", "precision", "10", "default_socket_timeout", "17",
                    "third", "0.3333333333");
            for (String step : List.of("change", "", "restore", "", "change", "change", "")) {
                CapturedResponse r = new CapturedResponse();
                queue.add(new PhpExchange(Php.get("app", "do=" + step), r));
                assertEquals(boot, Json.parse(r.body()), "a request after '" + step + "' saw the settings of another");
            }
        } finally {
            queue.add(stop);
            thread.join(10_000);
        }
    }

    @Test
    void aSessionHandlerRegisteredAtBootServesEveryRequest() throws Exception {
        try (Php.Worker worker = Php.Worker.worker("worker-session.php")) {
            assertSessionsAreKeptApart(worker);
        }
        Php.Worker dying = Php.Worker.worker("worker-session.php");
        assertEquals(Outcome.UNCAUGHT_EXCEPTION, dying.call(Php.get("app", "throw=1")).outcome());
        assertTrue(dying.awaitEnd(30), "a worker that dies with a session handler registered at boot ends cleanly");
    }

    @Test
    void aSessionHandlerRegisteredPerRequestServesEveryRequest() throws Exception {
        try (Php.Worker worker = Php.Worker.worker("worker-session-per-request.php")) {
            assertSessionsAreKeptApart(worker);
        }
    }

    private static void assertSessionsAreKeptApart(Php.Worker worker) {
        List<String> sessions = List.of("alice", "alice", "bob", "alice", "", "bob");
        List<Object> visitsBefore = List.of(List.of(), 1, List.of(), 2, List.of(), 1);
        for (int i = 0; i < sessions.size(); i++) {
            PhpRequest.Builder request = Php.request("GET", "app", "");
            if (!sessions.get(i).isEmpty()) {
                request.header("Cookie", "PHPSESSID=" + sessions.get(i));
            }
            Map<String, Object> d = Json.parse(worker.call(request.build()).body());
            assertEquals(true, d.get("started"), "request " + i + ": " + d.get("error"));
            assertEquals("user", d.get("handler"));
            Object before = d.get("before");
            Object expected = visitsBefore.get(i);
            if (expected instanceof Integer visits) {
                assertEquals(Map.of("visits", visits, "owner", sessions.get(i)), before, "request " + i);
            } else {
                assertEquals(expected, before, "request " + i + " saw another request's session");
            }
        }
    }

    @Test
    void splTempFilesKeptAcrossRequestsKeepTheirOwnData() throws Exception {
        try (Php.Worker worker = Php.Worker.worker("worker-spl.php")) {
            for (int i = 1; i <= 60; i++) {
                CapturedResponse r = worker.call(Php.post("app", "application/octet-stream", new byte[32 * 1024]));
                assertEquals(200, r.status(), r.body() + " " + worker.endError);
                Map<String, Object> d = Json.parse(r.body());
                assertEquals(i, d.get("kept"));
                assertEquals(0, d.get("bad"), "request " + i + " read back another object's data");
                assertEquals(32 * 1024, d.get("first_body"), "a php://input stream kept from the first request");
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void getallheadersGivesTheCurrentRequestsHeadersAsPhpFpmNamesThem() throws Exception {
        try (Php.Worker worker = Php.Worker.worker("worker-headers.php")) {
            PhpRequest first = Php.request("POST", "app", "")
                    .variable("CONTENT_TYPE", "text/plain")
                    .variable("CONTENT_LENGTH", "0")
                    .header("x-forwarded-for", "10.0.0.1")
                    .header("Accept-Language", "de")
                    .build();
            Map<String, Object> d = Json.parse(worker.call(first).body());
            assertEquals(List.of(), d.get("boot"), "no request at boot: no headers, and no failure");
            Map<String, Object> expected = Map.of("Content-Type", "text/plain", "Content-Length", "0",
                    "X-Forwarded-For", "10.0.0.1", "Accept-Language", "de");
            assertEquals(expected, d.get("headers"));
            assertEquals(expected, d.get("apache"));
            Map<String, Object> second = Json.parse(worker.call(Php.request("GET", "app", "").header("X-Nonce", "n2").build()).body());
            assertEquals(Map.of("X-Nonce", "n2"), second.get("headers"));
        }
    }

    @Test
    void takeRequestOutsideAWorkerIsAnError() {
        try (Php.Worker classic = Php.Worker.classic()) {
            Path script = Files.writeString(Files.createTempFile(temp, "ephpm-take", ".php"),
                    "<?php try { \\Ephpm\\Worker\\take_request(); } catch (LogicException $e) { echo $e->getMessage(); }");
            PhpRequest request = Php.request("GET", "x", "").variable("SCRIPT_FILENAME", script.toString()).build();
            assertEquals("Ephpm\\Worker\\take_request() is only available in a worker script", classic.call(request).body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aWorkerScriptThatFailsToBootReportsItsError() throws Exception {
        Php.Worker worker = Php.Worker.worker("worker-boot-fails.php");
        assertTrue(worker.awaitEnd(30));
        assertEquals(Outcome.BOOT_FAILED, worker.endedWith);
        assertTrue(worker.endError.contains("cannot boot: missing configuration"), worker.endError);
    }

    @Test
    void stoppingAnIdleWorkerEndsItCleanly() throws Exception {
        Php.Worker worker = Php.Worker.worker("worker-faults.php");
        assertTrue(worker.call(Php.get("app", "")).body().startsWith("ok "));
        worker.close();
        assertEquals(Outcome.OK, worker.endedWith);
        assertNull(worker.thread.isAlive() ? "alive" : null);
    }

    @Test
    void aClientLeavingMidStreamDoesNotEndTheWorker() throws Exception {
        try (Php.Worker worker = Php.Worker.worker("worker-stream.php")) {
            CapturedResponse gone = worker.send(Php.get("app", "mb=10"), new CapturedResponse(false).disconnectAfter(1024 * 1024)).await();
            assertTrue(gone.bodyBytes() < 2 * 1024 * 1024, "PHP kept writing after the client left: " + gone.bodyBytes());
            CapturedResponse next = worker.call(Php.get("app", "mb=0"));
            assertEquals("aborted-before=1", next.body(), "the same worker script serves on and saw the abort");
            assertTrue(worker.thread.isAlive());
        }
    }
}
