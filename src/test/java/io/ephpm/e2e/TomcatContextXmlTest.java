package io.ephpm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Tomcat context XML under conf/Catalina/localhost/ serving an app directory outside webapps/
 * (the unpacked sample), configured by {@code <Parameter>}s.
 */
class TomcatContextXmlTest {
    private static final String GREETING = "Hello from a Tomcat context XML";

    @TempDir
    static Path temp;
    static Path appDir;
    static TomcatServer tomcat;
    static SampleClient sample;
    static StaticFileChecks staticFiles;

    @BeforeAll
    static void startTomcatWithAContextXml() throws Exception {
        appDir = temp.resolve("srv/ephpm-sample");
        Archives.unzip(Distributions.sampleWar(), appDir);
        StaticFileChecks.writeAssets(appDir);
        tomcat = TomcatServer.inNewBase(temp.resolve("catalina-base"));
        Files.writeString(tomcat.contextXml("notes"), """
                <Context docBase="%s">
                  <Parameter name="ephpm.workers" value="3"/>
                  <Parameter name="ephpm.status-path" value="/_ephpm/status"/>
                  <Parameter name="ephpm.env.SAMPLE_GREETING" value="%s"/>
                </Context>
                """.formatted(appDir, GREETING));
        tomcat.start().awaitStatus(tomcat.uri("/notes/api/hello"), 200, Duration.ofSeconds(90));
        sample = new SampleClient(tomcat.uri("/notes"));
        staticFiles = new StaticFileChecks(path -> tomcat.uri("/notes" + path));
    }

    @AfterAll
    static void stopTomcat() throws Exception {
        try {
            tomcat.stopCleanly();
        } finally {
            tomcat.close();
        }
    }

    @Test
    void parametersReachTheServletAndPhp() throws Exception {
        JsonNode hello = sample.getJson("/api/hello");
        assertEquals(GREETING, hello.path("message").asText());
        assertEquals(SampleClient.expectedMode(), hello.path("mode").asText());

        JsonNode status = sample.getJson("/_ephpm/status");
        assertEquals(3, status.path("workers").path("total").asInt(), status::toString);
        assertEquals(SampleClient.expectedMode(), status.path("mode").asText().toLowerCase());
    }

    @Test
    void staticFilesGoThroughTomcatsDefaultServletWithItsPrecompressedSupport() throws Exception {
        staticFiles.precompressedSiblingIsChosenByAcceptEncodingWithVary();
        staticFiles.versionedAssetsAloneGetALongCacheControl();
        staticFiles.conditionalRequestsGetA304WithTheSameCacheControl();
        staticFiles.rangeOfAFileWithAPrecompressedSiblingIsARangeOfTheFileItself();
        staticFiles.headAnswersTheHeadersOfAGetWithoutTheBody();
        staticFiles.largeFileGoesOutWithTomcatsSendfile(tomcat, "/notes", appDir);
        staticFiles.routingRulesStand();
    }

    @Test
    void theAppLivesInItsOwnDirectoryOutsideWebapps() throws Exception {
        sample.assertHelloPageAndJson(SampleClient.expectedMode());
        sample.assertNotesFormValidatesAndFlashes();
        sample.assertUploadIsStored();

        assertTrue(Files.isRegularFile(appDir.resolve("WEB-INF/app/storage/app/sample.sqlite")), "the notes are in the app directory's SQLite file");
        try (var uploads = Files.list(appDir.resolve("WEB-INF/app/storage/app/uploads"))) {
            assertTrue(uploads.anyMatch(file -> file.getFileName().toString().endsWith("photo_of_a_cat.bin")), "the upload is stored in the app directory");
        }
        assertFalse(Files.exists(tomcat.webapps().resolve("notes")), "nothing was deployed into webapps/");
    }
}
