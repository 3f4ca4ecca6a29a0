package io.ephpm.jetty.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OPcache restarts its shared memory ({@code opcache_reset()}, or a full cache) under concurrent load,
 * in classic and worker mode: the restart waits until no PHP thread is inside a request, the server
 * JVM survives, every request is answered, and the restart really happened (a script changed on disk
 * is served fresh although {@code opcache.validate_timestamps} is off).
 */
class OpcacheRestartIT {
    private static final int CLIENTS = 60;
    private static final int PAGES = 4;
    private static final Pattern NUMBER = Pattern.compile("\"(\\w+)\":(\\d+)");

    @TempDir
    Path temp;

    @Test
    void classicModeSurvivesOpcacheResetUnderLoad() throws Exception {
        Path app = app();
        try (LaunchedServer server = LaunchedServer.start(temp.resolve("server.log"), "--app", app.toString(),
                "--mode", "classic", "--workers", "8", "--php", "opcache.validate_timestamps=0")) {
            resetsTakeEffectUnderLoad(server, app, pages("/page-%d.php"), 12);
        }
    }

    @Test
    void workerModeReloadsItsWorkersForOpcacheReset() throws Exception {
        Path app = app();
        try (LaunchedServer server = LaunchedServer.start(temp.resolve("server.log"), "--app", app.toString(),
                "--mode", "worker", "--worker-script", "worker.php", "--workers", "8", "--status-path", "/_ephpm/status",
                "--php", "opcache.validate_timestamps=0")) {
            resetsTakeEffectUnderLoad(server, app, pages("/page-%d.php"), 12);
            assertTrue(counter(server.get("/_ephpm/status").body(), "opcacheReloads") > 0, server.log());
            assertTrue(Pattern.compile("reloading the \\d+ PHP workers as they finish their requests").matcher(server.log()).find(),
                    server.log());
        }
    }

    @Test
    void workerModeWithRotationSurvivesOpcacheResetUnderLoad() throws Exception {
        Path app = app();
        try (LaunchedServer server = LaunchedServer.start(temp.resolve("server.log"), "--app", app.toString(),
                "--mode", "worker", "--worker-script", "worker.php", "--workers", "8", "--max-requests", "20",
                "--php", "opcache.validate_timestamps=0")) {
            resetsTakeEffectUnderLoad(server, app, pages("/page-%d.php"), 12);
        }
    }

    /** Octane mode's task workers and tick thread are inside a request too: they retire for the restart as well. */
    @Test
    void octaneModeReloadsItsTaskWorkersAndTickThreadForOpcacheReset() throws Exception {
        Path app = app();
        try (LaunchedServer server = LaunchedServer.start(temp.resolve("server.log"), "--app", app.toString(),
                "--mode", "octane", "--worker-script", "worker.php", "--workers", "6", "--task-workers", "2",
                "--status-path", "/_ephpm/status", "--php", "opcache.validate_timestamps=0")) {
            List<String> paths = new ArrayList<>(pages("/page-%d.php"));
            paths.add("/tasks.php");
            resetsTakeEffectUnderLoad(server, app, paths, 12);
            String status = server.get("/_ephpm/status").body();
            assertTrue(counter(status, "opcacheReloads") > 0, status);
            assertTrue(counter(status, "completed") > 0, "tasks ran during the load: " + status);
            assertEquals("ok tasks=2", server.get("/tasks.php").body());
        }
    }

