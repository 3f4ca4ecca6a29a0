package io.ephpm.servlet.soak;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ephpm.servlet.DirectoryTree;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Many concurrent connections of mixed traffic against PHP in a separate server JVM, whose memory,
 * threads, file descriptors and upload temp files are measured from outside. The {@link Workload}
 * decides the app and the traffic: logins with sessions, GETs, form posts, uploads, SSE streams,
 * downloads and static files, every answer checked for its own request's nonce and its own user.
 *
 * <p>{@code Soak.main("--seconds", "60")}; {@code --minutes 30} for the long run; {@code --sample}
 * for the sample Laravel app instead of plain PHP workers.
 */
public final class Soak {
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Options(Duration duration, Duration warmup, int connections, int workers) {
        public static Options of(Duration duration, int connections) {
            return new Options(duration, Duration.ofSeconds(Math.min(15, duration.toSeconds() / 4)), connections, 4);
        }
    }

    public record Report(long requests, long errors, long isolationViolations, List<String> firstProblems,
                         Map<String, Long> requestsByKind, long rssStartKb, long rssWarmKb, long rssEndKb,
                         int threadsBefore, int threadsAfter, int fdsBefore, int fdsAfter,
                         int uploadTempFilesBefore, int uploadTempFilesAfter) {

        public double rssGrowthAfterWarmup() {
            return (rssEndKb - rssWarmKb) / (double) rssWarmKb;
        }

        public String table() {
            StringBuilder t = new StringBuilder("| measure | value |\n|---|---|\n");
            t.append("| requests | ").append(requests).append(" |\n");
            requestsByKind.forEach((k, v) -> t.append("| requests: ").append(k).append(" | ").append(v).append(" |\n"));
            t.append("| errors | ").append(errors).append(" |\n");
            t.append("| isolation violations | ").append(isolationViolations).append(" |\n");
            t.append("| RSS start / after warm-up / end (MiB) | ").append(rssStartKb / 1024).append(" / ").append(rssWarmKb / 1024)
                    .append(" / ").append(rssEndKb / 1024).append(" |\n");
            t.append(String.format("| RSS growth after warm-up | %.2f %% |%n", rssGrowthAfterWarmup() * 100));
            t.append("| server threads before / after | ").append(threadsBefore).append(" / ").append(threadsAfter).append(" |\n");
            t.append("| server file descriptors before / after | ").append(fdsBefore).append(" / ").append(fdsAfter).append(" |\n");
            t.append("| upload temp files before / after | ").append(uploadTempFilesBefore).append(" / ")
                    .append(uploadTempFilesAfter).append(" |\n");
            return t.toString();
        }
    }

    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        Duration duration = Duration.ofSeconds(60);
        int connections = 200;
        Workload workload = new PlainWorkload();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> duration = Duration.ofSeconds(Long.parseLong(args[++i]));
                case "--minutes" -> duration = Duration.ofMinutes(Long.parseLong(args[++i]));
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--sample" -> workload = new SampleWorkload();
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--seconds N | --minutes N | --connections N | --sample)");
            }
        }
        Report report = run(Options.of(duration, connections), workload);
        System.out.println(report.table());
        report.firstProblems().forEach(p -> System.out.println("problem: " + p));
        System.exit(report.errors() == 0 && report.isolationViolations() == 0 ? 0 : 1);
    }

    public static Report run(Options options, Workload workload) throws Exception {
        Path work = Files.createTempDirectory("ephpm-soak");
        Path app = workload.app(work.resolve("app"));
        Path uploads = Files.createDirectories(work.resolve("uploads"));
        Path sessions = Files.createDirectories(work.resolve("sessions"));
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms384m", "-Xmx384m", "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC", "-XX:-UseDynamicNumberOfCompilerThreads",
                "-cp", System.getProperty("java.class.path"), SoakServer.class.getName(),
                "app-root=" + app, "workers=" + options.workers(), "queue-timeout=60",
                "php.upload_tmp_dir=" + uploads, "php.session.save_path=" + sessions));
        command.addAll(workload.serverSettings());
        Path serverLog = work.resolve("server.log");
        boolean keepWork = true;
        Process server = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(serverLog.toFile()).start();
        try {
            int port = awaitPort(server, serverLog);
            String base = "http://127.0.0.1:" + port + "/";
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            Stats warmUp = new Stats();
            workload.client(client, base, "warm-up").warmUp(warmUp);
            if (!warmUp.isQuiet()) {
                throw new IllegalStateException("the warm-up failed: " + warmUp.problems);
            }
            Thread.sleep(12_000); // let the server close the warm-up connections, as it will close the load's
            long pid = server.pid();
            long rssStart = rssKb(pid);
            List<String> namesBefore = threadNames(pid);
            int threadsBefore = namesBefore.size();
            int fdsBefore = count(Path.of("/proc", Long.toString(pid), "fd"));
            int tmpBefore = count(uploads);

            Stats stats = new Stats();
            long start = System.nanoTime();
            long deadline = start + options.duration().toNanos();
            ExecutorService clients = Executors.newFixedThreadPool(options.connections());
            for (int c = 0; c < options.connections(); c++) {
                Workload.Client each = workload.client(client, base, "client" + c + "x" + UUID.randomUUID().toString().substring(0, 8));
                clients.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        each.next(stats);
                    }
                });
            }
            Thread.sleep(options.warmup().toMillis());
            long rssWarm = rssKb(pid);
            clients.shutdown();
            clients.awaitTermination(options.duration().toSeconds() + 120, TimeUnit.SECONDS);
            long rssEnd = rssKb(pid);
            Thread.sleep(13_000); // the server closes idle connections after 10 s
            List<String> namesAfter = threadNames(pid);
            int threadsAfter = namesAfter.size();
            if (threadsAfter != threadsBefore) {
                List<String> gone = new java.util.ArrayList<>(namesBefore);
                namesAfter.forEach(gone::remove);
                List<String> added = new java.util.ArrayList<>(namesAfter);
                namesBefore.forEach(added::remove);
                stats.note("threads ended: " + gone + ", threads started: " + added);
            }
            int fdsAfter = count(Path.of("/proc", Long.toString(pid), "fd"));
            int tmpAfter = count(uploads);
            keepWork = !stats.isQuiet();
            if (keepWork) {
                stats.note("the server's log: " + serverLog);
            }
            return new Report(stats.requests.get(), stats.errors.get(), stats.violations.get(), List.copyOf(stats.problems),
                    Map.copyOf(stats.byKind.entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                            e -> e.getValue().get()))),
                    rssStart, rssWarm, rssEnd, threadsBefore, threadsAfter, fdsBefore, fdsAfter, tmpBefore, tmpAfter);
        } finally {
            server.getOutputStream().close();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
                server.waitFor(30, TimeUnit.SECONDS);
            }
            if (!keepWork) { // a quiet soak: its app copy, uploads, sessions and the sample's 100 MB download
                DirectoryTree.delete(work);
            }
        }
    }

    private static int awaitPort(Process server, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && server.isAlive()) {
            for (String line : Files.readAllLines(log)) {
                if (line.startsWith("PORT ")) {
                    return Integer.parseInt(line.substring(5).trim());
                }
            }
            Thread.sleep(100);
        }
        throw new IOException("the soak server did not start:\n" + Files.readString(log));
    }

    static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IOException("no VmRSS for " + pid);
    }

    /**
     * The names of a process's threads, as /proc shows them, less the JDK's "process reaper": JNA
     * runs ldconfig once while loading libraries, and that pooled thread ends by itself 60 s later.
     */
    static List<String> threadNames(long pid) throws IOException {
        List<String> names = new java.util.ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim();
                    if (!name.equals("process reaper")) {
                        names.add(name);
                    }
                } catch (IOException gone) {
                    // the thread ended while we looked
                }
            }
        }
        java.util.Collections.sort(names);
        return names;
    }

    static int count(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return (int) entries.count();
        }
    }

    /** What the clients saw, counted across all of them. */
    static final class Stats {
        final AtomicLong requests = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong violations = new AtomicLong();
        final Map<String, AtomicLong> byKind = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();

        boolean isQuiet() {
            return errors.get() == 0 && violations.get() == 0;
        }

        void ok(String kind) {
            requests.incrementAndGet();
            byKind.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
        }

        void error(String what) {
            requests.incrementAndGet();
            errors.incrementAndGet();
            note(what);
        }

        void violation(String what) {
            violations.incrementAndGet();
            note("ISOLATION: " + what);
        }

        void note(String what) {
            if (problems.size() < 20) {
                problems.add(what);
            }
        }
    }
}
