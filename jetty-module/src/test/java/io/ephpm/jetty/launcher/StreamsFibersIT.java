package io.ephpm.jetty.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24, items 2, 3, 5, 17 and 18, against the launcher as a child JVM: Spl temp files kept across
 * worker requests, Fibers that reach the SAPI from their own C stack, the exact 400/413 answers,
 * getenv()/putenv() with NUL bytes, and connection_status() after fastcgi_finish_request().
 */
class StreamsFibersIT {
    private static final String[] APP_FILES = {"fibers.php", "worker.php", "public/fiber.php", "public/env.php",
            "public/abort.php", "public/form.php", "worker-stop.php"};
    /** Each Fiber case and the body it must produce, byte for byte. */
    private static final Map<String, Function<byte[], String>> FIBER_CASES = Map.of(
            "warn", data -> "y".repeat(200_000) + "after",
            "flush", data -> "a".repeat(1000) + "b".repeat(70_000) + "after",
            "suspend", data -> "a".repeat(40_000) + "|0|" + "b".repeat(40_000) + "|1|" + "c".repeat(40_000) + "|2|"
                    + "d".repeat(40_000) + "|3|" + "e".repeat(40_000) + "|4|",
            "nested", data -> "o".repeat(50_000) + "i".repeat(120_000) + "p".repeat(30_000) + "j".repeat(10) + "after",
            "left-suspended", data -> "k".repeat(60_000) + "end" + "z".repeat(70_000),
            "finish", data -> "f".repeat(1000),
            "sendfile", data -> new String(data, StandardCharsets.ISO_8859_1));

    @TempDir
    static Path temp;
    static Path app;
    static byte[] data;
    static LaunchedServer classic;
    static LaunchedServer worker;

    @BeforeAll
    static void startClassicAndWorkerServers() throws Exception {
        app = Files.createDirectories(temp.resolve("app/public"));
        app = app.getParent();
        for (String file : APP_FILES) {
            try (InputStream in = StreamsFibersIT.class.getResourceAsStream("/hardening/" + file)) {
                Files.write(app.resolve(file), in.readAllBytes());
            }
        }
        data = new byte[100_000];
        new Random(24).nextBytes(data);
        Files.write(app.resolve("data.bin"), data);
        String[] common = {"--app", app.toString(), "--workers", "3", "--env", "GREETING=hi", "--php", "display_errors=0",
                "--php", "log_errors=1", "--php", "max_input_vars=5", "--php", "post_max_size=64K"};
        classic = LaunchedServer.start(temp.resolve("classic.log"), concat(common, "--mode", "classic"));
        worker = LaunchedServer.start(temp.resolve("worker.log"), concat(common, "--mode", "worker", "--worker-script", "worker.php"));
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (classic != null) {
            classic.close();
        }
        if (worker != null) {
            worker.close();
        }
    }

    // ------------------------------------------------------------------ item 2: Spl temp files in a worker

    @Test
    void splTempFilesKeptCycledAndDroppedAcrossWorkerRequests() throws Exception {
        String[] routes = {"/spl/new", "/spl/keep", "/spl/cycle", "/spl/drop"};
        for (int i = 0; i < 120; i++) {
            String route = routes[i % routes.length];
            HttpResponse<String> r = worker.get(route);
            assertEquals(200, r.statusCode(), route + " at request " + i + ": " + r.body() + "\n" + worker.log());
            if (route.equals("/spl/keep") || route.equals("/spl/cycle")) {
                assertTrue(r.body().endsWith(" bad=0"), route + " read back another object's data: " + r.body());
            } else {
                assertEquals("ok", r.body());
            }
        }
        worker.assertAlive("/spl/new");
    }