    /** A request that keeps running holds the restart back, but never the requests after it: they wait a bounded time. */
    @Test
    void aLongRequestPostponesTheRestartWithoutStallingTheServer() throws Exception {
        Path app = app();
        Files.writeString(app.resolve("public/long.php"), "<?php sleep(10); echo 'ok long';\n");
        try (LaunchedServer server = LaunchedServer.start(temp.resolve("server.log"), "--app", app.toString(),
                "--mode", "classic", "--workers", "4", "--php", "opcache.validate_timestamps=0")) {
            assertEquals("ok", server.get("/page-0.php").body().substring(0, 2));
            java.util.concurrent.CompletableFuture<HttpResponse<String>> longRequest =
                    LaunchedServer.HTTP.sendAsync(java.net.http.HttpRequest.newBuilder(server.uri("/long.php")).build(),
                            HttpResponse.BodyHandlers.ofString());
            Thread.sleep(500);
            assertEquals("reset=1", server.get("/reset.php").body());
            for (int i = 0; i < 3; i++) {
                assertEquals(200, server.get("/page-" + i + ".php").statusCode());
            }
            assertTrue(!longRequest.isDone(), "the long request still runs while the others are served");
            assertEquals(1, counter(server.get("/status.php").body(), "pending"), "the restart waits for the long request");
            assertEquals("ok long", longRequest.get(30, TimeUnit.SECONDS).body());
            awaitNoRestartPending(server);
            server.assertAlive("/page-3.php");
        }
    }

    @Test
    void classicModeRestartsAFullCache() throws Exception {
        fullCacheRestarts("--mode", "classic");
    }

    @Test
    void workerModeRestartsAFullCache() throws Exception {
        fullCacheRestarts("--mode", "worker", "--worker-script", "worker.php", "--max-requests", "20");
    }

    /**
     * 16 MB of shared memory (4 of them for interned strings) fills after some twenty of these scripts (512 KB each); a script rewritten on disk then
     * wastes its old copy, and past 1 % wasted OPcache schedules its own restart.
     */
    private void fullCacheRestarts(String... mode) throws Exception {
        Path app = app();
        Path big = Files.createDirectories(app.resolve("public/big"));
        int scripts = 40;
        for (int i = 0; i < scripts; i++) {
            writeBig(big.resolve("b-" + i + ".php"), i, 0);
        }
        List<String> args = new ArrayList<>(List.of("--app", app.toString(), "--workers", "8",
                "--php", "opcache.memory_consumption=16", "--php", "opcache.interned_strings_buffer=4",
                "--php", "opcache.max_wasted_percentage=1",
                "--php", "opcache.validate_timestamps=1", "--php", "opcache.revalidate_freq=0",
                "--php", "opcache.file_update_protection=0"));
        args.addAll(List.of(mode));
        try (LaunchedServer server = LaunchedServer.start(temp.resolve("server.log"), args.toArray(String[]::new))) {
            // half the requests run the pages' cached code while the cache fills up and restarts
            List<String> paths = new ArrayList<>();
            IntStream.range(0, scripts).forEach(i -> {
                paths.add("/big.php?n=" + i);
                paths.add("/page-" + i % PAGES + ".php");
            });
            AtomicInteger rewrites = new AtomicInteger();
            Load load = load(server, paths, 10, () -> {
                int n = ThreadLocalRandom.current().nextInt(scripts);
                writeBig(big.resolve("b-" + n + ".php"), n, rewrites.incrementAndGet());
                Thread.sleep(ThreadLocalRandom.current().nextLong(20, 200));
            });
            load.assertAllAnswered(server);
            server.assertAlive("/page-0.php");
            String status = server.get("/status.php").body();
            assertTrue(counter(status, "oom_restarts") + counter(status, "hash_restarts") > 0,
                    "no automatic restart happened after " + rewrites + " rewrites: " + status + "\n" + server.log());
        }
    }

