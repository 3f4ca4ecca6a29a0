package io.ephpm.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Request bodies are read off the PHP threads before PHP sees the request: small ones in memory,
 * larger ones in a private temp file that is gone when the request ends, however it ends. A slow
 * body answers 408 and never holds a PHP thread; a body over post_max_size answers 413 as soon as
 * it passes the limit, chunked or not.
 */
class RequestBodyServletTest {
    private static final int BUFFER = 16 * 1024;
    private static Map<Server.Kind, Server> SERVERS;
    @TempDir
    static Path temp;
    private static Path uploads;

    @BeforeAll
    static void start() throws Exception {
        TestApp app = TestApp.copy(temp.resolve("app"));
        uploads = Files.createDirectories(temp.resolve("uploads"));
        SERVERS = Server.startEach("/app", app.documentRoot, Map.of(
                "app-root", app.root.toString(),
                "workers", "2",
                "queue-timeout", "2",
                "body-buffer-size", "16K",
                "body-timeout", "2",
                "body-min-rate", "1K",
                "php.post_max_size", "1M",
                "php.upload_tmp_dir", uploads.toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        Server.closeAll(SERVERS);
    }

    private Server.Kind current;

    @AfterEach
    void nothingLeftBehindAndTheNextRequestSucceeds() throws Exception {
        if (current != null) {
            assertEquals(200, Http.get(SERVERS.get(current).url("/hello.php")).statusCode());
            assertEquals(List.of(), awaitNoBodyFiles(), "request body temp files still open");
            try (Stream<Path> left = Files.list(uploads)) {
                assertEquals(List.of(), left.toList(), "upload temp files left behind");
            }
        }
    }

    private Server use(Server.Kind kind) {
        current = kind;
        return SERVERS.get(kind);
    }

    /** This JVM's open request body temp files (the server runs in it): each an unlinked file, so "(deleted)". */
    private static List<String> bodyFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    return ""; // closed meanwhile
                }
            }).filter(target -> target.contains("ephpm-body-")).toList();
        }
    }

    private static List<String> awaitNoBodyFiles() throws Exception {
        for (int i = 0; i < 50 && !bodyFiles().isEmpty(); i++) {
            Thread.sleep(100);
        }
        return bodyFiles();
    }

    private static String md5(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + i / 7);
        }
        return b;
    }

    @org.junit.jupiter.api.Test
    void chunkedBodiesAreReadBlockingOnlyOnTheTomcatsThatMisreadThemNonBlocking() {
        for (String affected : List.of("Apache Tomcat/10.1.34", "Apache Tomcat/10.1.35", "Apache Tomcat/11.0.2", "Apache Tomcat/10.0.27",
                "Apache Tomcat/9.0.98", "Apache Tomcat")) {
            assertTrue(BufferedBody.misreadsNonBlockingChunkedBodies(affected), affected);
        }
        for (String fine : List.of("Apache Tomcat/10.1.36", "Apache Tomcat/10.1.59", "Apache Tomcat/11.0.4", "Apache Tomcat/12.0.0-M1",
                "jetty/12.0.16", "")) {
            assertFalse(BufferedBody.misreadsNonBlockingChunkedBodies(fine), fine);
        }
    }

    private static CompletableFuture<HttpResponse<String>> postHeld(Server server, byte[] body) {
        return Http.CLIENT.sendAsync(Http.request(server.url("/body.php?hold=1500")).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    // ------------------------------------------------------------ memory or disk

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void aBodyWithinTheBufferStaysInMemoryALargerOneGoesToAnUnlinkedPrivateFile(Server.Kind kind) throws Exception {
        Server server = use(kind);
        byte[] small = bytes(BUFFER);
        CompletableFuture<HttpResponse<String>> inMemory = postHeld(server, small);
        Thread.sleep(700);
        assertEquals(List.of(), bodyFiles(), "a body of body-buffer-size went to disk");
        Map<String, Object> r = Json.parse(inMemory.get().body());
        assertEquals(BUFFER, ((Number) r.get("length")).intValue());
        assertEquals(md5(small), r.get("md5"));

        byte[] large = bytes(600_000);
        CompletableFuture<HttpResponse<String>> onDisk = postHeld(server, large);
        Thread.sleep(700);
        List<String> open = bodyFiles();
        assertEquals(1, open.size(), "a body past body-buffer-size should be in one temp file: " + open);
        assertTrue(open.get(0).endsWith("(deleted)"), "the temp file has a name others could open: " + open);
        r = Json.parse(onDisk.get().body());
        assertEquals(large.length, ((Number) r.get("length")).intValue());
        assertEquals(md5(large), r.get("md5"));
        assertEquals(List.of(), awaitNoBodyFiles(), "the temp file outlived its request");
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void aChunkedBodyIsBufferedAndPhpSeesItsLength(Server.Kind kind) throws Exception {
        Server server = use(kind);
        byte[] body = bytes(300_000);
        HttpResponse<String> r = Http.send(Http.request(server.url("/body.php")).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))).build());
        assertEquals(200, r.statusCode(), r.body());
        Map<String, Object> d = Json.parse(r.body());
        assertEquals(md5(body), d.get("md5"));
        assertEquals(Integer.toString(body.length), d.get("content_length"), "nginx passes a chunked body's length too");
    }

    /**
     * 200 valid chunked uploads, each cut into chunks of its own sizes (1 byte to 40K, around the
     * containers' 8K and 16K buffers) and sent in pieces that end inside a chunk's header, its data,
     * right after its data and inside its CRLF, so that reads end at every kind of offset.
     */
    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void manyChunkedUploadsOfVariedChunkSizesAllArriveWhole(Server.Kind kind) throws Exception {
        Server server = use(kind);
        int[] sizes = {1, 2, 3, 7, 100, 1000, 4095, 4096, 8191, 8192, 8193, 16383, 16384, 16385, 40_000};
        java.util.Random random = new java.util.Random(24);
        List<String> wrong = new java.util.ArrayList<>();
        for (int upload = 0; upload < 200; upload++) {
            byte[] body = new byte[1 + random.nextInt(upload % 4 == 0 ? 300_000 : 40_000)];
            random.nextBytes(body);
            java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
            List<Integer> cuts = new java.util.ArrayList<>();
            for (int at = 0; at < body.length; ) {
                int n = Math.min(body.length - at, random.nextBoolean() ? sizes[random.nextInt(sizes.length)] : 1 + random.nextInt(20_000));
                wire.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                cuts.add(wire.size() - 1 - random.nextInt(2));
                wire.write(body, at, n);
                cuts.add(wire.size() - random.nextInt(2) * random.nextInt(n));
                wire.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                cuts.add(wire.size() - random.nextInt(3));
                at += n;
            }
            wire.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            RawHttp.Answer answer = RawHttp.sendInPieces(server.port(), "POST /app/body.php HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    + "Transfer-Encoding: chunked\r\nContent-Type: application/octet-stream\r\n\r\n", wire.toByteArray(),
                    cuts.stream().filter(cut -> random.nextInt(3) == 0).mapToInt(Integer::intValue).toArray(), 20_000);
            String json = answer.text().substring(answer.text().indexOf("\r\n\r\n") + 4);
            if (answer.status() != 200 || !json.contains("\"md5\":\"" + md5(body) + "\"")) {
                wrong.add("upload " + upload + " of " + body.length + " bytes: " + answer.text().lines().findFirst().orElse("") + " " + json);
            }
        }
        assertEquals(List.of(), wrong);
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void aLargeUploadGoesToDiskWithoutGrowingTheHeap(Server.Kind kind) throws Exception {
        current = null;
        long size = 200L << 20;
        String head = "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"big.bin\"\r\n\r\n";
        String tail = "\r\n--b--\r\n";
        try (Server server = Server.start(kind, "/app", SERVERS.get(kind).documentRoot, Map.of(
                "app-root", SERVERS.get(kind).documentRoot.getParent().toString(), "workers", "1",
                "php.post_max_size", "256M", "php.upload_max_filesize", "256M", "php.upload_tmp_dir", uploads.toString()))) {
            Runtime rt = Runtime.getRuntime();
            System.gc();
            long before = rt.totalMemory() - rt.freeMemory();
            java.util.concurrent.atomic.AtomicLong peak = new java.util.concurrent.atomic.AtomicLong(before);
            java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
            // what the heap holds, not the garbage the client and the container churn out meanwhile
            Thread sampler = new Thread(() -> {
                while (running.get()) {
                    System.gc();
                    peak.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.start();
            long length = head.length() + size + tail.length();
            HttpResponse<String> r;
            try {
                r = Http.send(Http.request(server.url("/"))
                        .header("Content-Type", "multipart/form-data; boundary=b")
                        .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.SequenceInputStream(
                                java.util.Collections.enumeration(List.of(new java.io.ByteArrayInputStream(head.getBytes(StandardCharsets.ISO_8859_1)),
                                        new ZeroStream(size), new java.io.ByteArrayInputStream(tail.getBytes(StandardCharsets.ISO_8859_1)))))), length))
                        .build());
            } finally {
                running.set(false);
                sampler.join();
            }
            assertEquals(200, r.statusCode(), r.body());
            Map<String, Object> upload = Json.map(Json.map(Json.parse(r.body()), "uploads"), "f");
            assertEquals(size, ((Number) upload.get("size")).longValue(), r.body());
            long growth = peak.get() - before;
            assertTrue(growth < 64L * 1024 * 1024, "the heap held " + growth / (1024 * 1024) + " MiB more during a 200 MiB upload");
        }
        assertEquals(List.of(), awaitNoBodyFiles(), "the upload's body file outlived its request");
    }

    /** n zero bytes, read in blocks, never held. */
    private static final class ZeroStream extends InputStream {
        private long left;

        ZeroStream(long n) {
            left = n;
        }

        @Override
        public int read() {
            return left-- > 0 ? 0 : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, (byte) 0);
            left -= n;
            return n;
        }
    }

    // ------------------------------------------------------------ cleanup on every path

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void aClientVanishingAfterTheBodySpilledLeavesNothing(Server.Kind kind) throws Exception {
        Server server = use(kind);
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /app/body.php HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 900000\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes(200_000));
            out.flush();
            Thread.sleep(500);
            assertEquals(1, bodyFiles().size(), "the body should be spilling to a temp file");
        }
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void brokenChunkingAfterTheBodySpilledIs400AndLeavesNothing(Server.Kind kind) throws Exception {
        Server server = use(kind);
        String chunk = Integer.toHexString(100_000) + "\r\n" + "x".repeat(100_000) + "\r\n";
        RawHttp.Answer answer = RawHttp.send(server.port(), "POST /app/body.php HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n" + chunk + "zz\r\nnot a chunk\r\n", null, false, 10_000);
        assertEquals(400, answer.status(), answer.text());
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void aStalledBodyIs408AfterTheBodyTimeoutAndLeavesNothing(Server.Kind kind) throws Exception {
        Server server = use(kind);
        long start = System.nanoTime();
        RawHttp.Answer answer = RawHttp.send(server.port(), "POST /app/body.php HTTP/1.1\r\nHost: x\r\nContent-Type: "
                + "application/octet-stream\r\nContent-Length: 100000\r\n\r\n", bytes(50_000), false, 20_000);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(408, answer.status(), answer.text());
        assertTrue(answer.text().toLowerCase().contains("connection: close"), answer.text());
        assertTrue(answer.complete(), "the connection stays open after the 408");
        assertTrue(millis >= 1900, "408 after " + millis + " ms, before the body timeout");
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void aStalledChunkedBodyIs408AfterTheBodyTimeout(Server.Kind kind) throws Exception {
        Server server = use(kind);
        RawHttp.Answer answer = RawHttp.send(server.port(), "POST /app/body.php HTTP/1.1\r\nHost: x\r\nContent-Type: "
                + "application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n" + "c350\r\n", bytes(30_000), false, 5_000);
        assertEquals(408, answer.status(), answer.text());
        assertTrue(answer.text().toLowerCase().contains("connection: close"), answer.text());
        // read blocking, as on Tomcat 10.1.34, the connection stays until the next byte or the connector's timeout
        boolean readBlocking = kind == Server.Kind.TOMCAT
                && BufferedBody.misreadsNonBlockingChunkedBodies(org.apache.catalina.util.ServerInfo.getServerInfo());
        assertTrue(readBlocking || answer.complete(), "the connection stays open after the 408");
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void slowBodiesAre408AndNeverHoldThePhpThreads(Server.Kind kind) throws Exception {
        Server server = use(kind);
        List<CompletableFuture<RawHttp.Answer>> slow = List.of(trickle(server), trickle(server), trickle(server));
        Thread.sleep(300);
        for (int i = 0; i < 4; i++) {
            assertEquals(200, Http.get(server.url("/hello.php")).statusCode());
            HttpResponse<String> post = Http.send(Http.request(server.url("/body.php")).POST(HttpRequest.BodyPublishers.ofString("a=1"))
                    .header("Content-Type", "application/x-www-form-urlencoded").build());
            assertEquals(200, post.statusCode(), post.body());
        }
        for (CompletableFuture<RawHttp.Answer> client : slow) {
            assertEquals(408, client.get().status(), client.get().text());
        }
    }

    /** Sends one byte of a 1 MB body every 500 ms: not stalled, but far below body-min-rate. */
    private static CompletableFuture<RawHttp.Answer> trickle(Server server) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout(20_000);
                OutputStream out = socket.getOutputStream();
                out.write("POST /app/body.php HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                InputStream in = socket.getInputStream();
                for (int i = 0; i < 30 && in.available() == 0; i++) {
                    try {
                        out.write('x');
                        out.flush();
                    } catch (IOException closed) {
                        break;
                    }
                    Thread.sleep(500);
                }
                String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                return new RawHttp.Answer(text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : -1, text, true, 0);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void chunkedBodiesOverPostMaxSizeAre413BeforeTheyAreRead(Server.Kind kind) throws Exception {
        Server server = use(kind);
        for (String type : List.of("multipart/form-data; boundary=b", "application/x-www-form-urlencoded")) {
            String start = type.startsWith("multipart") ? "--b\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n" : "text=";
            RawHttp.Answer answer = chunkedFlood(server.port(), type, start, 20 * 1024 * 1024);
            assertEquals(413, answer.status(), type + ": " + answer.text());
        }
    }

    /** Sends a chunked body of {@code total} bytes on another thread, as fast as the server takes it, and reads the answer. */
    static RawHttp.Answer chunkedFlood(int port, String type, String start, int total) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() -> {
                long n = 0;
                try {
                    out.write(("POST /app/body.php HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: " + type
                            + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    byte[] first = start.getBytes(StandardCharsets.ISO_8859_1);
                    out.write((Integer.toHexString(first.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(first);
                    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    byte[] chunk = ("10000\r\n" + "y".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
                    for (; n < total; n += 0x10000) {
                        out.write(chunk);
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                } catch (IOException e) {
                    // the server closed the connection after its answer
                }
                return n;
            });
            String text = new String(socket.getInputStream().readNBytes(4096), StandardCharsets.ISO_8859_1);
            socket.close();
            sent.get();
            return new RawHttp.Answer(text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : -1, text, true, 0);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void anUndeployDuringABodyAnswersAndLeavesNothing(Server.Kind kind) throws Exception {
        Server server = use(kind);
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /app/body.php HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 900000\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes(100_000));
            out.flush();
            Thread.sleep(300);
            assertEquals(1, bodyFiles().size(), "the body should be spilling to a temp file");
            server.redeploy();
            assertEquals(List.of(), awaitNoBodyFiles(), "the undeploy left the body's temp file open");
        }
    }
}