    @Test
    void theRequestBodyIsStillFreedBetweenWorkerRequests() throws Exception {
        byte[] body = new byte[12 * 1024]; // PHP keeps a body under 16 KiB in memory, a larger one in a temp file
        Map<String, String[]> warm = new java.util.HashMap<>(); // per worker
        for (int i = 0; i < 160; i++) {
            HttpResponse<String> r = LaunchedServer.HTTP.send(HttpRequest.newBuilder(worker.uri("/memory"))
                    .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            String[] now = r.body().split(" ");
            if (i >= 30) {
                String[] first = warm.computeIfAbsent(now[2], boot -> now);
                long grown = Long.parseLong(now[0]) - Long.parseLong(first[0]);
                assertTrue(grown < 256 * 1024, "the heap grew by " + grown + " bytes, at body " + i);
                assertEquals(first[1], now[1], "resources left open, at body " + i);
            }
        }
    }

    // ------------------------------------------------------------------ item 3: Fibers

    @Test
    void fibersThatWarnEchoFlushAndSuspendDeliverEveryByteInClassicMode() throws Exception {
        assertEveryFiberCase(classic, name -> "/fiber.php?case=" + name);
    }

    @Test
    void fibersInsideTheWorkerLoopFiberDeliverEveryByte() throws Exception {
        assertEveryFiberCase(worker, name -> "/fiber/" + name);
    }

    @Test
    void aFiberReadsTheRequestBody() throws Exception {
        byte[] body = new byte[60_000];
        new Random(3).nextBytes(body);
        String expected = body.length + ":" + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body));
        for (String path : List.of("/fiber.php?case=input", "/fiber/input")) {
            LaunchedServer server = path.startsWith("/fiber.php") ? classic : worker;
            HttpResponse<String> r = LaunchedServer.HTTP.send(HttpRequest.newBuilder(server.uri(path))
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(expected, r.body(), path);
        }
        assertNoJavaOnAFiberStack(classic);
        assertNoJavaOnAFiberStack(worker);
    }

