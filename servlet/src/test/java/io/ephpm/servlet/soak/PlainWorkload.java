package io.ephpm.servlet.soak;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ephpm.servlet.TestApp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/** Plain PHP workers (src/test/resources/soak-app): sessions, JSON, forms, uploads, SSE, 1 MiB downloads, static files. */
final class PlainWorkload implements Workload {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Path app(Path target) {
        return TestApp.copyResource("/soak-app", target);
    }

    @Override
    public List<String> serverSettings() {
        return List.of("mode=worker", "worker-script=worker.php", "php.post_max_size=16M", "php.upload_max_filesize=16M");
    }

    @Override
    public Workload.Client client(HttpClient http, String base, String user) {
        return new PlainClient(http, base, user);
    }

    private static final class PlainClient implements Workload.Client {
        private static final String[] KINDS = {"json", "form", "upload", "sse", "download", "static", "json"};
        private final HttpClient http;
        private final String base;
        private final String user;
        private final Random random = new Random();
        private String cookie = "";

        PlainClient(HttpClient http, String base, String user) {
            this.http = http;
            this.base = base;
            this.user = user;
        }

        private int turn;

        @Override
        public void next(Soak.Stats stats) {
            once(stats, cookie.isEmpty() ? "login" : KINDS[turn++ % KINDS.length]);
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

        private void login(Soak.Stats stats, String nonce) throws IOException, InterruptedException {
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

        private void upload(Soak.Stats stats, String nonce) throws IOException, InterruptedException {
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

        private void sse(Soak.Stats stats, String nonce) throws IOException, InterruptedException {
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

        private void download(Soak.Stats stats, String nonce) throws IOException, InterruptedException {
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

        private boolean expectJson(Soak.Stats stats, String kind, HttpResponse<String> r, String nonce) throws IOException {
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
