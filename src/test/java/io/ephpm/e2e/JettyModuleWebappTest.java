package io.ephpm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ephpm module with {@code ee10-deploy} and no {@code ephpm.app}: a webapp in webapps/ that
 * declares OctaneServlet in its web.xml but ships no jars runs on the module's classes, and the
 * PHP build copied by {@code install-jetty-module --with-php} is the one that runs.
 */
class JettyModuleWebappTest {
    private static final String WEB_XML = """
            <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
              <servlet>
                <servlet-name>ephpm</servlet-name>
                <servlet-class>io.ephpm.servlet.OctaneServlet</servlet-class>
                <init-param><param-name>workers</param-name><param-value>1</param-value></init-param>
                <load-on-startup>1</load-on-startup>
                <async-supported>true</async-supported>
              </servlet>
              <servlet-mapping>
                <servlet-name>ephpm</servlet-name>
                <url-pattern>/</url-pattern>
              </servlet-mapping>
            </web-app>
            """;

    @TempDir
    static Path temp;
    static JettyBase jetty;
    static ServerProcess process;

    @BeforeAll
    static void deployAWebappWithoutJars() throws Exception {
        String phpHome = Distributions.phpHome();
        jetty = JettyBase.install(temp.resolve("jetty-base"), phpHome.isEmpty() ? "--with-php" : "--with-php=" + phpHome)
                .addModules("http,ee10-deploy,ephpm");
        Path webapp = Files.createDirectories(jetty.path("webapps/phpapp/WEB-INF"));
        Files.writeString(webapp.resolve("web.xml"), WEB_XML);
        Files.writeString(webapp.resolveSibling("index.php"), "<?php echo 'webapp says ', strtoupper($_GET['word'] ?? 'nothing');");
        Files.writeString(webapp.resolveSibling("readme.txt"), "a static file of the webapp\n");
        process = jetty.start(); // no -Dephpm.php.home: the copied build must be found through start.d
        process.awaitStatus(jetty.uri("/phpapp/"), 200, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopJetty() throws Exception {
        JettyBase.stopCleanly(jetty);
    }

    @Test
    void theWebappRunsPhpWithTheModulesServlet() throws Exception {
        assertTrue(Files.notExists(jetty.path("webapps/phpapp/WEB-INF/lib")));
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> php = http.send(HttpRequest.newBuilder(jetty.uri("/phpapp/?word=hello")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, php.statusCode());
        assertEquals("webapp says HELLO", php.body());
        HttpResponse<String> file = http.send(HttpRequest.newBuilder(jetty.uri("/phpapp/readme.txt")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("a static file of the webapp\n", file.body());
    }

    @Test
    void thePhpBuildInstalledIntoTheBaseIsTheOneRunning() throws Exception {
        assertTrue(Files.isRegularFile(jetty.path("lib/ephpm/php/lib/libphp.so")));
        assertTrue(Files.readString(jetty.path("start.d/ephpm-php.ini")).contains("-Dephpm.php.home="));
        String log = process.log();
        assertTrue(log.contains("PHP runtime started") && log.contains("from " + jetty.path("lib/ephpm/php")),
                "the runtime should load the copied build:\n" + log);
    }
}
