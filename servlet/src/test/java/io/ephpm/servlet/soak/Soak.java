package io.ephpm.servlet.soak;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
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
 * A mixed workload at many concurrent connections against PHP workers in a separate server JVM:
 * logins with sessions, JSON GETs, form posts, uploads, SSE streams, downloads and static files.
 * Every answer is checked for its own request's nonce and its own client's user.
 *
 * <p>{@code Soak.main("--seconds", "60")}; {@code --minutes 30} for the long run.
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
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> duration = Duration.ofSeconds(Long.parseLong(args[++i]));
                case "--minutes" -> duration = Duration.ofMinutes(Long.parseLong(args[++i]));
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--seconds N | --minutes N | --connections N)");
            }
        }
        Report report = run(Options.of(duration, connections));
        System.out.println(report.table());
        report.firstProblems().forEach(p -> System.out.println("problem: " + p));
        System.exit(report.errors() == 0 && report.isolationViolations() == 0 ? 0 : 1);
    }

    public static Report run(Options options) throws Exception {
        Path work = Files.createTempDirectory("ephpm-soak");
        Path app = io.ephpm.servlet.TestApp.copyResource("/soak-app");
        Path uploads = Files.createDirectories(work.resolve("uploads"));
        Path sessions = Files.createDirectories(work.resolve("sessions"));
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC", "-XX:-UseDynamicNumberOfCompilerThreads",
                "-cp", System.getProperty("java.class.path"), SoakServer.class.getName(),
                app.toString(), uploads.toString(), sessions.toString(), Integer.toString(options.workers()))
                .redirectErrorStream(true).start();
        try {
            int port = awaitPort(server);
            String base = "http://127.0.0.1:" + port + "/";
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            new Client(client, base, "warm-up").session(new Stats(), 12);
            Thread.sleep(3000); // let the server close the warm-up connection, as it will close the load's
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
                Client each = new Client(client, base, "client-" + c + "-" + UUID.randomUUID().toString().substring(0, 8));
                clients.submit(() -> each.runUntil(stats, deadline));
            }
            Thread.sleep(options.warmup().toMillis());
            long rssWarm = rssKb(pid);
            clients.shutdown();
            clients.awaitTermination(options.duration().toSeconds() + 120, TimeUnit.SECONDS);
            long rssEnd = rssKb(pid);
            Thread.sleep(5000); // the server closes idle connections after 2 s
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
            return new Report(stats.requests.get(), stats.errors.get(), stats.violations.get(), List.copyOf(stats.problems),
                    Map.copyOf(stats.byKind.entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                            e -> e.getValue().get()))),
                    rssStart, rssWarm, rssEnd, threadsBefore, threadsAfter, fdsBefore, fdsAfter, tmpBefore, tmpAfter);
        } finally {
            server.getOutputStream().close();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private static int awaitPort(Process server) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = out.readLine()) != null) {
            if (line.startsWith("PORT ")) {
                Thread drain = new Thread(() -> {
                    try {
                        out.transferTo(java.io.Writer.nullWriter());
                    } catch (IOException ignored) {
                        // the server went away
                    }
                }, "soak-server-output");
                drain.setDaemon(true);
                drain.start();
                return Integer.parseInt(line.substring(5).trim());
            }
            seen.append(line).append('\n');
        }
        throw new IOException("the soak server did not start:\n" + seen);
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

    private static final class Stats {
        final AtomicLong requests = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong violations = new AtomicLong();
        final Map<String, AtomicLong> byKind = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();

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

    /** One connection's worth of traffic: a logged-in user cycling through the workload. */
    private static final class Client {
        private static final String[] KINDS = {"json", "form", "upload", "sse", "download", "static", "json"};
        private final HttpClient http;
        private final String base;
        private final String user;
        private final Random random = new Random();
        private String cookie = "";

        Client(HttpClient http, String base, String user) {
            this.http = http;
            this.base = base;
            this.user = user;
        }

        void runUntil(Stats stats, long deadline) {
            int turn = 0;
            while (System.nanoTime() < deadline) {
                if (cookie.isEmpty()) {
                    once(stats, "login");
                }
                once(stats, KINDS[turn++ % KINDS.length]);
            }
        }

        void session(Stats stats, int requests) {
            once(stats, "login");
            for (int i = 0; i < requests; i++) {
                once(stats, KINDS[i % KINDS.length]);
            }
        }

        private void once(Stats stats, String kind) {
            String nonce = UUID.randomUUID().toString();
            try {
                switch (kind) {
                    case "login" -> login(stats, nonce);
                    case "json" -> expectJson(stats, kind, send(request("?r=json&nonce=" + nonce).GET()), nonce);
                    case "form" -> expectJson(stats, kind, send(request("?r=form").header("Content-Type",
                            "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("nonce=" + nonce
                            + "&field=value"))), nonce);
                    case "upload" -> upload(stats, nonce);
                    case "sse" -> sse(stats, nonce);
                    case "download" -> download(stats, nonce);
                    default -> {
                        HttpResponse<String> r = send(request("app.css").GET());
                        if (r.statusCode() == 200 && r.body().startsWith("body")) {
                            stats.ok(kind);
                        } else {
                            stats.error("static " + r.statusCode());
                        }
                    }
                }
            } catch (IOException e) {
                stats.error(kind + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private HttpRequest.Builder request(String path) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
            return cookie.isEmpty() ? b : b.header("Cookie", cookie);
        }

        private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        private void login(Stats stats, String nonce) throws IOException, InterruptedException {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "?r=login")).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("user=" + user + "&nonce=" + nonce)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String session = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("PHPSESSID="))
                    .map(c -> c.split(";", 2)[0]).findFirst().orElse("");
            if (r.statusCode() != 200 || session.isEmpty()) {
                stats.error("login " + r.statusCode() + " " + r.body());
                return;
            }
            cookie = session;
            expectJson(stats, "login", r, nonce);
        }

        private void upload(Stats stats, String nonce) throws IOException, InterruptedException {
            byte[] file = new byte[16 * 1024 + random.nextInt(64 * 1024)];
            random.nextBytes(file);
            String boundary = "soak" + nonce.replace("-", "");
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"nonce\"\r\n\r\n" + nonce + "\r\n--"
                    + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.bin\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(file);
            body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> r = send(request("?r=upload").header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
            if (expectJson(stats, "upload", r, nonce)) {
                try {
                    String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(file));
                    if (!md5.equals(JSON.readTree(r.body()).path("md5").asText())) {
                        stats.violation("upload answered another file's checksum: " + r.body());
                    }
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }
        }

        private void sse(Stats stats, String nonce) throws IOException, InterruptedException {
            HttpResponse<String> r = send(request("?r=sse&nonce=" + nonce).GET());
            String expected = "data: " + nonce + " " + user + " 0\n\ndata: " + nonce + " " + user + " 1\n\ndata: " + nonce + " "
                    + user + " 2\n\n";
            if (r.statusCode() != 200) {
                stats.error("sse " + r.statusCode());
            } else if (!r.body().equals(expected)) {
                stats.violation("sse for " + user + "/" + nonce + " answered " + r.body());
            } else {
                stats.ok("sse");
            }
        }

        private void download(Stats stats, String nonce) throws IOException, InterruptedException {
            HttpResponse<InputStream> r = http.send(request("?r=download&nonce=" + nonce).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            long bytes;
            try (InputStream in = r.body(); OutputStream sink = OutputStream.nullOutputStream()) {
                bytes = in.transferTo(sink);
            }
            if (r.statusCode() != 200 || bytes != 1024 * 1024) {
                stats.error("download " + r.statusCode() + " " + bytes + " bytes");
            } else if (!nonce.equals(r.headers().firstValue("X-Nonce").orElse(""))
                    || !user.equals(r.headers().firstValue("X-User").orElse(""))) {
                stats.violation("download for " + user + "/" + nonce + " came as " + r.headers().map());
            } else {
                stats.ok("download");
            }
        }

        private boolean expectJson(Stats stats, String kind, HttpResponse<String> r, String nonce) throws IOException {
            if (r.statusCode() != 200) {
                stats.error(kind + " " + r.statusCode() + " " + r.body());
                return false;
            }
            var answer = JSON.readTree(r.body());
            if (!nonce.equals(answer.path("nonce").asText()) || !user.equals(answer.path("user").asText())) {
                stats.violation(kind + " for " + user + "/" + nonce + " answered " + r.body());
                return false;
            }
            stats.ok(kind);
            return true;
        }
    }
}