    private static void writeBig(Path file, int n, int version) throws java.io.IOException {
        String numbers = IntStream.range(0, 32000).mapToObj(Integer::toString).collect(Collectors.joining(","));
        Path written = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(written, "<?php\nreturn ['n' => " + n + ", 'version' => " + version + ", 'numbers' => [" + numbers + "]];\n");
        Files.move(written, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Load on the pages plus one client calling opcache_reset() every 20-500 ms, then the proof that a reset took effect. */
    private void resetsTakeEffectUnderLoad(LaunchedServer server, Path app, List<String> pages, int seconds) throws Exception {
        AtomicLong resets = new AtomicLong();
        Load load = load(server, pages, seconds, () -> {
            HttpResponse<String> reset = server.get("/reset.php");
            if (reset.statusCode() == 200 && reset.body().equals("reset=1")) {
                resets.incrementAndGet();
            }
            Thread.sleep(ThreadLocalRandom.current().nextLong(20, 500));
        });
        load.assertAllAnswered(server);
        server.assertAlive("/page-0.php");
        assertTrue(resets.get() > 0, "opcache_reset() never returned true:\n" + server.log());
        assertTrue(counter(server.get("/status.php").body(), "manual_restarts") > 0, server.get("/status.php").body());
        awaitNoRestartPending(server);

        // with validate_timestamps off only a restart shows a changed script
        Files.writeString(app.resolve("public/version.php"), "<?php echo 'version=1';\n");
        // OPcache leaves a file written in the last opcache.file_update_protection seconds uncached
        Files.setLastModifiedTime(app.resolve("public/version.php"), java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        assertEquals("version=1", server.get("/version.php").body());
        Files.writeString(app.resolve("public/version.php"), "<?php echo 'version=2';\n");
        assertEquals("version=1", server.get("/version.php").body(), "the script is cached");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String seen = "";
        while (!seen.equals("version=2") && System.nanoTime() < deadline) {
            server.get("/reset.php");
            Thread.sleep(50);
            for (int i = 0; i < 16 && !seen.equals("version=2"); i++) {
                seen = server.get("/version.php").body();
            }
        }
        assertEquals("version=2", seen, "opcache_reset() did not take effect:\n" + server.log());
        server.assertAlive("/page-1.php");
    }

    @FunctionalInterface
    private interface Disturbance {
        void run() throws Exception;
    }

    private static final class Load {
        final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        final List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger wrongBodies = new AtomicInteger();
        volatile String wrongBody = "";

        void assertAllAnswered(LaunchedServer server) throws Exception {
            if (!server.process().isAlive()) {
                throw new AssertionError("the server JVM died with exit status " + server.process().exitValue() + ":\n" + server.log());
            }
            int ok = statuses.getOrDefault(200, new AtomicInteger()).get();
            assertTrue(ok > CLIENTS, "too few requests answered: " + statuses + "\n" + server.log());
            assertEquals(Map.of(200, ok), statuses.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get())),
                    "every request is answered with 200; failures " + failures + "\n" + server.log());
            assertTrue(failures.isEmpty(), "requests failed: " + failures + "\n" + server.log());
            assertEquals(0, wrongBodies.get(), "wrong bodies, e.g. " + wrongBody);
        }
    }

    /** CLIENTS clients request the paths in turn for the given time while the disturbance repeats. */
    private static Load load(LaunchedServer server, List<String> paths, int seconds, Disturbance disturbance) throws Exception {
        Load load = new Load();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS + 1);
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            clients.execute(() -> {
                for (int i = client; System.nanoTime() < end; i++) {
                    String path = paths.get(i % paths.size());
                    try {
                        HttpResponse<String> response = server.get(path);
                        load.statuses.computeIfAbsent(response.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                        if (response.statusCode() == 200 && !response.body().startsWith("ok ")) {
                            load.wrongBodies.incrementAndGet();
                            load.wrongBody = path + ": " + response.body();
                        }
                    } catch (Exception e) {
                        load.failures.add(e);
                        return;
                    }
                }
            });
        }
        clients.execute(() -> {
            while (System.nanoTime() < end) {
                try {
                    disturbance.run();
                } catch (Exception e) {
                    load.failures.add(e);
                    return;
                }
            }
        });
        clients.shutdown();
        assertTrue(clients.awaitTermination(seconds + 60L, TimeUnit.SECONDS), "the clients did not finish");
        return load;
    }

