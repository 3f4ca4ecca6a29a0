package io.ephpm.servlet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.ServletException;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.catalina.Globals;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Static files on Tomcat reach its DefaultServlet with the request as Tomcat made it: a large file
 * goes out with sendfile, and the DefaultServlet's Range, validators and precompressed files work
 * as they do for Tomcat alone, while PHP routing stays what it was.
 */
class TomcatStaticFilesServletTest {
    private static final byte[] CSS = ".page { color: #123456; }\n".repeat(200).getBytes(StandardCharsets.UTF_8);
    private static final byte[] CSS_GZ = "the gzip sibling".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CSS_BR = "the brotli sibling".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VERSIONED_JS = "console.log('app');\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] LARGE = new byte[1024 * 1024];

    @TempDir
    static Path temp;
    private static TestApp app;
    private static Server.TomcatServer tomcat;
    private static final SendfileRecorder SENDFILE = new SendfileRecorder();

    @BeforeAll
    static void start() throws Exception {
        app = TestApp.copy(temp.resolve("app"));
        new Random(7).nextBytes(LARGE);
        Files.write(app.documentRoot.resolve("large.bin"), LARGE);
        Files.write(app.documentRoot.resolve("app.css"), CSS);
        Files.write(app.documentRoot.resolve("app.css.gz"), CSS_GZ);
        Files.write(app.documentRoot.resolve("app.css.br"), CSS_BR);
        Files.write(Files.createDirectories(app.documentRoot.resolve("build/assets")).resolve("app-3f2a1b.js"), VERSIONED_JS);
        Files.writeString(app.documentRoot.resolve(".env"), "APP_KEY=secret\n");
        tomcat = (Server.TomcatServer) Server.start(Server.Kind.TOMCAT, "/app", app.documentRoot, Map.of(
                "mode", "classic",
                "app-root", app.root.toString(),
                "workers", "2"));
        tomcat.addValve(SENDFILE);
    }

    @AfterAll
    static void stop() throws Exception {
        tomcat.close();
    }

    @Test
    void aLargeFileGoesOutWithSendfile() throws Exception {
        HttpResponse<byte[]> whole = get("/large.bin");
        assertEquals(200, whole.statusCode());
        assertArrayEquals(LARGE, whole.body());
        assertEquals(app.documentRoot.resolve("large.bin").toRealPath().toString(), SENDFILE.fileSentFor("/app/large.bin"),
                "Tomcat's DefaultServlet chose sendfile, which it does only for a request that reached it unwrapped");

        HttpResponse<byte[]> part = get("/large.bin", "Range", "bytes=100000-299999");
        assertEquals(206, part.statusCode());
        assertArrayEquals(Arrays.copyOfRange(LARGE, 100_000, 300_000), part.body());
    }

    @Test
    void aRangeOfAFileWithAPrecompressedSiblingIsARangeOfTheFileItself() throws Exception {
        HttpResponse<byte[]> part = get("/app.css", "Range", "bytes=100-199");
        assertEquals(206, part.statusCode());
        assertEquals("bytes 100-199/" + CSS.length, header(part, "Content-Range"));
        assertArrayEquals(Arrays.copyOfRange(CSS, 100, 200), part.body());
        assertEquals("", header(part, "Content-Encoding"));
    }

    @Test
    void precompressedSiblingsAreChosenByAcceptEncodingWithVary() throws Exception {
        HttpResponse<byte[]> brotli = get("/app.css", "Accept-Encoding", "gzip, deflate, br");
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

        HttpResponse<byte[]> head = Http.CLIENT.send(Http.request(tomcat.url("/app.css")).header("Accept-Encoding", "gzip")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, head.statusCode());
        assertEquals("gzip", header(head, "Content-Encoding"));
        assertEquals(Integer.toString(CSS_GZ.length), header(head, "Content-Length"));
        assertEquals(0, head.body().length);
    }

    @Test
    void conditionalRequestsGetA304AndVersionedAssetsKeepTheirCacheControl() throws Exception {
        HttpResponse<byte[]> first = get("/build/assets/app-3f2a1b.js");
        assertEquals(VersionedAssets.DEFAULT_CACHE_CONTROL, header(first, "Cache-Control"));
        HttpResponse<byte[]> byEtag = get("/build/assets/app-3f2a1b.js", "If-None-Match", header(first, "ETag"));
        assertEquals(304, byEtag.statusCode());
        assertEquals(0, byEtag.body().length);
        assertEquals(VersionedAssets.DEFAULT_CACHE_CONTROL, header(byEtag, "Cache-Control"));

        HttpResponse<byte[]> css = get("/app.css");
        assertEquals("", header(css, "Cache-Control"), "a file outside the versioned globs is revalidated");
        assertEquals(304, get("/app.css", "If-Modified-Since", header(css, "Last-Modified")).statusCode());
    }

    @Test
    void phpRoutingIsUnchanged() throws Exception {
        HttpResponse<String> script = Http.get(tomcat.url("/hello.php"));
        assertEquals("Hello from PHP", script.body(), "a .php file runs, never goes out as text");
        assertNull(SENDFILE.fileSentFor("/app/hello.php"));
        assertEquals("index.php", Http.get(tomcat.url("/no/such/file.css")).headers().firstValue("X-Script").orElse(""),
                "a missing file goes to the front controller");
        assertEquals("sub index /app/sub/index.php", Http.get(tomcat.url("/sub/")).body());
        for (String hidden : List.of("/.env", "/WEB-INF/web.xml", "/build/../.env")) {
            HttpResponse<String> refused = Http.get(tomcat.url(hidden));
            assertEquals(404, refused.statusCode(), hidden);
            assertFalse(refused.body().contains("APP_KEY"), hidden + " leaked the .env file");
        }
    }

    private static HttpResponse<byte[]> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = Http.request(tomcat.url(path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return Http.CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse("");
    }

    private static void assertVaryAcceptEncoding(HttpResponse<?> response) {
        String vary = String.join(",", response.headers().allValues("Vary"));
        assertTrue(vary.toLowerCase().contains("accept-encoding"), "Vary: Accept-Encoding (was '" + vary + "')");
    }

    /** Notes, by request URI, the file Tomcat's DefaultServlet asked the connector to send with sendfile. */
    private static final class SendfileRecorder extends ValveBase {
        private final Map<String, String> files = new ConcurrentHashMap<>();

        SendfileRecorder() {
            super(true);
        }

        @Override
        public void invoke(Request request, Response response) throws IOException, ServletException {
            getNext().invoke(request, response);
            if (request.getAttribute(Globals.SENDFILE_FILENAME_ATTR) instanceof String file) {
                files.put(request.getRequestURI(), file);
            }
        }

        String fileSentFor(String uri) {
            return files.get(uri);
        }
    }
}
