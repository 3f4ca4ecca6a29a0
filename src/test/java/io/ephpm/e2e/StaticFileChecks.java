package io.ephpm.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;

/**
 * Static files as nginx users expect them, checked the same way on every container: assets with
 * precompressed siblings and a versioned asset, written into a document root, then asked for.
 */
final class StaticFileChecks {
    static final String VERSIONED_CACHE_CONTROL = "public, max-age=31536000, immutable";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final byte[] CSS = ".page { color: #123456; }\n".repeat(200).getBytes(StandardCharsets.UTF_8);
    // not real encodings: the test tells the three files apart by their bytes, as a browser never would
    private static final byte[] CSS_GZ = "the gzip sibling".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CSS_BR = "the brotli sibling".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VERSIONED_JS = "console.log('app');\n".getBytes(StandardCharsets.UTF_8);
    private static final int LARGE_FILE_BYTES = 3 * 1024 * 1024;

    private final Function<String, URI> uri;

    /** @param uri a path inside the document root ("/app.css") to its URL */
    StaticFileChecks(Function<String, URI> uri) {
        this.uri = uri;
    }

    static void writeAssets(Path documentRoot) throws IOException {
        Files.write(documentRoot.resolve("app.css"), CSS);
        Files.write(documentRoot.resolve("app.css.gz"), CSS_GZ);
        Files.write(documentRoot.resolve("app.css.br"), CSS_BR);
        Path assets = Files.createDirectories(documentRoot.resolve("build/assets"));
        Files.write(assets.resolve("app-3f2a1b.js"), VERSIONED_JS);
        Files.write(documentRoot.resolve("large.bin"), largeFile());
        Files.writeString(documentRoot.resolve(".env"), "APP_KEY=secret\n");
    }

    private static byte[] largeFile() {
        byte[] bytes = new byte[LARGE_FILE_BYTES];
        new Random(11).nextBytes(bytes);
        return bytes;
    }

    void precompressedSiblingIsChosenByAcceptEncodingWithVary() throws Exception {
        HttpResponse<byte[]> brotli = get("/app.css", "Accept-Encoding", "gzip, deflate, br");
        assertEquals(200, brotli.statusCode());
        assertEquals("br", header(brotli, "Content-Encoding"));
        assertArrayEquals(CSS_BR, brotli.body());
        assertVaryAcceptEncoding(brotli);

        HttpResponse<byte[]> gzip = get("/app.css", "Accept-Encoding", "gzip");
        assertEquals("gzip", header(gzip, "Content-Encoding"));
        assertArrayEquals(CSS_GZ, gzip.body());
        assertVaryAcceptEncoding(gzip);

        HttpResponse<byte[]> identity = get("/app.css");
        assertEquals("", header(identity, "Content-Encoding"));
        assertArrayEquals(CSS, identity.body());
        assertVaryAcceptEncoding(identity);
        assertTrue(header(identity, "Content-Type").startsWith("text/css"), header(identity, "Content-Type"));

        HttpResponse<byte[]> noSibling = get("/build/assets/app-3f2a1b.js", "Accept-Encoding", "gzip, br");
        assertEquals("", header(noSibling, "Content-Encoding"));
        assertArrayEquals(VERSIONED_JS, noSibling.body());
    }

    void versionedAssetsAloneGetALongCacheControl() throws Exception {
        assertEquals(VERSIONED_CACHE_CONTROL, header(get("/build/assets/app-3f2a1b.js"), "Cache-Control"));
        assertEquals("", header(get("/app.css"), "Cache-Control"), "a file outside the versioned globs is revalidated");
    }

    void conditionalRequestsGetA304WithTheSameCacheControl() throws Exception {
        HttpResponse<byte[]> first = get("/build/assets/app-3f2a1b.js");
        String etag = header(first, "ETag");
        assertFalse(etag.isEmpty(), "an ETag is sent");
        HttpResponse<byte[]> byEtag = get("/build/assets/app-3f2a1b.js", "If-None-Match", etag);
        assertEquals(304, byEtag.statusCode());
        assertEquals(0, byEtag.body().length);
        assertEquals(VERSIONED_CACHE_CONTROL, header(byEtag, "Cache-Control"), "a 304 carries the Cache-Control of the 200");

        HttpResponse<byte[]> byDate = get("/app.css", "If-Modified-Since", header(get("/app.css"), "Last-Modified"));
        assertEquals(304, byDate.statusCode());
    }

    void rangeOfAFileWithAPrecompressedSiblingIsARangeOfTheFileItself() throws Exception {
        HttpResponse<byte[]> part = get("/app.css", "Range", "bytes=100-199");
        assertEquals(206, part.statusCode());
        assertEquals("bytes 100-199/" + CSS.length, header(part, "Content-Range"));
        assertArrayEquals(Arrays.copyOfRange(CSS, 100, 200), part.body());
        assertEquals("", header(part, "Content-Encoding"));
    }

    /** Jetty: a Range request is answered from the file itself even when the client accepts a compressed sibling. */
    void rangeIgnoresAcceptEncoding() throws Exception {
        HttpResponse<byte[]> part = get("/app.css", "Range", "bytes=100-199", "Accept-Encoding", "gzip, br");
        assertEquals(206, part.statusCode());
        assertEquals("bytes 100-199/" + CSS.length, header(part, "Content-Range"));
        assertArrayEquals(Arrays.copyOfRange(CSS, 100, 200), part.body());
        assertEquals("", header(part, "Content-Encoding"));
    }

    void headAnswersTheHeadersOfAGetWithoutTheBody() throws Exception {
        HttpResponse<byte[]> head = HTTP.send(HttpRequest.newBuilder(uri.apply("/app.css")).header("Accept-Encoding", "gzip")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, head.statusCode());
        assertEquals("gzip", header(head, "Content-Encoding"));
        assertEquals(Integer.toString(CSS_GZ.length), header(head, "Content-Length"));
        assertEquals(0, head.body().length);
    }

    void largeFileArrivesWhole() throws Exception {
        HttpResponse<byte[]> large = get("/large.bin");
        assertEquals(200, large.statusCode());
        assertArrayEquals(largeFile(), large.body());
    }

    /** Tomcat: its DefaultServlet got the request as Tomcat made it, the only one it sends with sendfile. */
    void largeFileGoesOutWithTomcatsSendfile(TomcatServer tomcat, String contextPath, Path documentRoot) throws Exception {
        largeFileArrivesWhole();
        assertEquals(documentRoot.resolve("large.bin").toRealPath().toString(),
                tomcat.fileSentWithSendfile(contextPath + "/large.bin"), "the file Tomcat sent with sendfile");
    }

    void routingRulesStand() throws Exception {
        assertEquals(404, get("/.env").statusCode(), "dotfiles are never served");
        assertEquals(404, get("/WEB-INF/web.xml").statusCode(), "WEB-INF is never served");
        assertEquals(404, get("/build/../.env").statusCode(), "nor through a dot-dot path");
    }

    private HttpResponse<byte[]> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri.apply(path)).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse("");
    }

    private static void assertVaryAcceptEncoding(HttpResponse<?> response) {
        String vary = String.join(",", response.headers().allValues("Vary"));
        assertTrue(vary.toLowerCase().contains("accept-encoding"), "Vary: Accept-Encoding (was '" + vary + "')");
    }
}
