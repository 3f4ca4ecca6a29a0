package io.ephpm.servlet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.servlet.ServletException;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.catalina.Globals;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.catalina.webresources.StandardRoot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Static files on Tomcat reach its DefaultServlet with the request as Tomcat made it, so a large
 * file goes out with sendfile, while PHP routing stays what it was. (Precompressed files, Range
 * and validators on a real Tomcat distribution: the end-to-end tests in src/test.)
 */
class TomcatStaticFilesServletTest {
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
        assertEquals(app.documentRoot.resolve("large.bin").toRealPath().toString(), SENDFILE.takeFileSentFor("/app/large.bin"),
                "Tomcat's DefaultServlet chose sendfile, which it does only for a request that reached it unwrapped");

        HttpResponse<byte[]> part = get("/large.bin", "Range", "bytes=100000-299999");
        assertEquals(206, part.statusCode());
        assertArrayEquals(Arrays.copyOfRange(LARGE, 100_000, 300_000), part.body());
        assertEquals(app.documentRoot.resolve("large.bin").toRealPath().toString(), SENDFILE.takeFileSentFor("/app/large.bin"),
                "a range of it too");

        HttpResponse<byte[]> head = Http.CLIENT.send(Http.request(tomcat.url("/large.bin"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(Integer.toString(LARGE.length), head.headers().firstValue("Content-Length").orElse(""));
        assertEquals(0, head.body().length);
        HttpResponse<byte[]> notModified = get("/large.bin", "If-None-Match", whole.headers().firstValue("ETag").orElseThrow());
        assertEquals(304, notModified.statusCode());
    }

    @Test
    void phpRoutingIsUnchanged() throws Exception {
        HttpResponse<String> script = Http.get(tomcat.url("/hello.php"));
        assertEquals("Hello from PHP", script.body(), "a .php file runs, never goes out as text");
        assertNull(SENDFILE.takeFileSentFor("/app/hello.php"));
        assertEquals("index.php", Http.get(tomcat.url("/no/such/file.css")).headers().firstValue("X-Script").orElse(""),
                "a missing file goes to the front controller");
        assertEquals("sub index /app/sub/index.php", Http.get(tomcat.url("/sub/")).body());
        for (String hidden : List.of("/.env", "/WEB-INF/web.xml", "/build/../.env")) {
            HttpResponse<String> refused = Http.get(tomcat.url(hidden));
            assertEquals(404, refused.statusCode(), hidden);
            assertFalse(refused.body().contains("APP_KEY"), hidden + " leaked the .env file");
        }
    }

    @Test
    void aDocumentRootInsideTheWebappIsServedUnderItsPathThere() throws Exception {
        Map<String, String> params = Map.of("mode", "classic", "app-root", app.root.toString(),
                "document-root", app.documentRoot.toString(), "workers", "1");
        try (Server webappAtTheAppRoot = Server.start(Server.Kind.TOMCAT, "/whole", app.root, params)) {
            HttpResponse<String> css = Http.get(webappAtTheAppRoot.url("/style.css"));
            assertEquals(200, css.statusCode());
            assertEquals("body { color: #333; }\n", css.body());
            assertEquals("Hello from PHP", Http.get(webappAtTheAppRoot.url("/hello.php")).body());
            assertEquals("index.php", Http.get(webappAtTheAppRoot.url("/public/style.css")).headers().firstValue("X-Script")
                    .orElse(""), "the document root's own directory is no path of the site: a missing file");
        }
    }

    @Test
    void aNewFileIsStaticAtOnceAndADeletedOneGoesBackToPhpWithinTomcatsCacheTtl() throws Exception {
        TestApp own = TestApp.copy(temp.resolve("new-file"));
        try (Server server = tomcatWith(own, resources -> resources.setCacheTtl(CACHE_TTL_MS))) {
            assertEquals("index.php", scriptOf(Http.get(server.url("/fresh.css"))), "a missing file goes to the front controller");
            Files.writeString(own.documentRoot.resolve("fresh.css"), "fresh");
            HttpResponse<String> file = Http.get(server.url("/fresh.css"));
            assertEquals("fresh", file.body(), "a missing file is never remembered: the new one is served at once");
            assertNull(scriptOf(file));

            Files.delete(own.documentRoot.resolve("fresh.css"));
            Thread.sleep(2 * CACHE_TTL_MS + 100); // Tomcat's copy and ePHPm's "found" both expire
            assertEquals("index.php", scriptOf(Http.get(server.url("/fresh.css"))), "a deleted file goes back to PHP");
        }
    }

    @Test
    void withoutTomcatsCacheTheFileSystemAnswersEachRequest() throws Exception {
        TestApp own = TestApp.copy(temp.resolve("uncached"));
        try (Server server = tomcatWith(own, resources -> resources.setCachingAllowed(false))) {
            Files.writeString(own.documentRoot.resolve("fresh.css"), "fresh");
            assertEquals("fresh", Http.get(server.url("/fresh.css")).body());
            Files.delete(own.documentRoot.resolve("fresh.css"));
            assertEquals("index.php", scriptOf(Http.get(server.url("/fresh.css"))), "at once");
        }
    }

    private static final long CACHE_TTL_MS = 400;

    private static Server tomcatWith(TestApp app, Consumer<StandardRoot> resources) throws Exception {
        return Server.TomcatServer.start("/own", app.documentRoot, Map.of("mode", "classic", "app-root", app.root.toString(),
                "workers", "1"), context -> {
                    StandardRoot root = new StandardRoot(context);
                    resources.accept(root);
                    context.setResources(root);
                });
    }

    private static String scriptOf(HttpResponse<String> response) {
        return response.headers().firstValue("X-Script").orElse(null);
    }

    private static HttpResponse<byte[]> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = Http.request(tomcat.url(path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return Http.CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
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

        /** The file the last request for this URI had sent with sendfile, or null; forgets it. */
        String takeFileSentFor(String uri) {
            return files.remove(uri);
        }
    }
}
