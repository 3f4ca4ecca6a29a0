package io.ephpm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** The sample WAR dropped into webapps/ of a stock Tomcat 10.1, then undeployed and redeployed on the running server. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TomcatWarDeploymentTest {
    private static final Duration DEPLOY_TIMEOUT = Duration.ofSeconds(90);
    private static final int THREAD_SLACK = 2; // JIT compiler threads come and go on their own
    private static final Duration THREADS_SETTLE = Duration.ofSeconds(15);
    private static final Duration LOADERS_COLLECTED = Duration.ofSeconds(90);
    private static final String WEBAPP_CLASS_LOADER = "org.apache.catalina.loader.ParallelWebappClassLoader";

    @TempDir
    static Path temp;
    static TomcatServer tomcat;
    static URI hello;

    @BeforeAll
    static void deployTheWarAndStartTomcat() throws Exception {
        tomcat = TomcatServer.inNewBase(temp.resolve("catalina-base"));
        Files.copy(Distributions.sampleWar(), tomcat.webapps().resolve("sample.war"));
        hello = tomcat.uri("/sample/api/hello");
        tomcat.start().awaitStatus(hello, 200, DEPLOY_TIMEOUT);
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
    @Order(1)
    void servesEveryRouteOfTheSample() throws Exception {
        SampleClient sample = new SampleClient(tomcat.uri("/sample"));
        sample.assertEveryRoute(SampleClient.expectedMode());
        sample.assertMetrics();
    }

    @Test
    @Order(2)
    void staticFilesGoThroughTomcatsDefaultServletUndispatched() throws Exception {
        Path webappRoot = tomcat.webapps().resolve("sample");
        StaticFileChecks.writeAssets(webappRoot);
        StaticFileChecks staticFiles = new StaticFileChecks(path -> tomcat.uri("/sample" + path));
        staticFiles.precompressedSiblingIsChosenByAcceptEncodingWithVary();
        staticFiles.versionedAssetsAloneGetALongCacheControl();
        staticFiles.conditionalRequestsGetA304WithTheSameCacheControl();
        staticFiles.rangeOfAFileWithAPrecompressedSiblingIsARangeOfTheFileItself();
        staticFiles.headAnswersTheHeadersOfAGetWithoutTheBody();
        staticFiles.largeFileGoesOutWithTomcatsSendfile(tomcat, "/sample", webappRoot);
        staticFiles.routingRulesStand();
        assertEquals("-", tomcat.fileSentWithSendfile("/sample/api/hello"), "PHP's responses are PHP's");
    }

    @Test
    @Order(3)
    void keepsServingAcrossFiveRedeploysAndReturnsToItsThreadBaseline() throws Exception {
        ServerProcess server = tomcat.process();
        new SampleClient(tomcat.uri("/sample")).assertHelloPageAndJson(SampleClient.expectedMode());
        List<String> baseline = server.threadNames();
        long phpThreads = server.threadsNamed("ephpm-sample");
        assertFalse(phpThreads == 0, () -> "PHP worker threads are named after the context: " + baseline);

        for (int cycle = 1; cycle <= 5; cycle++) {
            Files.delete(tomcat.webapps().resolve("sample.war"));
            server.awaitStatus(hello, 404, DEPLOY_TIMEOUT);
            redeployWar();
            server.awaitStatus(hello, 200, DEPLOY_TIMEOUT);
            new SampleClient(tomcat.uri("/sample")).assertHelloPageAndJson(SampleClient.expectedMode());
        }
        new SampleClient(tomcat.uri("/sample")).assertNotesFormValidatesAndFlashes();
        // what Tomcat checks as it stops each webapp: anything left on its own threads would hold
        // the undeployed webapp's classes (its copy of JNA in WEB-INF/lib) for good
        String log = server.log();
        assertFalse(log.contains("but failed to remove it"), () -> "Tomcat found thread-locals a webapp left behind:\n" + log);
        assertFalse(log.contains("but has failed to stop it"), () -> "Tomcat found threads a webapp left running:\n" + log);

        List<String> after = awaitThreadBaseline(server, baseline, THREADS_SETTLE);
        assertEquals(phpThreads, server.threadsNamed("ephpm-sample"), () -> "PHP threads after 5 redeploys: " + after);

        // the undeployed webapps' classloaders are collected: the current one stays, and a JDK pool
        // thread that a webapp started (it keeps its creator's context classloader) may hold one
        // until it idles out
        long loaders = awaitLiveWebappLoaders(server, 2, LOADERS_COLLECTED);
        assertTrue(loaders <= 2, () -> loaders + " webapp classloaders are alive after 5 redeploys: each undeploy kept its own");
    }

    private static void redeployWar() throws IOException {
        Path staged = tomcat.base().resolve("temp/sample.war.staged");
        Files.copy(Distributions.sampleWar(), staged, StandardCopyOption.REPLACE_EXISTING);
        Files.move(staged, tomcat.webapps().resolve("sample.war"), StandardCopyOption.ATOMIC_MOVE);
    }

    private static long awaitLiveWebappLoaders(ServerProcess server, long expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long live = server.liveInstances(WEBAPP_CLASS_LOADER);
        while (live > expected && System.nanoTime() < deadline) {
            Thread.sleep(2_000); // finalizers (JNA's among them) run between two collections
            live = server.liveInstances(WEBAPP_CLASS_LOADER);
        }
        return live;
    }

    private static List<String> awaitThreadBaseline(ServerProcess server, List<String> baseline, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> names = server.threadNames();
        while (names.size() > baseline.size() + THREAD_SLACK && System.nanoTime() < deadline) {
            Thread.sleep(500);
            names = server.threadNames();
        }
        List<String> current = names;
        assertFalse(current.size() > baseline.size() + THREAD_SLACK, () -> "Tomcat has " + current.size()
                + " threads after 5 redeploys, against " + baseline.size() + " before:\nbefore: " + baseline + "\nafter:  " + current);
        return current;
    }
}
