package io.ephpm.jetty.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a script or a client once took the JVM down, all at once, under concurrent load, against
 * a real server JVM in classic and in worker mode: OPcache resets and a full cache, Spl temp files kept,
 * cycled and dropped, Fibers that warn, echo and suspend, slow request bodies, exit(), deep recursion.
 * Afterwards the JVM must still run and answer. The table it prints is the one in docs/reliability.md.
 */
class CrashMatrixIT {
    private static final Duration LOAD = Duration.ofSeconds(Long.getLong("ephpm.crash-matrix.seconds", 20));
    private static final int CLIENTS = 24;
    private static final AtomicLong RESETS_TAKEN = new AtomicLong();
    private static final int GENERATED_SCRIPTS = 600;
    private static final String FIBER_BODY = "y".repeat(200_000) + "after";

    @TempDir
    static Path temp;

    /** One row of the matrix: a request and what every answer to it must look like. */
    private record Case(String name, String path, Predicate<HttpResponse<String>> expected, String expectation) {
    }

    /** What one case saw over the run. */
    private static final class Tally {
        final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        final AtomicLong unexpected = new AtomicLong();
        volatile String firstUnexpected;

        void record(int status, boolean ok, String detail) {
            statuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
            if (!ok) {
                unexpected.incrementAndGet();
                if (firstUnexpected == null) {
                    firstUnexpected = detail;
                }
            }
        }

        long total() {
            return statuses.values().stream().mapToLong(AtomicLong::get).sum();
        }

        String statusList() {
            StringBuilder s = new StringBuilder();
            new TreeMap<>(statuses).forEach((status, n) -> s.append(s.length() == 0 ? "" : ", ")
                    .append(status < 0 ? "no answer" : status).append(" x").append(n.get()));
            return s.toString();
        }
    }

