package io.ephpm.e2e;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample Laravel app served by a stock Jetty 12 distribution through
 * {@code --add-modules=http,ephpm} with {@code ephpm.app} pointing at its directory: no WAR.
 */
class JettyModuleSampleTest {
    @TempDir
    static Path temp;
    static JettyBase jetty;

    @BeforeAll
    static void installTheModuleAndServeTheSample() throws Exception {
        Path app = SampleApp.copy(temp.resolve("app"));
        jetty = JettyBase.install(temp.resolve("jetty-base")).addModules("http,ephpm");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("ephpm.app", app.toString());
        settings.put("ephpm.mode", "auto");
        settings.put("ephpm.workers", "2");
        settings.put("ephpm.php", "upload_max_filesize=50M,post_max_size=50M");
        jetty.configure(settings);
        jetty.startServing("/");
    }

    @AfterAll
    static void stopJetty() throws Exception {
        JettyBase.stopCleanly(jetty);
    }

    @Test
    void everyRouteOfTheSampleWorks() throws Exception {
        new SampleClient(jetty.uri("/")).assertEveryRoute(SampleClient.expectedMode());
    }
}
