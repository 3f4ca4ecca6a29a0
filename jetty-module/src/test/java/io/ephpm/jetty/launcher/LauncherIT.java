package io.ephpm.jetty.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar ephpm-server.jar} as a child process, serving a worker-mode app; signalled like artisan does. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LauncherIT {
    private static final Pattern SERVING = Pattern.compile("ePHPm serving (\\S+) in worker mode on (http://\\S+) with 2 workers");
    private static final String WORKER = """
            <?php
            $boot = bin2hex(random_bytes(8));
            while ($request = \\Ephpm\\Worker\\take_request()) {
                header('Content-Type: text/plain');
                echo "boot=$boot\\n";
                echo "route={$request['uri']}\\n";
                echo 'greeting=' . getenv('GREETING') . "\\n";
            }
            """;

    @TempDir
    static Path temp;
    static Path app;
    static Process launcher;
    static Path log;
    static URI base;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startTheLauncher() throws Exception {
        app = Files.createDirectories(temp.resolve("app"));
        Files.createDirectories(app.resolve("public"));
        Files.writeString(app.resolve("worker.php"), WORKER);
        Files.writeString(app.resolve("public/style.css"), "body { color: teal }\n");
        log = temp.resolve("launcher.log");
        launcher = launch(log, "--app", app.toString(), "--port", "0", "--workers", "2", "--mode", "worker",
                "--worker-script", "worker.php", "--env", "GREETING=hi", "--status-path", "/_ephpm/status");
        Matcher serving = awaitLine(SERVING, Duration.ofSeconds(60));
        assertEquals(app.toRealPath().toString(), serving.group(1));
        base = URI.create(serving.group(2));
    }

    @AfterAll
    static void killTheLauncher() {
        if (launcher != null) {
            launcher.destroyForcibly();
        }
    }

    @Test
    @Order(1)
    void servesPhpThroughTheWorkersAndStaticFilesThroughJetty() throws Exception {
        HttpResponse<String> php = get("some/route?q=1");
        assertEquals(200, php.statusCode());
        assertTrue(php.body().contains("route=/some/route?q=1\n"), php.body());
        assertTrue(php.body().contains("greeting=hi\n"), php.body());

        HttpResponse<String> css = get("style.css");
        assertEquals(200, css.statusCode());
        assertEquals("body { color: teal }\n", css.body());
        assertTrue(css.headers().firstValue("ETag").isPresent());

        HttpResponse<String> status = get("_ephpm/status");
        assertTrue(status.body().contains("\"workers\""), status.body());
    }

    @Test
    @Order(2)
    void sigusr1BootsEveryWorkerAfresh() throws Exception {
        Set<String> before = bootIds();
        signal("USR1");
        awaitLine(Pattern.compile("ePHPm reloaded"), Duration.ofSeconds(60));
        Set<String> after = bootIds();
        assertFalse(after.isEmpty());
        for (String boot : after) {
            assertFalse(before.contains(boot), "worker " + boot + " survived the reload; before: " + before);
        }
    }

    @Test
    @Order(3)
    void sigtermStopsGracefullyWithExitCodeZero() throws Exception {
        signal("TERM");
        assertTrue(launcher.waitFor(60, TimeUnit.SECONDS), "the launcher did not stop:\n" + Files.readString(log, StandardCharsets.ISO_8859_1));
        assertEquals(0, launcher.exitValue(), Files.readString(log, StandardCharsets.ISO_8859_1));
        String output = Files.readString(log, StandardCharsets.ISO_8859_1);
        assertTrue(output.contains("ePHPm: stopped the PHP workers"), output);
        assertTrue(output.contains("ePHPm stopped"), output);
    }

    @Test
    void badArgumentsExitWithTwoAndSayWhy() throws Exception {
        Path out = temp.resolve("bad-arguments.log");
        Process bad = launch(out, "--app", temp.resolve("missing").toString(), "--port", "0");
        assertTrue(bad.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, bad.exitValue());
        String output = Files.readString(out, StandardCharsets.ISO_8859_1);
        assertTrue(output.contains("missing is not a directory"), output);
        assertTrue(output.contains("usage: java -jar ephpm-server.jar"), output);
    }

    @Test
    void installsTheJettyModuleIntoABase() throws Exception {
        Path jettyBase = temp.resolve("jetty-base");
        Path out = temp.resolve("install.log");
        Process install = launch(out, "install-jetty-module", jettyBase.toString());
        assertTrue(install.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, install.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1));
        assertTrue(Files.readString(jettyBase.resolve("modules/ephpm.mod")).contains("lib/ephpm/*.jar"));
        assertTrue(Files.readString(jettyBase.resolve("etc/ephpm.xml")).contains("io.ephpm.jetty.EphpmModule"));
        List<String> jars = new ArrayList<>();
        try (var files = Files.list(jettyBase.resolve("lib/ephpm"))) {
            files.forEach(jar -> jars.add(jar.getFileName().toString().replaceAll("-[0-9][^-]*(-SNAPSHOT)?\\.jar$", "")));
        }
        assertTrue(jars.containsAll(List.of("ephpm-jetty-module", "ephpm-servlet", "ephpm-php-native", "ephpm-octane-bridge", "jna",
                "jackson-databind", "jackson-core", "jackson-annotations")), jars.toString());
        assertTrue(jars.stream().noneMatch(jar -> jar.startsWith("jetty-")), "Jetty's own jars come from the distribution: " + jars);
        assertTrue(jars.stream().noneMatch(jar -> jar.startsWith("hazelcast") || jar.startsWith("ephpm-cluster")),
                "the cluster's jars are the ephpm-cluster module's own: " + jars);
        assertTrue(Files.readString(jettyBase.resolve("modules/ephpm-cluster.mod")).contains("lib/ephpm-cluster/*.jar"));
        assertTrue(Files.isRegularFile(jettyBase.resolve("lib/ephpm-cluster/ephpm-cluster.jar")),
                "ephpm-cluster.jar beside the launcher is installed for the ephpm-cluster module");
    }

    private static Set<String> bootIds() throws Exception {
        Set<String> boots = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            String body = get("boot").body();
            boots.add(body.substring("boot=".length(), body.indexOf('\n')));
        }
        return boots;
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(launcher.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor());
    }

    private static Process launch(Path output, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        String phpHome = System.getProperty("ephpm.php.home", "");
        if (!phpHome.isBlank()) {
            command.add("-Dephpm.php.home=" + phpHome);
        }
        command.addAll(List.of("-jar", System.getProperty("ephpm.server.jar")));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    private static Matcher awaitLine(Pattern pattern, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher matcher = pattern.matcher(Files.readString(log, StandardCharsets.ISO_8859_1));
            if (matcher.find()) {
                return matcher;
            }
            if (!launcher.isAlive()) {
                throw new AssertionError("the launcher exited with " + launcher.exitValue() + ":\n" + Files.readString(log, StandardCharsets.ISO_8859_1));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no line matching " + pattern + " within " + timeout + ":\n" + Files.readString(log, StandardCharsets.ISO_8859_1));
    }
}
