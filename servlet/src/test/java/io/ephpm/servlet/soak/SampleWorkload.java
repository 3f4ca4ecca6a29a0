package io.ephpm.servlet.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The sample Laravel app (webapp-sample): each client logs in, then cycles through its session
 * state, the JSON API, the notes form (CSRF), uploads, the SSE stream, ranges of the 100 MB
 * download and a static file. Octane mode when EPHPM_OCTANE_PATH names a laravel/octane checkout.
 */
public final class SampleWorkload implements Workload {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"_token\" value=\"([^\"]+)\"");
    private static final long DOWNLOAD_BYTES = 100L * 1024 * 1024;

    @Override
    public Path app(Path target) throws IOException {
        Path source = Path.of(System.getProperty("ephpm.sample.app", "../webapp-sample/laravel")).toAbsolutePath().normalize();
        Files.createDirectories(target);
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String relative = source.relativize(file).toString();
                if (relative.startsWith("vendor") || relative.startsWith("storage/app/") || relative.endsWith(".sqlite")) {
                    continue;
                }
                Path destination = target.resolve(relative);
                if (Files.isDirectory(file)) {
                    Files.createDirectories(destination);
                } else {
                    Files.createDirectories(destination.getParent());
                    Files.copy(file, destination, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        installVendor(source.getParent().getParent().resolve("scripts/laravel-framework.sh"), target);
        return target;
    }

    /** vendor/ as the app's build writes it: Laravel in vendor/debian and Composer's class-map autoloader. */
    private static void installVendor(Path laravelFramework, Path app) throws IOException {
        run(List.of("bash", laravelFramework.toString(), "--into", app.resolve("vendor/debian").toString()), app);
        run(List.of("composer", "--no-interaction", "--quiet", "dump-autoload", "--optimize"), app);
    }

    private static void run(List<String> command, Path directory) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().put("COMPOSER_ALLOW_SUPERUSER", "1");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (process.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
    }

    @Override
    public List<String> serverSettings() {
        return List.of("mode=auto", "php.post_max_size=16M", "php.upload_max_filesize=16M",
                "env.SAMPLE_SSE_EVENTS=3", "env.SAMPLE_SSE_INTERVAL_MS=20");
    }

    @Override
    public Workload.Client client(HttpClient shared, String base, String user) {
        return new SampleClient(base, user);
    }

    private static final class SampleClient implements Workload.Client {
        private static final String[] KINDS = {"me", "hello", "form", "me", "upload", "sse", "download", "static"};
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
        private final String base;
        private final String user;
        private final Random random = new Random();
        private String token;
        private int turn;

        SampleClient(String base, String user) {
            this.base = base;
            this.user = user;
        }

        @Override
        public void next(Soak.Stats stats) {
            once(stats, token == null ? "login" : KINDS[turn++ % KINDS.length]);
        }

        @Override
        public void warmUp(Soak.Stats stats) {
            once(stats, "login");
            for (String kind : KINDS) {
                once(stats, kind);
            }
        }

        private void once(Soak.Stats stats, String kind) {
            String nonce = UUID.randomUUID().toString();
            try {
                switch (kind) {
                    case "login" -> login(stats);
                    case "me" -> me(stats, nonce);
                    case "hello" -> expect(stats, kind, get("api/hello"), 200, body -> body.contains("\"laravel\""));
                    case "form" -> expect(stats, kind, post("notes", "application/x-www-form-urlencoded",
                            form("_token", token, "title", "soak " + nonce).getBytes(StandardCharsets.UTF_8)), 302, body -> true);
                    case "upload" -> upload(stats, nonce);
                    case "sse" -> expect(stats, kind, get("events/stream"), 200,
                            body -> body.contains("event: tick") && body.contains("event: done"));
                    case "download" -> download(stats);
                    default -> expect(stats, kind, get("css/app.css"), 200, body -> body.contains("mode-octane"));
                }
            } catch (IOException e) {
                stats.error(kind + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void login(Soak.Stats stats) throws IOException, InterruptedException {
            HttpResponse<String> page = get("notes");
            Matcher field = CSRF_FIELD.matcher(page.body());
            if (page.statusCode() != 200 || !field.find()) {
                stats.error("notes page " + page.statusCode());
                return;
            }
            String csrf = field.group(1);
            HttpResponse<String> r = post("session/login", "application/x-www-form-urlencoded",
                    form("_token", csrf, "name", user).getBytes(StandardCharsets.UTF_8));
            if (r.statusCode() != 200) {
                stats.error("login " + r.statusCode() + " " + r.body());
                return;
            }
            JsonNode state = JSON.readTree(r.body());
            if (!user.equals(state.path("user").asText())) {
                stats.violation("login as " + user + " answered " + r.body());
                return;
            }
            // the session was regenerated at login: the form token to use from now on is on the next page
            Matcher fresh = CSRF_FIELD.matcher(get("notes").body());
            token = fresh.find() ? fresh.group(1) : csrf;
            stats.ok("login");
        }

        private void me(Soak.Stats stats, String nonce) throws IOException, InterruptedException {
            HttpResponse<String> r = get("session/me?nonce=" + nonce);
            if (r.statusCode() != 200) {
                stats.error("me " + r.statusCode());
                return;
            }
            JsonNode state = JSON.readTree(r.body());
            if (!nonce.equals(state.path("nonce").asText()) || !user.equals(state.path("user").asText())
                    || !user.equals(state.path("session").asText()) || !state.path("config").isNull()) {
                stats.violation("session of " + user + "/" + nonce + " answered " + r.body());
                return;
            }
            stats.ok("me");
        }

        private void upload(Soak.Stats stats, String nonce) throws IOException, InterruptedException {
            byte[] file = new byte[8 * 1024 + random.nextInt(32 * 1024)];
            random.nextBytes(file);
            String boundary = "soak" + nonce.replace("-", "");
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"_token\"\r\n\r\n" + token + "\r\n--"
                    + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + nonce + ".bin\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(file);
            body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            expect(stats, "upload", post("upload", "multipart/form-data; boundary=" + boundary, body.toByteArray()), 302, b -> true);
        }

        private void download(Soak.Stats stats) throws IOException, InterruptedException {
            long start = (long) (random.nextDouble() * (DOWNLOAD_BYTES - 65536));
            HttpResponse<byte[]> r = http.send(request("download/sample.bin").header("Range", "bytes=" + start + "-" + (start + 65535))
                    .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            byte[] bytes = r.body();
            if (r.statusCode() != 206 || bytes.length != 65536) {
                stats.error("download " + r.statusCode() + " " + bytes.length + " bytes");
                return;
            }
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] != (byte) (start + i)) {
                    stats.violation("download range at " + start + " differs at byte " + i);
                    return;
                }
            }
            stats.ok("download");
        }

        private void expect(Soak.Stats stats, String kind, HttpResponse<String> r, int status,
                            java.util.function.Predicate<String> body) {
            if (r.statusCode() != status || !body.test(r.body())) {
                stats.error(kind + " " + r.statusCode() + " " + r.body().substring(0, Math.min(300, r.body().length())));
            } else {
                stats.ok(kind);
            }
        }

        private HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        }

        private HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
        }

        private HttpResponse<String> post(String path, String contentType, byte[] body) throws IOException, InterruptedException {
            return http.send(request(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
        }

        private static String form(String... pairs) {
            StringBuilder form = new StringBuilder();
            for (int i = 0; i < pairs.length; i += 2) {
                form.append(i == 0 ? "" : "&").append(pairs[i]).append('=').append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
            }
            return form.toString();
        }
    }
}
