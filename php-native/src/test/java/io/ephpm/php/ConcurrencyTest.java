package io.ephpm.php;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.NativeLibrary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Eight PHP threads at once; every answer must carry its own request's data and nothing else. */
class ConcurrencyTest {
    @TempDir
    Path temp;

    private static final int THREADS = 8;
    private static final int REQUESTS_PER_THREAD = 150;

    @Test
    void classicThreadsShowNoCrossTalk() throws Exception {
        runAll(i -> Php.Worker.classic(i), "dump.php");
    }

    @Test
    void workerThreadsShowNoCrossTalk() throws Exception {
        runAll(i -> Php.Worker.worker("worker-counter.php", i), "app");
    }

    @Test
    void putenvStaysOnItsOwnThread() throws Exception {
        List<Php.Worker> workers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            workers.add(Php.Worker.classic(i));
        }
        try {
            List<CapturedResponse> responses = new ArrayList<>();
            for (int i = 0; i < workers.size(); i++) {
                responses.add(workers.get(i).send(Php.get("putenv.php", "name=thread" + i)));
            }
            for (int i = 0; i < workers.size(); i++) {
                assertEquals("thread" + i + "|no-path", responses.get(i).body());
            }
        } finally {
            for (Php.Worker w : workers) {
                w.close();
            }
        }
    }

    @Test
    void sqliteFromManyThreadsAtOnceStaysConsistent() throws Exception {
        Path db = Files.createTempFile(temp, "ephpm-shared", ".sqlite");
        Files.delete(db);
        int threads = 4;
        int requests = 25;
        List<Php.Worker> workers = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(threads);
        try {
            for (int i = 0; i < threads; i++) {
                workers.add(Php.Worker.classic(i));
            }
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Php.Worker worker = workers.get(t);
                String name = "t" + t;
                String persistent = t % 2 == 0 ? "1" : "";
                results.add(clients.submit(() -> {
                    for (int n = 1; n <= requests; n++) {
                        CapturedResponse r = worker.call(Php.get("sqlite-shared.php",
                                "db=" + db + "&thread=" + name + "&persistent=" + persistent));
                        assertEquals(Integer.toString(n * 10), r.body(), name + ", request " + n + ": " + r.error());
                    }
                    return null;
                }));
            }
            for (Future<?> f : results) {
                f.get();
            }
            CapturedResponse check = workers.get(0).call(Php.get("sqlite-check.php", "db=" + db));
            assertEquals("ok " + threads * requests * 10, check.body(), check.error());
            // the persistent connections are open, yet SQLite counts no memory: the runtime turned
            // its allocation statistics (one process-wide mutex) off before PHP started
            long counted = NativeLibrary.getInstance("libsqlite3.so.0")
                    .getFunction("sqlite3_memory_used").invokeLong(new Object[0]);
            assertEquals(0, counted, "bytes SQLite counted under its global mutex");
        } finally {
            clients.shutdownNow();
            for (Php.Worker w : workers) {
                w.close();
            }
        }
    }

    interface Factory {
        Php.Worker create(int id) throws Exception;
    }

    private static void runAll(Factory factory, String script) throws Exception {
        List<Php.Worker> workers = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(THREADS);
        try {
            for (int i = 0; i < THREADS; i++) {
                workers.add(factory.create(i));
            }
            List<Future<Integer>> results = new ArrayList<>();
            for (Php.Worker worker : workers) {
                Callable<Integer> client = () -> {
                    for (int n = 0; n < REQUESTS_PER_THREAD; n++) {
                        String nonce = UUID.randomUUID().toString();
                        String body = "nonce=" + nonce;
                        CapturedResponse r = worker.call(Php.request("POST", script, "nonce=" + nonce)
                                .variable("CONTENT_TYPE", "application/x-www-form-urlencoded")
                                .variable("CONTENT_LENGTH", Integer.toString(body.length()))
                                .header("X-Nonce", nonce)
                                .body(new java.io.ByteArrayInputStream(Php.utf8(body))).build());
                        assertEquals(200, r.status(), r.body());
                        Map<String, Object> d = Json.parse(r.body());
                        assertEquals(Map.of("nonce", nonce), d.get("post"));
                        Object get = d.containsKey("get") ? ((Map<?, ?>) d.get("get")).get("nonce") : d.get("nonce");
                        assertEquals(nonce, get);
                        Object header = d.containsKey("server") ? ((Map<?, ?>) d.get("server")).get("HTTP_X_NONCE") : d.get("header_nonce");
                        assertEquals(nonce, header);
                    }
                    return REQUESTS_PER_THREAD;
                };
                results.add(clients.submit(client));
            }
            int total = 0;
            for (Future<Integer> f : results) {
                total += f.get();
            }
            assertEquals(THREADS * REQUESTS_PER_THREAD, total);
        } finally {
            clients.shutdownNow();
            for (Php.Worker w : workers) {
                w.close();
            }
        }
    }
}
