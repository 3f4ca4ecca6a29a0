package io.ephpm.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PHP app served by a stock Jetty 12 distribution through {@code --add-modules=http,ephpm} and
 * {@code ephpm.app} in start.d/ephpm.ini: no WAR, Jetty run as a separate process.
 */
class JettyDistributionModuleTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String CLUSTER_NAME = "jetty-e2e-" + ProcessHandle.current().pid();

    @TempDir
    static Path temp;
    static JettyBase jetty;
    static StaticFileChecks staticFiles;

    @BeforeAll
    static void installTheModuleAndStartJetty() throws Exception {
        Path app = TinyPhpApp.writeTo(temp.resolve("app"));
        StaticFileChecks.writeAssets(app.resolve("public"));
        jetty = JettyBase.install(temp.resolve("jetty-base")).addModules("http,ephpm,ephpm-cluster");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("ephpm.app", app.toString());
        settings.put("ephpm.contextPath", "/php");
        settings.put("ephpm.workers", "2");
        settings.put("ephpm.php", "memory_limit=96M");
        settings.put("ephpm.env", "GREETING=hello-from-start.d");
        // a cluster of this one member: the module's jar, its engine found and started inside Jetty
        settings.put("ephpm.cluster", "hazelcast");
        settings.put("ephpm.clusterName", CLUSTER_NAME);
        settings.put("ephpm.clusterAddress", "127.0.0.1");
        settings.put("ephpm.clusterPort", Integer.toString(ServerProcess.freePort()));
        jetty.configure(settings);
        jetty.startServing("/php/");
        staticFiles = new StaticFileChecks(path -> jetty.uri("/php" + path));
    }

    @AfterAll
    static void stopJetty() throws Exception {
        JettyBase.stopCleanly(jetty);
    }

    @Test
    void theModuleAndItsIniTemplateAreInTheBase() throws Exception {
        assertTrue(Files.isRegularFile(jetty.path("modules/ephpm.mod")));
        assertTrue(Files.isRegularFile(jetty.path("etc/ephpm.xml")));
        try (var jars = Files.list(jetty.path("lib/ephpm"))) {
            assertTrue(jars.map(jar -> jar.getFileName().toString()).filter(name -> name.startsWith("ephpm-servlet-")).count() == 1);
        }
        assertTrue(Files.readString(jetty.path("start.d/ephpm.ini")).contains("# ephpm.mode=classic"),
                "start.d/ephpm.ini comes from the module's ini-template");
    }

    @Test
    void theClusterModuleReplicatesTheAppsTablesThroughItsOwnMember() throws Exception {
        assertTrue(Files.isRegularFile(jetty.path("lib/ephpm-cluster/ephpm-cluster.jar")));
        try (var jars = Files.list(jetty.path("lib/ephpm"))) {
            assertTrue(jars.noneMatch(jar -> jar.getFileName().toString().startsWith("hazelcast")), "Hazelcast is the cluster module's alone");
        }
        int before = Integer.parseInt(get("/php/count").body().replaceAll("(?s).*count=(\\d+).*", "$1"));
        assertEquals("count=" + (before + 1) + "\n", get("/php/count").body());
        assertTrue(jetty.process().log().contains("of cluster '" + CLUSTER_NAME + "' started"), jetty.process().log());
    }

    @Test
    void runsPhpAtTheContextPathWithTheStartDSettings() throws Exception {
        HttpResponse<String> response = get("/php/some/route?x=1");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("X-Powered-By").orElse("").startsWith("PHP/"));
        String body = response.body();
        assertTrue(body.contains("route=/some/route\n"), body);
        assertTrue(body.contains("script=/php/index.php\n"), body);
        assertTrue(body.contains("greeting=hello-from-start.d\n"), body);
        assertTrue(body.contains("memory_limit=96M\n"), body);
    }

    @Test
    void servesStaticFilesWithRanges() throws Exception {
        byte[] content = TinyPhpApp.staticFileContent();
        HttpResponse<byte[]> whole = HTTP.send(HttpRequest.newBuilder(jetty.uri("/php/data.bin")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, whole.statusCode());
        assertArrayEquals(content, whole.body());
        assertTrue(whole.headers().firstValue("ETag").isPresent(), "the container's default servlet sends an ETag");

        HttpResponse<byte[]> part = HTTP.send(HttpRequest.newBuilder(jetty.uri("/php/data.bin"))
                .header("Range", "bytes=1000-1999").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, part.statusCode());
        assertEquals("bytes 1000-1999/" + content.length, part.headers().firstValue("Content-Range").orElse(""));
        assertArrayEquals(Arrays.copyOfRange(content, 1000, 2000), part.body());
    }

    @Test
    void answersStaticFilesAtJettysCoreTheWayNginxDoes() throws Exception {
        staticFiles.precompressedSiblingIsChosenByAcceptEncodingWithVary();
        staticFiles.versionedAssetsAloneGetALongCacheControl();
        staticFiles.conditionalRequestsGetA304WithTheSameCacheControl();
        staticFiles.rangeOfAFileWithAPrecompressedSiblingIsARangeOfTheFileItself();
        staticFiles.rangeIgnoresAcceptEncoding();
        staticFiles.headAnswersTheHeadersOfAGetWithoutTheBody();
        staticFiles.largeFileArrivesWhole();
        staticFiles.routingRulesStand();
    }

    @Test
    void receivesAnUpload() throws Exception {
        byte[] file = new byte[300 * 1024];
        new Random(7).nextBytes(file);
        String boundary = "ephpm-e2e-boundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nfrom the e2e test\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"random.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(jetty.uri("/php/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode(), response.body());
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(file));
        assertEquals("name=random.bin\nsize=" + file.length + "\nmd5=" + md5 + "\nuploaded=yes\nnote=from the e2e test\n",
                response.body());
    }

    @Test
    void streamsServerSentEventsAsTheyAreFlushed() throws Exception {
        HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(jetty.uri("/php/events")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        long[] arrivals = new long[TinyPhpApp.EVENTS];
        StringBuilder received = new StringBuilder();
        try (InputStream in = response.body()) {
            byte[] buffer = new byte[1024];
            int seen = 0;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                while (seen < arrivals.length && received.indexOf("data: tick " + (seen + 1) + "\n\n") >= 0) {
                    arrivals[seen++] = System.nanoTime();
                }
            }
        }
        assertEquals("data: tick 1\n\ndata: tick 2\n\ndata: tick 3\n\n", received.toString());
        long firstToLast = Duration.ofNanos(arrivals[arrivals.length - 1] - arrivals[0]).toMillis();
        assertTrue(firstToLast >= (TinyPhpApp.EVENTS - 1) * TinyPhpApp.EVENT_INTERVAL_MILLIS * 3 / 4,
                "the events arrived one by one, not in one piece (first to last: " + firstToLast + " ms)");
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(jetty.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
