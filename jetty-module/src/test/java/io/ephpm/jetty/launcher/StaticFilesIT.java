package io.ephpm.jetty.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's static files at a context path, with its own versioned-assets flags: answered at
 * Jetty's core, and the same through the servlet path for the few requests the core leaves to it.
 */
class StaticFilesIT {
    private static final byte[] FONT = "a font's bytes".repeat(50).getBytes(StandardCharsets.UTF_8);
    private static final byte[] FONT_GZ = "its gzip sibling".getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path temp;
    static LaunchedServer server;

    @BeforeAll
    static void launch() throws Exception {
        Path app = Files.createDirectories(temp.resolve("app"));
        Path fonts = Files.createDirectories(app.resolve("public/fonts"));
        Files.writeString(app.resolve("public/index.php"), "<?php echo 'php:', $_SERVER['REQUEST_URI'];");
        Files.write(fonts.resolve("inter 1.woff2"), FONT);
        Files.write(fonts.resolve("inter 1.woff2.gz"), FONT_GZ);
        Files.write(fonts.resolve("inter.woff2"), FONT);
        Files.write(fonts.resolve("inter.woff2.gz"), FONT_GZ);
        Files.writeString(fonts.resolve("index.php.txt"), "not php");
        server = LaunchedServer.start(temp.resolve("launcher.log"), "--app", app.toString(), "--workers", "1",
                "--context-path", "/shop", "--versioned-assets", "/fonts/*.woff2",
                "--versioned-assets-cache-control", "public, max-age=600");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theVersionedAssetsFlagsSetCacheControl() throws Exception {
        HttpResponse<byte[]> font = get("/fonts/inter.woff2", "Accept-Encoding", "gzip");
        assertEquals(200, font.statusCode());
        assertEquals("public, max-age=600", header(font, "Cache-Control"));
        assertEquals("gzip", header(font, "Content-Encoding"));
        assertArrayEquals(FONT_GZ, font.body());
        assertEquals("", header(get("/fonts/index.php.txt"), "Cache-Control"));
    }

    @Test
    void anEscapedPathTakesTheServletPathWithTheSameAnswers() throws Exception {
        HttpResponse<byte[]> font = get("/fonts/inter%201.woff2", "Accept-Encoding", "gzip");
        assertEquals(200, font.statusCode());
        assertEquals("public, max-age=600", header(font, "Cache-Control"));
        assertEquals("gzip", header(font, "Content-Encoding"));
        assertTrue(header(font, "Vary").contains("Accept-Encoding"), header(font, "Vary"));
        assertArrayEquals(FONT_GZ, font.body());

        HttpResponse<byte[]> part = get("/fonts/inter%201.woff2", "Range", "bytes=0-3");
        assertEquals(206, part.statusCode());
        assertArrayEquals("a fo".getBytes(StandardCharsets.UTF_8), part.body());
    }

    @Test
    void phpAndTheFrontControllerAreUntouched() throws Exception {
        HttpResponse<byte[]> script = get("/index.php");
        assertEquals("php:/shop/index.php", new String(script.body(), StandardCharsets.UTF_8));
        HttpResponse<byte[]> route = get("/fonts/missing.woff2");
        assertEquals("php:/shop/fonts/missing.woff2", new String(route.body(), StandardCharsets.UTF_8),
                "a missing file goes to the front controller, whatever its extension");
        HttpResponse<byte[]> post = send(HttpRequest.newBuilder(server.uri("/fonts/inter.woff2"))
                .POST(HttpRequest.BodyPublishers.ofString("x")));
        assertEquals(405, post.statusCode(), "a POST to a static file still goes to the default servlet, which refuses it");
    }

    private static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request);
    }

    private static HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return LaunchedServer.HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String header(HttpResponse<?> response, String name) {
        return String.join(",", response.headers().allValues(name));
    }
}
