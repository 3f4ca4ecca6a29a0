package io.ephpm.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The sample WAR dropped into webapps/ of a stock Jetty 12 distribution with http and ee10-deploy. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JettyWarDeploymentTest {
    JettyBase jetty;

    /** Prepares the base and adds the modules; the WAR then goes into webapps/. */
    JettyBase createBase(Path base) throws Exception {
        return JettyBase.create(base).addModules("http,ee10-deploy");
    }

    @BeforeAll
    void deployTheWarAndStartJetty(@TempDir Path temp) throws Exception {
        jetty = createBase(temp.resolve("jetty-base"));
        Files.copy(Distributions.sampleWar(), jetty.webapps().resolve("sample.war"));
        jetty.startServing("/sample/api/hello");
    }

    @AfterAll
    void stopJetty() throws Exception {
        JettyBase.stopCleanly(jetty);
    }

    @Test
    void servesEveryRouteOfTheSample() throws Exception {
        SampleClient sample = new SampleClient(jetty.uri("/sample"));
        sample.assertEveryRoute(SampleClient.expectedMode());
        sample.assertMetrics();
    }
}