    @Test
    void fibersUnderConcurrentRequestsInBothModes() throws Exception {
        List<String> names = new ArrayList<>(FIBER_CASES.keySet());
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 96; i++) {
                String name = names.get(i % names.size());
                LaunchedServer server = i % 2 == 0 ? classic : worker;
                String path = server == classic ? "/fiber.php?case=" + name : "/fiber/" + name;
                done.add(clients.submit(() -> {
                    byte[] body = getBytes(server, path);
                    assertArrayEquals(FIBER_CASES.get(name).apply(data).getBytes(StandardCharsets.ISO_8859_1), body, path);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            clients.shutdownNow();
        }
        assertNoJavaOnAFiberStack(classic);
        assertNoJavaOnAFiberStack(worker);
        classic.assertAlive("/form.php");
        worker.assertAlive("/status");
    }

    @Test
    void aFiberLeftSuspendedUntilTheWorkerStopsUnwindsIntoTheLog() throws Exception {
        LaunchedServer stopping = LaunchedServer.start(temp.resolve("stopping.log"), "--app", app.toString(), "--workers", "1",
                "--mode", "worker", "--worker-script", "worker-stop.php", "--php", "display_errors=0");
        try {
            stopping.assertAlive("/");
        } finally {
            stopping.process().destroy(); // SIGTERM: the worker script ends, its Fiber unwinds
            assertTrue(stopping.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS), stopping.log());
            stopping.close();
        }
        assertEquals(0, stopping.process().exitValue(), stopping.log());
        String log = stopping.log();
        assertTrue(log.contains("q".repeat(100)), log);
        assertTrue(log.contains("Warning:  kept-at-stop in"), log);
        assertNoJavaOnAFiberStack(stopping);
    }

    private static void assertEveryFiberCase(LaunchedServer server, Function<String, String> path) throws Exception {
        for (Map.Entry<String, Function<byte[], String>> c : FIBER_CASES.entrySet()) {
            byte[] expected = c.getValue().apply(data).getBytes(StandardCharsets.ISO_8859_1);
            byte[] body = getBytes(server, path.apply(c.getKey()));
            assertEquals(expected.length, body.length, c.getKey() + ": bytes delivered\n" + server.log());
            assertArrayEquals(expected, body, c.getKey());
        }
        assertNoJavaOnAFiberStack(server);
        String log = server.log();
        assertTrue(log.contains("Warning:  w in"), "the warning of a Fiber reaches the log:\n" + log);
        assertTrue(log.contains("Warning:  late in"), "the warning of a Fiber destroyed at the end reaches the log:\n" + log);
        server.assertAlive(server == classic ? "/form.php" : "/status");
    }

    private static void assertNoJavaOnAFiberStack(LaunchedServer server) throws Exception {
        String log = server.log();
        assertFalse(log.contains("threw"), log);
        assertFalse(log.contains("StackOverflowError"), log);
    }

    // ------------------------------------------------------------------ item 5: the 400 and 413 answers

    @Test
    void theAnswersToRefusedInputAreExactlyTheirText() throws Exception {
        HttpResponse<String> tooMany = LaunchedServer.HTTP.send(HttpRequest.newBuilder(classic.uri("/form.php"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, tooMany.statusCode());
        assertEquals("400 Bad Request: the request body is incomplete, or exceeds the input limits (max_input_vars,"
                + " max_input_nesting_level, max_file_uploads, max_multipart_body_parts)\n", tooMany.body());

        byte[] big = ("x=" + "y".repeat(200_000)).getBytes(StandardCharsets.US_ASCII);
        HttpResponse<String> tooLarge = LaunchedServer.HTTP.send(HttpRequest.newBuilder(classic.uri("/form.php"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))) // chunked
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, tooLarge.statusCode());
        // the servlet counts a body as it arrives and refuses it before PHP sees the request
        assertEquals("The request body exceeds post_max_size (65536 bytes)\n", tooLarge.body());
        classic.assertAlive("/form.php");
    }

    // ------------------------------------------------------------------ item 17: getenv()/putenv()

    @Test
    void getenvAndPutenvReadNamesUpToTheFirstNulAsPhpDoes() throws Exception {
        HttpResponse<String> r = classic.get("/env.php");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("{\"unset_by_nul_name\":[true,false,false],\"value_cut_at_nul\":[true,\"ok\"],"
                + "\"name_cut_at_nul\":[\"ok\",\"hi\"],\"empty_name_after_nul\":true,"
                + "\"error0\":\"putenv(): Argument #1 ($assignment) must have a valid syntax\","
                + "\"error1\":\"putenv(): Argument #1 ($assignment) must have a valid syntax\"}", r.body());
    }

    // ------------------------------------------------------------------ item 18: connection_status()

    @Test
    void outputAfterFastcgiFinishRequestFindsTheConnectionAbortedInClassicMode() throws Exception {
        Path file = temp.resolve("classic-status");
        disconnectAfterTheAnswer(classic, "/abort.php?file=" + file);
        assertEquals("1", awaitFile(file));
        assertFalse(Files.exists(Path.of(file + ".continued")), "as in php-fpm, the abort ends a script that does not ignore it");
        classic.assertAlive("/form.php");
    }

    @Test
    void outputAfterFastcgiFinishRequestFindsTheConnectionAbortedWithoutEndingTheWorker() throws Exception {
        Path file = temp.resolve("worker-status");
        disconnectAfterTheAnswer(worker, "/abort?file=" + file);
        String[] status = awaitFile(file).split(" ");
        assertEquals("1", status[0]);
        for (int i = 0; i < 6; i++) {
            String[] next = worker.get("/status").body().split(" ");
            assertEquals("0", next[0], "the next request starts with a normal connection");
            if (next[1].equals(status[1])) {
                return; // the worker that saw the abort serves on
            }
        }
        throw new AssertionError("the worker " + status[1] + " was not seen again:\n" + worker.log());
    }

    private static void disconnectAfterTheAnswer(LaunchedServer server, String path) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder seen = new StringBuilder();
            byte[] buffer = new byte[4096];
            while (!seen.toString().endsWith("done")) {
                int n = in.read(buffer);
                assertTrue(n > 0, "the connection closed before the answer: " + seen);
                seen.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                if (seen.toString().contains("\r\n\r\n") && seen.toString().endsWith("0\r\n\r\n")) {
                    break;
                }
            }
        }
    }

    private static String awaitFile(Path file) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && Files.size(file) > 0) {
                return Files.readString(file);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the script did not record its connection status");
    }

    private static byte[] getBytes(LaunchedServer server, String path) throws Exception {
        HttpResponse<byte[]> r = LaunchedServer.HTTP.send(HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), path);
        return r.body();
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

}
