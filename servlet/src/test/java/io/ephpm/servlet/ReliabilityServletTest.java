package io.ephpm.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The reliability and security cases of the servlet: faults survived with the right status, bad
 * input refused with a clear 4xx, and nothing served or leaked that must not be. After every case
 * the next request succeeds. docs/reliability.md tabulates these cases.
 */
class ReliabilityServletTest {
    private static Map<Server.Kind, Server> SERVERS;
    @TempDir
    static Path temp;
    private static TestApp app;
    private static Path uploads;

    @BeforeAll
    static void start() throws Exception {
        app = TestApp.copy(temp.resolve("app"));
        uploads = Files.createDirectories(temp.resolve("uploads"));
        SERVERS = Server.startEach("/app", app.documentRoot, Map.of(
                "mode", "worker",
                "app-root", app.root.toString(),
                "worker-script", "worker.php",
                "workers", "2",
                "request-timeout", "2",
                "php.post_max_size", "1M",
                "php.upload_tmp_dir", uploads.toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        Server.closeAll(SERVERS);
    }

    private Server.Kind current;

    @AfterEach
    void nextRequestSucceeds() throws Exception {
        if (current != null) {
            HttpResponse<String> r = Http.get(SERVERS.get(current).url("/?nonce=next"));
            assertEquals(200, r.statusCode(), "the request after the case failed: " + r.body());
        }
    }

    private Server use(Server.Kind kind) {
        current = kind;
        return SERVERS.get(kind);
    }

    private static int port(Server server) {
        return server.port();
    }

    // ---------------------------------------------------------------- PHP faults

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void exitInTheMiddleOfAStreamedBodyCompletesTheResponse(Server.Kind kind) throws Exception {
        Server server = use(kind);
        HttpResponse<String> r = Http.get(server.url("/?do=stream-then-exit"));
        assertEquals(200, r.statusCode());
        assertEquals(3 * 10001, r.body().length(), "exit() ends the script normally: what it streamed is the whole response");
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void aSlowReaderGetsALargeResponseWholePastTheRequestTimeout(Server.Kind kind) throws Exception {
        Server server = use(kind);
        int megabytes = 24;
        HttpResponse<InputStream> r = Http.CLIENT.send(Http.request(server.url("/?do=stream&mb=" + megabytes)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        long received = 0;
        long start = System.nanoTime();
        try (InputStream in = r.body()) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                received += n;
                Thread.sleep(12); // about 5 MB/s: the PHP thread waits on this client for seconds
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis > 3000, "the read was meant to outlast request-timeout=2, took " + millis + " ms");
        assertEquals(megabytes * 1024L * 1024L, received, "time spent waiting on the client is not PHP's execution time");
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void deepRecursionThroughInternalCallbacksIsAnErrorNotACrash(Server.Kind kind) throws Exception {
        Server server = use(kind);
        HttpResponse<String> r = Http.send(Http.request(server.url("/?do=recurse")).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(500, r.statusCode());
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void exhaustingMemoryLimitIs500(Server.Kind kind) throws Exception {
        Server server = use(kind);
        HttpResponse<String> r = Http.send(Http.request(server.url("/?do=oom")).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(500, r.statusCode());
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void anInfiniteLoopIs504WithinTheLimitPlusOneSecond(Server.Kind kind) throws Exception {
        Server server = use(kind);
        long start = System.nanoTime();
        HttpResponse<String> r = Http.send(Http.request(server.url("/?do=loop")).POST(HttpRequest.BodyPublishers.noBody()).build());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(504, r.statusCode());
        assertTrue(millis <= 3000, "request-timeout=2 answered after " + millis + " ms");
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void aWorkerCrashingEveryTenthRequestIsReplacedEachTime(Server.Kind kind) throws Exception {
        Server server = use(kind);
        int ok = 0;
        int failed = 0;
        for (int i = 0; i < 40; i++) {
            HttpResponse<String> r = Http.send(Http.request(server.url("/?do=every-tenth"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            if (r.statusCode() == 200) {
                ok++;
            } else {
                assertEquals(500, r.statusCode());
                failed++;
            }
        }
        assertTrue(failed >= 2 && ok >= 30, ok + " ok, " + failed + " failed");
    }

    // ---------------------------------------------------------------- client faults

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void aClientVanishingMidUploadLeavesNoTempFile(Server.Kind kind) throws Exception {
        Server server = use(kind);
        String boundary = "cut";
        String head = "POST /app/?nonce=upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=" + boundary
                + "\r\nContent-Length: 900000\r\n\r\n";
        byte[] partial = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.bin\"\r\n\r\n"
                + "x".repeat(200_000)).getBytes(StandardCharsets.ISO_8859_1);
        RawHttp.send(port(server), head, partial, true, 5000);
        Thread.sleep(500);
        try (Stream<Path> left = Files.list(uploads)) {
            assertEquals(List.of(), left.toList(), "upload temp files left behind");
        }
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void aSlowReaderBlocksItsWorkerWithoutGrowingMemory(Server.Kind kind) throws Exception {
        Server server = use(kind);
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long before = rt.totalMemory() - rt.freeMemory();
        HttpResponse<InputStream> r = Http.CLIENT.send(Http.request(server.url("/?do=stream&mb=100")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        long read = 0;
        long peak = 0;
        try (InputStream in = r.body()) {
            byte[] buffer = new byte[64 * 1024];
            for (int i = 0; i < 40; i++) {
                read += in.readNBytes(buffer, 0, buffer.length);
                Thread.sleep(25);
                peak = Math.max(peak, rt.totalMemory() - rt.freeMemory());
            }
        }
        assertTrue(read > 0);
        assertTrue(peak - before < 64L * 1024 * 1024, "heap grew by " + (peak - before) / (1024 * 1024) + " MiB under a slow reader");
    }

    // ---------------------------------------------------------------- bad input

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void malformedAndInvalidRequestTargetsAre4xx(Server.Kind kind) throws Exception {
        Server server = use(kind);
        for (String target : List.of("/app/%zz", "/app/%", "/app/%00", "/app/a%00b.php")) {
            int status = RawHttp.get(port(server), target).status();
            assertTrue(status >= 400 && status < 500, target + " answered " + status);
        }
        for (String target : List.of("/app/%C3%28", "/app/?q=%C3%28", "/app/?q=%zz", "/app/?q=%00")) {
            int status = RawHttp.get(port(server), target).status();
            assertTrue(status == 200 || (status >= 400 && status < 500), target + " answered " + status);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void invalidHeadersAre4xxOrPassedAsBytes(Server.Kind kind) throws Exception {
        Server server = use(kind);
        int utf8 = RawHttp.get(port(server), "/app/", "X-Bad: \u00c3(").status();
        assertTrue(utf8 == 200 || (utf8 >= 400 && utf8 < 500), "invalid UTF-8 in a header answered " + utf8);
        int nul = RawHttp.get(port(server), "/app/", "X-Nul: a\u0000b").status();
        assertTrue(nul >= 400 && nul < 500, "a NUL in a header answered " + nul);
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void oversizedHeadersAreRefusedByTheContainer(Server.Kind kind) throws Exception {
        Server server = use(kind);
        RawHttp.Answer answer = RawHttp.get(port(server), "/app/", "X-Huge: " + "h".repeat(64 * 1024));
        // Jetty answers 431; Tomcat's connector answers 400 before any servlet runs
        assertEquals(kind == Server.Kind.JETTY ? 431 : 400, answer.status(), answer.text().lines().findFirst().orElse(""));
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void contentLengthMismatchAndBrokenChunkingAreRefused(Server.Kind kind) throws Exception {
        Server server = use(kind);
        RawHttp.Answer shortBody = RawHttp.send(port(server), "POST /app/ HTTP/1.1\r\nHost: x\r\nContent-Type: "
                + "application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n", "a=1".getBytes(), true, 10_000);
        assertEquals(400, shortBody.status(), "a body shorter than its Content-Length answered " + shortBody.text());
        RawHttp.Answer chunked = RawHttp.send(port(server), "POST /app/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n\r\nzz\r\nnot a chunk\r\n", null, false, 10_000);
        assertEquals(400, chunked.status(), "broken chunking answered " + chunked.text());
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void inputPastPhpsLimitsIs400(Server.Kind kind) throws Exception {
        Server server = use(kind);
        StringBuilder parts = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            parts.append("--b\r\nContent-Disposition: form-data; name=\"p").append(i).append("\"\r\n\r\nv\r\n");
        }
        parts.append("--b--\r\n");
        HttpResponse<String> multipart = Http.send(Http.request(server.url("/")).header("Content-Type", "multipart/form-data; boundary=b")
                .POST(HttpRequest.BodyPublishers.ofString(parts.toString())).build());
        assertEquals(400, multipart.statusCode(), multipart.body());

        HttpResponse<String> nested = Http.get(server.url("/?a" + "%5Bx%5D".repeat(100) + "=1"));
        assertEquals(400, nested.statusCode(), nested.body());
        // unbalanced brackets are no nesting to PHP: "a[[[" is registered as the plain name "a_[["
        assertEquals(200, Http.get(server.url("/?a" + "%5B".repeat(100) + "=1")).statusCode());

        StringBuilder vars = new StringBuilder();
        for (int i = 0; i < 1100; i++) {
            vars.append("v").append(i).append("=1&");
        }
        HttpResponse<String> tooMany = Http.send(Http.request(server.url("/")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(vars.toString())).build());
        assertEquals(400, tooMany.statusCode(), tooMany.body());
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void aTwoGigabyteUploadOverPostMaxSizeIsRefusedBeforeItIsRead(Server.Kind kind) throws Exception {
        Server server = use(kind);
        RawHttp.Answer answer = RawHttp.send(port(server), "POST /app/ HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; "
                + "boundary=b\r\nContent-Length: 2147483648\r\n\r\n", "--b\r\n".getBytes(), false, 3_000);
        assertEquals(413, answer.status());
        assertTrue(answer.firstByteMillis() < 1000, "refusing took " + answer.firstByteMillis() + " ms");
        try (Stream<Path> left = Files.list(uploads)) {
            assertEquals(0, left.count());
        }
    }

    // ---------------------------------------------------------------- security

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void sourcesSecretsAndOutsideFilesAreNeverServed(Server.Kind kind) throws Exception {
        Server server = use(kind);
        for (String target : List.of("/app/.env", "/app/.ENV", "/app/%2eenv", "/app/%2e%65nv", "/app/../.env", "/app/..%2f.env",
                "/app/%2e%2e/.env", "/app/%252e%252e/.env", "/app/public/../.env", "/app/WEB-INF/web.xml", "/app/web-inf/",
                "/app/worker.php", "/app/..%5c.env", "/app/hello.php%00.txt", "/app/.well-known/../.env")) {
            RawHttp.Answer answer = RawHttp.get(port(server), target);
            assertFalse(answer.text().contains("APP_KEY"), target + " leaked .env: " + answer.text());
            assertFalse(answer.text().contains("take_request"), target + " leaked PHP source");
        }
        HttpResponse<String> php = Http.get(server.url("/hello.php"));
        assertFalse(php.body().contains("<?php"), "PHP source was served");
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void theJvmsEnvironmentAndPropertiesStayHiddenAndStatusIsOff(Server.Kind kind) throws Exception {
        Server server = use(kind);
        SERVERS.get(kind).servlet(); // the pool exists
        String classic = Http.get(server.url("/env.php")).body();
        // worker mode answers every script through the worker: ask it directly for what PHP sees
        assertFalse(classic.contains("JAVA_HOME") || classic.contains("\"PATH\"") || classic.contains("java.version"), classic);
        HttpResponse<String> status = Http.get(server.url("/_ephpm/status"));
        assertFalse(status.body().contains("queueDepth"), "the status endpoint answers although it is off");
    }
}