    @Test
    void everyCaseUnderConcurrentLoadLeavesTheJvmServing() throws Exception {
        Path app = writeApp();
        List<String> rows = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        try (LaunchedServer classic = LaunchedServer.start(temp.resolve("classic.log"), "--app", app.toString(),
                "--mode", "classic", "--workers", "8", "--php", "opcache.max_accelerated_files=200")) {
            runMatrix("classic, 8 workers", classic, classicCases(), "/page.php", rows, failures);
        }
        try (LaunchedServer worker = LaunchedServer.start(temp.resolve("worker.log"), "--app", app.toString(),
                "--mode", "worker", "--worker-script", "worker.php", "--workers", "4", "--max-requests", "20")) {
            runMatrix("worker, 4 workers, max-requests 20", worker, workerCases(), "/page", rows, failures);
        }
        String table = "| mode | case | expected | requests | answers | unexpected |\n|---|---|---|---:|---|---:|\n"
                + String.join("\n", rows) + "\n";
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "crash-matrix.md"), table);
        System.out.println(table);
        assertEquals(List.of(), failures, table);
    }

    private static List<Case> classicCases() {
        return List.of(
                new Case("scripts that include others", "/page.php", r -> ok(r, "sum=45\n"), "200, the sum"),
                new Case("opcache_reset() every 20-500 ms", "/reset.php", CrashMatrixIT::resetAnswered, "200, reset or pending"),
                new Case("a full cache (600 scripts, 200 slots)", "/many.php?n=", r -> r.statusCode() == 200
                        && r.body().startsWith("script "), "200, that script's name"),
                new Case("a Fiber that warns and echoes 200,000 bytes", "/fiber.php", r -> ok(r, FIBER_BODY), "200, all 200,005 bytes"),
                new Case("a Fiber that suspends between echoes", "/fiber-suspend.php", r -> ok(r, "a1b2c3done"), "200, in order"),
                new Case("exit() after a redirect", "/exit.php", r -> r.statusCode() == 302, "302"),
                new Case("deep recursion through array_map", "/recursion.php", r -> r.statusCode() == 500
                        && r.body().contains("Maximum call stack size"), "500, PHP's Error"));
    }

    private static List<Case> workerCases() {
        return List.of(
                new Case("scripts that include others", "/page", r -> ok(r, "sum=45\n"), "200, the sum"),
                new Case("opcache_reset() every 20-500 ms", "/reset", CrashMatrixIT::resetAnswered, "200, reset or pending"),
                new Case("SplTempFileObject kept across requests", "/spl-keep", r -> ok(r, "ok\n"), "200, each reads its own data"),
                new Case("SplTempFileObject in a reference cycle", "/spl-cycle", r -> ok(r, "ok\n"), "200"),
                new Case("SplTempFileObject dropped", "/spl-drop", r -> ok(r, "ok\n"), "200"),
                new Case("a Fiber that warns and echoes 200,000 bytes", "/fiber", r -> ok(r, FIBER_BODY), "200, all 200,005 bytes"),
                new Case("a Fiber that suspends between echoes", "/fiber-suspend", r -> ok(r, "a1b2c3done"), "200, in order"),
                new Case("exit() after a redirect", "/exit", r -> r.statusCode() == 302, "302, once, the worker replaced"),
                new Case("deep recursion through array_map", "/recursion", r -> r.statusCode() == 500
                        && r.body().contains("Maximum call stack size"), "500, PHP's Error"));
    }

    /**
     * OPcache's own answer: true, or false while the last reset's restart is still pending (it then
     * waits for the PHP threads in a request, longer on a loaded host). Resets that took are counted:
     * a restart that never completes would answer false from the second reset on.
     */
    private static boolean resetAnswered(HttpResponse<String> response) {
        if (ok(response, "reset=1\n")) {
            RESETS_TAKEN.incrementAndGet();
            return true;
        }
        return ok(response, "reset=0 pending=1\n");
    }

    private static boolean ok(HttpResponse<String> response, String body) {
        return response.statusCode() == 200 && response.body().equals(body);
    }

    private static void runMatrix(String mode, LaunchedServer server, List<Case> cases, String page,
            List<String> rows, List<String> failures)
            throws Exception {
        Map<Case, Tally> tallies = new LinkedHashMap<>();
        cases.forEach(c -> tallies.put(c, new Tally()));
        Case reset = cases.get(1);
        List<Case> load = cases.stream().filter(c -> c != reset).toList();
        long resetsBefore = RESETS_TAKEN.get();
        Tally slowBodies = new Tally();
        long deadline = System.nanoTime() + LOAD.toNanos();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS + 3);
        for (int i = 0; i < CLIENTS; i++) {
            clients.submit(() -> {
                while (System.nanoTime() < deadline) {
                    Case c = load.get(ThreadLocalRandom.current().nextInt(load.size()));
                    request(server, c, tallies.get(c));
                }
                return null;
            });
        }
        clients.submit(() -> {
            while (System.nanoTime() < deadline) {
                request(server, reset, tallies.get(reset));
                Thread.sleep(ThreadLocalRandom.current().nextLong(20, 500));
            }
            return null;
        });
        for (int i = 0; i < 2; i++) {
            clients.submit(() -> {
                while (System.nanoTime() < deadline) {
                    slowBody(server, page, deadline, slowBodies);
                }
                return null;
            });
        }
        clients.shutdown();
        if (!clients.awaitTermination(LOAD.toSeconds() + 120, TimeUnit.SECONDS)) {
            clients.shutdownNow();
            failures.add(mode + ": clients still waiting for answers two minutes after the load ended");
        }
        try {
            server.assertAlive(page);
        } catch (AssertionError e) {
            failures.add(mode + ": " + e.getMessage());
        }
        if (RESETS_TAKEN.get() - resetsBefore < 2) {
            failures.add(mode + ": opcache_reset() took effect " + (RESETS_TAKEN.get() - resetsBefore) + " times; its restarts do not complete");
        }
        if (server.log().contains("fatal error has been detected by the Java Runtime")) {
            failures.add(mode + ": the server JVM crashed:\n" + server.log());
        }
        tallies.forEach((c, tally) -> {
            rows.add("| " + mode + " | " + c.name() + " | " + c.expectation() + " | " + tally.total() + " | "
                    + tally.statusList() + " | " + tally.unexpected.get() + " |");
            if (tally.total() == 0 || tally.unexpected.get() > 0) {
                failures.add(mode + ", " + c.name() + ": " + tally.unexpected.get() + " of " + tally.total()
                        + " unexpected; first: " + tally.firstUnexpected);
            }
        });
        rows.add("| " + mode + " | 2 clients sending a 1 MB body at 1 byte a second | no PHP thread held, every other"
                + " request answered | " + slowBodies.total() + " | " + slowBodies.statusList() + " | - |");
    }

    private static void request(LaunchedServer server, Case c, Tally tally) {
        String path = c.path().endsWith("=") ? c.path() + ThreadLocalRandom.current().nextInt(GENERATED_SCRIPTS) : c.path();
        try {
            HttpResponse<String> response = LaunchedServer.HTTP.send(HttpRequest.newBuilder(server.uri(path))
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            boolean ok = c.expected().test(response);
            tally.record(response.statusCode(), ok, ok ? null : path + " -> " + response.statusCode() + " "
                    + abbreviate(response.body()));
        } catch (IOException e) {
            tally.record(-1, false, path + " -> " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** POSTs a 1 MB body one byte a second until the load ends, then gives up as slow clients do. */
    private static void slowBody(LaunchedServer server, String page, long deadline, Tally tally) {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + page + " HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1048576\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            byte[] answer = new byte[12];
            while (System.nanoTime() < deadline) {
                out.write('a');
                out.flush();
                try {
                    int n = in.readNBytes(answer, 0, answer.length);
                    String head = new String(answer, 0, n, StandardCharsets.ISO_8859_1);
                    tally.record(head.startsWith("HTTP/1.1 ") ? Integer.parseInt(head.substring(9, 12)) : -1, true, null);
                    return;
                } catch (java.net.SocketTimeoutException e) {
                    // still sending, one byte a second
                }
            }
            tally.record(-1, true, null);
        } catch (IOException e) {
            tally.record(-1, true, null);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "... (" + s.length() + " chars)";
    }

    private static Path writeApp() throws IOException {
        Path app = Files.createDirectories(temp.resolve("app"));
        Path pub = Files.createDirectories(app.resolve("public"));
        Path lib = Files.createDirectories(app.resolve("lib"));
        Path generated = Files.createDirectories(app.resolve("generated"));
        for (int i = 0; i < 10; i++) {
            Files.writeString(lib.resolve("part" + i + ".php"), "<?php\nreturn " + i + ";\n");
        }
        Files.writeString(lib.resolve("cases.php"), CASES);
        for (int i = 0; i < GENERATED_SCRIPTS; i++) {
            Files.writeString(generated.resolve("s" + i + ".php"), "<?php\nreturn 'script " + i + "';\n");
        }
        for (String page : List.of("page", "reset", "fiber", "fiber-suspend", "exit", "recursion")) {
            Files.writeString(pub.resolve(page + ".php"), "<?php\nrequire __DIR__ . '/../lib/cases.php';\nephpm_case('" + page + "');\n");
        }
        Files.writeString(pub.resolve("many.php"), "<?php\necho require __DIR__ . '/../generated/s' . (int) $_GET['n'] . '.php';\n");
        Files.writeString(app.resolve("worker.php"), WORKER);
        return app;
    }

    private static final String CASES = """
            <?php
            function ephpm_case(string $case): void
            {
                switch ($case) {
                    case 'page':
                        $sum = 0;
                        for ($i = 0; $i < 10; $i++) {
                            $sum += require __DIR__ . "/part$i.php";
                        }
                        echo "sum=$sum\\n";
                        break;
                    case 'reset':
                        $reset = opcache_reset();
                        echo 'reset=', (int) $reset, $reset ? '' : ' pending=' . (int) opcache_get_status(false)['restart_pending'], "\\n";
                        break;
                    case 'fiber':
                        $fiber = new Fiber(function () {
                            trigger_error('a warning inside a Fiber', E_USER_WARNING);
                            echo str_repeat('y', 200000);
                        });
                        $fiber->start();
                        echo 'after';
                        break;
                    case 'fiber-suspend':
                        $fiber = new Fiber(function () {
                            foreach (['a', 'b', 'c'] as $letter) {
                                echo $letter;
                                Fiber::suspend();
                            }
                        });
                        $fiber->start();
                        for ($i = 1; !$fiber->isTerminated(); $i++) {
                            echo $i;
                            $fiber->resume();
                        }
                        echo 'done';
                        break;
                    case 'exit':
                        header('Location: /x');
                        http_response_code(302);
                        exit;
                    case 'recursion':
                        ini_set('memory_limit', '-1');
                        $recurse = function (int $n) use (&$recurse): int {
                            return $n <= 0 ? 1 : array_map(fn ($x) => $recurse($x - 1), [$n])[0];
                        };
                        try {
                            echo $recurse(1000000);
                        } catch (Error $e) {
                            http_response_code(500);
                            echo get_class($e), ': ', $e->getMessage();
                        }
                        break;
                    default:
                        http_response_code(404);
                }
            }
            """;

    private static final String WORKER = """
            <?php
            require __DIR__ . '/lib/cases.php';
            $kept = [];
            while ($request = \\Ephpm\\Worker\\take_request()) {
                $route = parse_url($request['uri'], PHP_URL_PATH);
                switch ($route) {
                    case '/spl-keep':
                        $file = new SplTempFileObject();
                        $mine = bin2hex(random_bytes(8));
                        $file->fwrite($mine);
                        $kept[] = [$file, $mine];
                        if (count($kept) > 8) {
                            array_shift($kept);
                        }
                        $ok = true;
                        foreach ($kept as [$f, $data]) {
                            $f->rewind();
                            $ok = $ok && $f->fread(64) === $data;
                        }
                        echo $ok ? "ok\\n" : "another object's data\\n";
                        break;
                    case '/spl-cycle':
                        $a = new stdClass();
                        $a->file = new SplTempFileObject();
                        $a->file->fwrite('cycle');
                        $a->self = $a;
                        $a->file->rewind();
                        $read = $a->file->fread(16);
                        unset($a);
                        gc_collect_cycles();
                        echo $read === 'cycle' ? "ok\\n" : "read '$read'\\n";
                        break;
                    case '/spl-drop':
                        $file = new SplTempFileObject();
                        $file->fwrite('x');
                        unset($file);
                        echo "ok\\n";
                        break;
                    default:
                        ephpm_case(ltrim($route, '/'));
                }
            }
            """;
}
