package io.ephpm.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A browser-like client for the sample Laravel app (webapp-sample) at a base URI such as
 * {@code http://127.0.0.1:8080/sample}: keeps cookies, does not follow redirects, and checks each
 * route the way a user would see it.
 */
final class SampleClient {
    static final long DOWNLOAD_BYTES = 100L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"_token\" value=\"([^\"]+)\"");

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder()
            .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    SampleClient(URI base) {
        this.base = URI.create(base.toString().replaceAll("/+$", "") + "/");
    }

    /** The mode the sample should report: octane when the test run was given a laravel/octane checkout. */
    static String expectedMode() {
        String checkout = System.getenv("EPHPM_OCTANE_PATH");
        return checkout != null && Files.isRegularFile(Path.of(checkout, "src", "Worker.php")) ? "octane" : "classic";
    }

    URI uri(String path) {
        return base.resolve(path.startsWith("/") ? path.substring(1) : path);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = get(path);
        assertEquals(200, response.statusCode(), () -> path + ": " + response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), path);
        return JSON.readTree(response.body());
    }

    /** Every route of the sample, as a user would exercise them. */
    void assertEveryRoute(String mode) throws IOException, InterruptedException {
        assertHelloPageAndJson(mode);
        assertNotesFormValidatesAndFlashes();
        assertUploadIsStored();
        assertEventStreamArrivesInPieces();
        assertDownloadSupportsRange();
        assertWorkerPage(mode);
        assertEarlyHints();
    }

    /**
     * The page that sends 103 Early Hints, read off a raw socket on a kept-alive connection (Jetty 12.0.16
     * sends no 103 on a connection the request asks to close): a 103 with the stylesheet's Link header,
     * then the 200 carrying it too.
     */
    void assertEarlyHints() throws IOException {
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(20_000);
            String target = uri("/early-hints").getRawPath();
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort() + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            java.io.InputStream in = socket.getInputStream();
            java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
            List<String> heads = new java.util.ArrayList<>();
            byte[] buffer = new byte[8192];
            int parsed = 0;
            while (heads.isEmpty() || !heads.get(heads.size() - 1).startsWith("HTTP/1.1 200")) {
                int n = in.read(buffer);
                assertTrue(n > 0, () -> "the connection ended after: " + received.toString(StandardCharsets.ISO_8859_1));
                received.write(buffer, 0, n);
                String text = received.toString(StandardCharsets.ISO_8859_1);
                int end;
                while ((end = text.indexOf("\r\n\r\n", parsed)) >= 0) {
                    heads.add(text.substring(parsed, end));
                    parsed = end + 4;
                    if (!heads.get(heads.size() - 1).startsWith("HTTP/1.1 1")) {
                        break;
                    }
                }
            }
            String link = "Link: <" + uri("/css/app.css") + ">; rel=preload; as=style";
            assertEquals(2, heads.size(), heads::toString);
            assertTrue(heads.get(0).startsWith("HTTP/1.1 103"), heads::toString);
            assertTrue(heads.get(0).contains(link), heads::toString);
            assertTrue(heads.get(1).startsWith("HTTP/1.1 200") && heads.get(1).contains(link), heads::toString);
        }
    }

    /** The metrics path the sample's web.xml sets, in Prometheus's text format. */
    void assertMetrics() throws IOException, InterruptedException {
        HttpResponse<String> metrics = get("/_ephpm/metrics");
        assertEquals(200, metrics.statusCode(), metrics::body);
        assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), metrics.headers()::toString);
        Matcher requests = Pattern.compile("(?m)^ephpm_requests_total ([0-9.E]+)$").matcher(metrics.body());
        assertTrue(requests.find(), metrics::body);
        assertTrue(Double.parseDouble(requests.group(1)) > 0, metrics::body);
        assertTrue(metrics.body().contains("# TYPE ephpm_request_duration_seconds histogram"), metrics::body);
    }

    /** The version the headers of the PHP build under test declare (PHP_VERSION=8.4 or 8.2 builds it). */
    private static String builtPhpVersion() throws IOException {
        Path header = Path.of(System.getProperty("ephpm.php.home"), "include/php/main/php_version.h");
        Matcher version = Pattern.compile("#define PHP_VERSION \"([0-9.]+)\"").matcher(Files.readString(header));
        assertTrue(version.find(), header + " declares no PHP_VERSION");
        return version.group(1);
    }

    void assertHelloPageAndJson(String mode) throws IOException, InterruptedException {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode(), page::body);
        assertTrue(page.body().contains("<strong id=\"mode\">" + mode + "</strong>"), () -> "front page names " + mode + " mode:\n" + page.body());
        for (String link : List.of("/api/hello", "/notes", "/upload", "/events", "/download", "/worker")) {
            assertTrue(page.body().contains(uri(link).toString() + "\""), () -> "front page links " + link);
        }
        JsonNode hello = getJson("/api/hello");
        assertAll(
                () -> assertEquals(mode, hello.path("mode").asText()),
                () -> assertTrue(hello.path("laravel").asText().startsWith("10."), hello::toString),
                () -> assertEquals(builtPhpVersion(), hello.path("php").asText(), hello::toString),
                () -> assertTrue(hello.path("server").asText().startsWith("ePHPm ("), hello::toString));
        HttpResponse<String> css = get("/css/app.css");
        assertEquals(200, css.statusCode());
        assertTrue(css.body().contains(".mode-octane"), "the stylesheet comes from the container's default servlet");
    }

    void assertNotesFormValidatesAndFlashes() throws IOException, InterruptedException {
        String token = csrfToken("/notes");

        HttpResponse<String> withoutToken = postForm("/notes", "title=" + encode("no token here"));
        assertEquals(419, withoutToken.statusCode(), "a form post without the CSRF token is refused");

        HttpResponse<String> tooShort = postForm("/notes", "_token=" + encode(token) + "&title=ab");
        assertRedirect(tooShort, "/notes");
        String errorPage = get("/notes").body();
        assertTrue(errorPage.contains("The title must be at least 3 characters."), () -> "validation error shown:\n" + errorPage);
        assertTrue(errorPage.contains("value=\"ab\""), "the old input is kept");

        String title = "Note " + System.nanoTime();
        HttpResponse<String> saved = postForm("/notes", "_token=" + encode(token) + "&title=" + encode(title));
        assertRedirect(saved, "/notes");
        String listed = get("/notes").body();
        assertTrue(Pattern.compile("<p class=\"flash\">Saved note #\\d+: " + Pattern.quote(title) + "</p>").matcher(listed).find(),
                () -> "success flash shown:\n" + listed);
        assertTrue(listed.contains("<span class=\"note-title\">" + title + "</span>"), "the note is listed");
        assertTrue(!get("/notes").body().contains("class=\"flash\""), "the flash is shown once");
        assertTrue(getJson("/api/notes").findValuesAsText("title").contains(title), "the note is in the SQLite table");
    }

    void assertUploadIsStored() throws IOException, InterruptedException {
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(content);
        String token = csrfToken("/upload");
        String boundary = "----ephpm" + System.nanoTime();
        byte[] body = multipart(boundary, token, "photo of a cat.bin", content);
        HttpResponse<String> posted = http.send(request("/upload")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertRedirect(posted, "/upload");
        String page = get("/upload").body();
        assertAll(
                () -> assertTrue(page.contains("<dd id=\"uploaded-name\">photo of a cat.bin</dd>"), page),
                () -> assertTrue(page.contains("<dd id=\"uploaded-bytes\">" + content.length + "</dd>"), page),
                () -> assertTrue(page.contains("<dd id=\"uploaded-sha256\">" + sha256(content) + "</dd>"), page));
    }

    /** The stream's events arrive one by one, about the configured interval apart, not in one piece at the end. */
    void assertEventStreamArrivesInPieces() throws IOException, InterruptedException {
        long start = System.nanoTime();
        HttpResponse<Stream<String>> response = http.send(request("/events/stream").GET().build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<Long> tickArrivals = new ArrayList<>();
        List<String> events = new ArrayList<>();
        try (Stream<String> lines = response.body()) {
            lines.filter(line -> line.startsWith("event: ")).forEach(line -> {
                events.add(line.substring(7));
                if (line.equals("event: tick")) {
                    tickArrivals.add((System.nanoTime() - start) / 1_000_000);
                }
            });
        }
        assertEquals(List.of("tick", "tick", "tick", "tick", "tick", "done"), events);
        long firstToLast = tickArrivals.get(4) - tickArrivals.get(0);
        assertTrue(firstToLast >= 1_500, () -> "ticks are sent 500 ms apart and arrive as sent: " + tickArrivals);
        for (int i = 1; i < tickArrivals.size(); i++) {
            long gap = tickArrivals.get(i) - tickArrivals.get(i - 1);
            assertTrue(gap >= 250, "tick " + i + " arrived " + gap + " ms after the one before: " + tickArrivals);
        }
    }

    /** Byte n of the generated file is n mod 256; Range requests get 206 with exactly those bytes. */
    void assertDownloadSupportsRange() throws IOException, InterruptedException {
        HttpResponse<byte[]> middle = getBytes("/download/sample.bin", "bytes=1000-1999");
        assertEquals(206, middle.statusCode());
        assertEquals("bytes 1000-1999/" + DOWNLOAD_BYTES, middle.headers().firstValue("Content-Range").orElse(null));
        assertArrayEquals(pattern(1000, 1000), middle.body());

        HttpResponse<byte[]> tail = getBytes("/download/sample.bin", "bytes=-300");
        assertEquals(206, tail.statusCode());
        assertEquals("bytes " + (DOWNLOAD_BYTES - 300) + "-" + (DOWNLOAD_BYTES - 1) + "/" + DOWNLOAD_BYTES,
                tail.headers().firstValue("Content-Range").orElse(null));
        assertArrayEquals(pattern(DOWNLOAD_BYTES - 300, 300), tail.body());

        HttpResponse<Long> whole = countBytes("/download/sample.bin");
        assertEquals(200, whole.statusCode());
        assertEquals(DOWNLOAD_BYTES, whole.body());
        assertEquals("bytes", whole.headers().firstValue("Accept-Ranges").orElse(null));
    }

    /** The worker page names a worker; in octane mode a worker's request count grows as it serves more. */
    void assertWorkerPage(String mode) throws IOException, InterruptedException {
        HttpResponse<String> page = get("/worker");
        assertEquals(200, page.statusCode());
        Matcher served = Pattern.compile("Worker <strong id=\"worker-id\">(\\d+)</strong> served this request; it has served\\s+"
                + "<strong id=\"worker-requests\">(\\d+)</strong> requests").matcher(page.body());
        assertTrue(served.find(), page::body);

        JsonNode first = getJson("/api/worker");
        assertEquals(mode, first.path("mode").asText());
        assertEquals(mode.equals("octane") ? "worker" : "classic", first.path("thread_mode").asText());
        // which thread serves next is the pool's choice (the one idle last, or the spinning one), so
        // follow every worker until one serves a second time
        Map<Integer, JsonNode> lastSeen = new HashMap<>();
        lastSeen.put(first.path("worker").asInt(), first);
        for (int i = 0; i < 100; i++) {
            JsonNode next = getJson("/api/worker");
            JsonNode before = lastSeen.put(next.path("worker").asInt(), next);
            if (before != null) {
                assertTrue(next.path("requests").asLong() > before.path("requests").asLong(),
                        () -> "a worker counts its requests: " + before + " then " + next);
                return;
            }
        }
        throw new AssertionError("no worker served twice in 101 requests: " + lastSeen.keySet());
    }

    /** Logs in as this user (a session cookie in this client's jar) and returns the session state JSON. */
    JsonNode login(String name) throws IOException, InterruptedException {
        HttpResponse<String> response = postForm("/session/login", "_token=" + encode(csrfToken("/notes")) + "&name=" + encode(name));
        assertEquals(200, response.statusCode(), response::body);
        return JSON.readTree(response.body());
    }

    private HttpResponse<Long> countBytes(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), info -> HttpResponse.BodySubscribers.mapping(
                HttpResponse.BodySubscribers.ofInputStream(), in -> {
                    try (in) {
                        return in.transferTo(java.io.OutputStream.nullOutputStream());
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }));
    }

    private HttpResponse<byte[]> getBytes(String path, String range) throws IOException, InterruptedException {
        return http.send(request(path).header("Range", range).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private String csrfToken(String page) throws IOException, InterruptedException {
        HttpResponse<String> response = get(page);
        assertEquals(200, response.statusCode(), response::body);
        Matcher field = CSRF_FIELD.matcher(response.body());
        assertTrue(field.find(), () -> page + " has a CSRF field:\n" + response.body());
        return field.group(1);
    }

    private HttpResponse<String> postForm(String path, String form) throws IOException, InterruptedException {
        return http.send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void assertRedirect(HttpResponse<String> response, String path) {
        assertEquals(302, response.statusCode(), response::body);
        assertEquals(uri(path).toString(), response.headers().firstValue("Location").orElse(null));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60));
    }

    private static byte[] pattern(long offset, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) ((offset + i) % 256);
        }
        return bytes;
    }

    private static byte[] multipart(String boundary, String token, String fileName, byte[] content) {
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"_token\"\r\n\r\n" + token + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName + "\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n";
        byte[] start = head.getBytes(StandardCharsets.UTF_8);
        byte[] end = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[start.length + content.length + end.length];
        System.arraycopy(start, 0, body, 0, start.length);
        System.arraycopy(content, 0, body, start.length, content.length);
        System.arraycopy(end, 0, body, start.length + content.length, end.length);
        return body;
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
