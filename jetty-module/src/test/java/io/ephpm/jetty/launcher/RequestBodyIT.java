package io.ephpm.jetty.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile request bodies against the launcher in its own JVM: slow bodies never hold a PHP thread
 * (they get 408 while everyone else is served), and chunked bodies over post_max_size get 413
 * before they are read, whether the limit comes from {@code --php post_max_size} or the ini file.
 */
class RequestBodyIT {
    private static final String SCRIPT = """
            <?php
            header('Content-Type: application/json');
            echo json_encode(['method' => $_SERVER['REQUEST_METHOD'], 'post' => array_map('strlen', $_POST),
                'input' => strlen(file_get_contents('php://input'))]);
            """;

    @TempDir
    static Path temp;
    static LaunchedServer limitFromSetting;
    static LaunchedServer limitFromIniFile;

    @BeforeAll
    static void start() throws Exception {
        Path app = Files.createDirectories(temp.resolve("app/public"));
        Files.writeString(app.resolve("index.php"), SCRIPT);
        Path ini = Files.writeString(temp.resolve("php.ini"), "[PHP]\npost_max_size = 1M\n");
        limitFromSetting = LaunchedServer.start(temp.resolve("setting.log"), "--app", app.getParent().toString(),
                "--workers", "2", "--queue-timeout", "3", "--body-timeout", "2", "--body-min-rate", "1K",
                "--php", "post_max_size=1M");
        limitFromIniFile = LaunchedServer.start(temp.resolve("ini.log"), "--app", app.getParent().toString(),
                "--workers", "2", "--ini-file", ini.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        for (LaunchedServer server : new LaunchedServer[] {limitFromSetting, limitFromIniFile}) {
            if (server != null) {
                server.assertAlive("/");
                server.close();
            }
        }
    }

    @Test
    void slowBodiesGet408AndNeverHoldThePhpThreads() throws Exception {
        LaunchedServer server = limitFromSetting;
        List<CompletableFuture<String>> slow = List.of(trickle(server), trickle(server));
        Thread.sleep(500);
        List<CompletableFuture<HttpResponse<String>>> others = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            others.add(LaunchedServer.HTTP.sendAsync(HttpRequest.newBuilder(server.uri("/?n=" + i)).timeout(Duration.ofSeconds(30))
                    .build(), HttpResponse.BodyHandlers.ofString()));
            others.add(LaunchedServer.HTTP.sendAsync(HttpRequest.newBuilder(server.uri("/")).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("a=" + i))
                    .build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> other : others) {
            HttpResponse<String> r = other.get(10, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), "a request beside two slow bodies: " + r.body());
        }
        for (CompletableFuture<String> client : slow) {
            String answer = client.get(30, TimeUnit.SECONDS);
            assertTrue(answer.startsWith("HTTP/1.1 408"), "a slow body answered " + answer);
            assertTrue(answer.toLowerCase().contains("connection: close"), answer);
        }
        server.assertAlive("/");
    }

    /** POSTs a 1 MB body one byte a second until the server answers; returns the answer. */
    private static CompletableFuture<String> trickle(LaunchedServer server) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout(30_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                InputStream in = socket.getInputStream();
                for (int i = 0; i < 30 && in.available() == 0; i++) {
                    try {
                        out.write('x');
                        out.flush();
                    } catch (IOException closed) {
                        break;
                    }
                    Thread.sleep(1000);
                }
                return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void chunkedBodiesOverPostMaxSizeFromTheSettingGet413() throws Exception {
        assertChunkedBodiesOverTheLimitGet413(limitFromSetting);
    }

    @Test
    void chunkedBodiesOverPostMaxSizeFromTheIniFileGet413() throws Exception {
        assertChunkedBodiesOverTheLimitGet413(limitFromIniFile);
        // the pre-check on Content-Length takes the ini file's limit too
        HttpResponse<String> declared = LaunchedServer.HTTP.send(HttpRequest.newBuilder(limitFromIniFile.uri("/"))
                .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(new byte[2 << 20]))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, declared.statusCode(), declared.body());
    }

    private static void assertChunkedBodiesOverTheLimitGet413(LaunchedServer server) throws Exception {
        int total = 20 << 20;
        for (String type : List.of("multipart/form-data; boundary=b", "application/x-www-form-urlencoded")) {
            String start = type.startsWith("multipart") ? "--b\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n" : "text=";
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout(30_000);
                OutputStream out = socket.getOutputStream();
                CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() -> {
                    long n = 0;
                    try {
                        out.write(("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: " + type + "\r\n\r\n"
                                + Integer.toHexString(start.length()) + "\r\n" + start + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
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
                String answer = new String(socket.getInputStream().readNBytes(4096), StandardCharsets.ISO_8859_1);
                socket.close();
                assertTrue(answer.startsWith("HTTP/1.1 413"), type + " answered " + answer);
                assertTrue(answer.contains("post_max_size"), "the servlet, not PHP, refused it: " + answer);
                assertTrue(sent.get(30, TimeUnit.SECONDS) < total, type + ": the whole body was taken in before the 413");
            }
        }
        server.assertAlive("/");
    }
}
