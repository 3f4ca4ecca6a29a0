package io.ephpm.jetty.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PHP's execution-timer signal and the stop of a server JVM, against the launcher as a child
 * process: a signal without a handler, or a stop that waits on PHP, would show here.
 */
class TimeoutsAndSignalsIT {
    /** glibc's SIGRTMIN, the signal of PHP's per-thread execution timer. */
    private static final int SIGRTMIN = 34;
    private static final String WORKER = """
            <?php
            while (\\Ephpm\\Worker\\take_request()) {
                if (isset($_GET['sleep'])) {
                    sleep((int)$_GET['sleep']);
                }
                echo 'posted=' . ($_POST['a'] ?? '');
            }
            """;

    @TempDir
    Path temp;

    private Path app() throws Exception {
        Path app = Files.createDirectories(temp.resolve("app"));
        Files.createDirectories(app.resolve("public"));
        Files.writeString(app.resolve("public/index.php"), "<?php echo 'posted=' . ($_POST['a'] ?? '');\n");
        Files.writeString(app.resolve("worker.php"), WORKER);
        return app;
    }

    @Test
    void theTimerSignalIsHandledBeforeTheFirstRequest() throws Exception {
        try (LaunchedServer server = LaunchedServer.start(temp.resolve("server.log"), "--app", app().toString(),
                "--workers", "2", "--mode", "classic")) {
            String status = Files.readString(Path.of("/proc", Long.toString(server.process().pid()), "status"));
            String caught = status.lines().filter(l -> l.startsWith("SigCgt:")).findFirst().orElseThrow().substring(7).trim();
            assertTrue(new BigInteger(caught, 16).testBit(SIGRTMIN - 1),
                    "no handler for SIGRTMIN before any request: its default action ends the JVM (SigCgt " + caught + ")");
        }
    }

    @Test
    void slowBodiesAsTheFirstRequestsOfAClassicServerLeaveItAlive() throws Exception {
        slowBodiesAsTheFirstRequests("--mode", "classic");
    }

    @Test
    void slowBodiesAsTheFirstRequestsOfAWorkerServerLeaveItAlive() throws Exception {
        slowBodiesAsTheFirstRequests("--mode", "worker", "--worker-script", "worker.php");
    }

    /** Each PHP thread reads a body for longer than request-timeout before its first script runs. */
    private void slowBodiesAsTheFirstRequests(String... mode) throws Exception {
        List<String> args = new ArrayList<>(List.of("--app", app().toString(), "--workers", "2", "--request-timeout", "2"));
        args.addAll(List.of(mode));
        try (LaunchedServer server = LaunchedServer.start(temp.resolve("server.log"), args.toArray(String[]::new))) {
            ExecutorService clients = Executors.newFixedThreadPool(2);
            try {
                List<Future<String>> answers = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    answers.add(clients.submit(() -> postSlowly(server.port(), "a=slowly", Duration.ofMillis(500))));
                }
                for (Future<String> answer : answers) {
                    String response;
                    try {
                        response = answer.get(60, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException e) {
                        server.process().waitFor(5, TimeUnit.SECONDS);
                        throw new AssertionError((server.process().isAlive() ? "the slow POST failed"
                                : "the server JVM died with exit status " + server.process().exitValue()) + ":\n" + server.log(), e);
                    }
                    assertTrue(response.startsWith("HTTP/1.1 200"), response);
                    assertTrue(response.endsWith("posted=slowly"), "reading the body is not execution time: " + response);
                }
            } finally {
                clients.shutdownNow();
            }
            server.assertAlive("/index.php");
        }
    }

    /** POSTs a form body one byte per interval, then returns the whole response. */
    private static String postSlowly(int port, String body, Duration interval) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /index.php HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length() + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            for (byte b : body.getBytes(StandardCharsets.ISO_8859_1)) {
                Thread.sleep(interval.toMillis());
                out.write(b);
                out.flush();
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            in.transferTo(response);
            return response.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void sigtermStopsAWorkerStuckInSleepWithinTheDrainTimeout() throws Exception {
        LaunchedServer server = LaunchedServer.start(temp.resolve("server.log"), "--app", app().toString(), "--workers", "2",
                "--mode", "worker", "--worker-script", "worker.php", "--drain-timeout", "2", "--request-timeout", "30",
                "--status-path", "/_ephpm/status");
        try {
            CompletableFuture<HttpResponse<String>> stuck = LaunchedServer.HTTP.sendAsync(
                    HttpRequest.newBuilder(server.uri("/?sleep=60")).timeout(Duration.ofSeconds(90)).build(),
                    HttpResponse.BodyHandlers.ofString());
            // SIGTERM once the request is in PHP: on a loaded host it may take more than a moment to get there
            long inPhp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!server.get("/_ephpm/status").body().contains("\"busy\":1") && System.nanoTime() < inPhp) {
                Thread.sleep(50);
            }
            Thread.sleep(200);
            long start = System.nanoTime();
            server.process().destroy(); // SIGTERM
            boolean exited = server.process().waitFor(20, TimeUnit.SECONDS);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(exited, "the server did not stop within 20 s of SIGTERM with --drain-timeout 2:\n" + server.log());
            assertEquals(0, server.process().exitValue(), server.log());
            assertTrue(millis < 2000 + 4000, "the stop took " + millis + " ms with --drain-timeout 2:\n" + server.log());
            HttpResponse<String> answer = stuck.get(10, TimeUnit.SECONDS);
            assertTrue(answer.statusCode() == 503 || answer.statusCode() == 504,
                    "the stuck request ends with " + answer.statusCode() + ": " + answer.body());
        } finally {
            server.close();
        }
    }
}