    private static List<String> pages(String pattern) {
        return IntStream.range(0, PAGES).mapToObj(i -> String.format(pattern, i)).toList();
    }

    /** The last reset's restart happens soon after the load ends: no PHP thread keeps it waiting. */
    private static void awaitNoRestartPending(LaunchedServer server) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String status = server.get("/status.php").body();
        while (counter(status, "pending") != 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            status = server.get("/status.php").body();
        }
        assertEquals(0, counter(status, "pending"), "the restart stays pending: " + status + "\n" + server.log());
        assertEquals(1, counter(status, "enabled"), status);
    }

    private static long counter(String json, String name) {
        Matcher m = NUMBER.matcher(json);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return Long.parseLong(m.group(2));
            }
        }
        throw new AssertionError("no " + name + " in " + json);
    }

    /**
     * Pages that include others (a class, functions, plain includes), a worker script that includes
     * the page of each request, and the scripts that reset and report OPcache.
     */
    private Path app() throws Exception {
        Path app = Files.createDirectories(temp.resolve("app"));
        Path lib = Files.createDirectories(app.resolve("lib"));
        Path pub = Files.createDirectories(app.resolve("public"));
        Files.writeString(lib.resolve("Greeter.php"), """
                <?php
                final class Greeter {
                    public function __construct(private string $name) {}
                    public function greet(array $parts): string { return 'ok ' . $this->name . ' ' . implode(',', $parts); }
                }
                """);
        Files.writeString(lib.resolve("functions.php"), """
                <?php
                function page_sum(array $values): int { return array_sum(array_map(fn ($v) => $v * 2, $values)); }
                """);
        for (int i = 0; i < PAGES; i++) {
            Files.writeString(lib.resolve("part-" + i + ".php"), "<?php\nreturn ['part' => " + i + ", 'values' => range(1, " + (10 + i) + ")];\n");
            Files.writeString(pub.resolve("page-" + i + ".php"), """
                    <?php
                    require_once __DIR__ . '/../lib/Greeter.php';
                    require_once __DIR__ . '/../lib/functions.php';
                    $parts = [];
                    foreach ([0, 1, 2, 3] as $p) {
                        $part = include __DIR__ . "/../lib/part-$p.php";
                        $parts[] = page_sum($part['values']);
                    }
                    echo (new Greeter('page-%d'))->greet($parts);
                    """.formatted(i));
        }
        Files.writeString(pub.resolve("big.php"), """
                <?php
                $big = include __DIR__ . '/big/b-' . (int) $_GET['n'] . '.php';
                echo 'ok big ', $big['n'], ' ', count($big['numbers']);
                """);
        Files.writeString(pub.resolve("reset.php"), "<?php echo 'reset=', (int) opcache_reset();\n");
        // in octane mode two tasks for the task workers (which answer "/" with an empty 404)
        Files.writeString(pub.resolve("tasks.php"), """
                <?php
                $answers = \\Ephpm\\Worker\\run_tasks(['', ''], 10000);
                echo 'ok tasks=', count(array_filter($answers, 'is_string'));
                """);
        Files.writeString(pub.resolve("status.php"), """
                <?php
                $status = opcache_get_status(false);
                echo json_encode(['enabled' => (int) $status['opcache_enabled'], 'pending' => (int) $status['restart_pending']]
                    + $status['opcache_statistics']);
                """);
        Files.writeString(app.resolve("worker.php"), """
                <?php
                while ($request = \\Ephpm\\Worker\\take_request()) {
                    $path = parse_url($request['uri'], PHP_URL_PATH);
                    if (preg_match('~^/[a-z0-9-]+\\.php$~', $path) && is_file(__DIR__ . '/public' . $path)) {
                        include __DIR__ . '/public' . $path;
                    } else {
                        http_response_code(404);
                    }
                }
                """);
        return app;
    }
}
