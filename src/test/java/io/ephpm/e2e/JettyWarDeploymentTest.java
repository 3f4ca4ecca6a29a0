package io.ephpm.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The sample WAR dropped into webapps/ of a stock Jetty 12 distribution with http and ee10-deploy. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JettyWarDeploymentTest {
    JettyServer jetty;

    /** Prepares the base and adds the modules; the WAR then goes into webapps/. */
    JettyServer createBase(Path base) throws Exception {
        return JettyServer.inNewBase(base, "http,ee10-deploy");
    }

    @BeforeAll
    void deployTheWarAndStartJetty(@TempDir Path temp) throws Exception {
        jetty = createBase(temp.resolve("jetty-base"));
        Files.copy(Distributions.sampleWar(), jetty.webapps().resolve("sample.war"));
        jetty.start().awaitStatus(jetty.uri("/sample/api/hello"), 200, Duration.ofSeconds(90));
    }

    @AfterAll
    void stopJetty() throws Exception {
        if (jetty == null) {
            return;
        }
        try {
            jetty.stopCleanly();
        } finally {
            jetty.close();
        }
    }

    @Test
    void servesEveryRouteOfTheSample() throws Exception {
        new SampleClient(jetty.uri("/sample")).assertEveryRoute(SampleClient.expectedMode());
    }
}
