package io.ephpm.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the Maven build unpacked and built for these tests, passed in as system properties. */
final class Distributions {
    private Distributions() {
    }

    static Path tomcatHome() {
        return directory("ephpm.e2e.tomcat.home");
    }

    static Path jettyHome() {
        return directory("ephpm.e2e.jetty.home");
    }

    static Path sampleWar() {
        Path war = Path.of(required("ephpm.e2e.sample.war"));
        if (!Files.isRegularFile(war)) {
            throw new IllegalStateException("the sample WAR is missing: " + war + " (build webapp-sample first)");
        }
        return war;
    }

    /** The embedded launcher, ephpm-server.jar, which also installs the Jetty module. */
    static Path serverJar() {
        Path jar = Path.of(required("ephpm.e2e.server.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the launcher jar is missing: " + jar + " (build jetty-module first)");
        }
        return jar;
    }

    /** The PHP build the Maven build was given (-Dephpm.php.home), or "". */
    static String phpHome() {
        return System.getProperty("ephpm.php.home", "").strip();
    }

    /** -Dephpm.php.home for the server JVMs, when the build was given one. */
    static String phpHomeOption() {
        return phpHome().isEmpty() ? "" : "-Dephpm.php.home=" + phpHome();
    }

    /** The command that runs the launcher (with the build's PHP) serving the app on the port, with these options. */
    static List<String> launcherCommand(Path app, int port, String... options) {
        List<String> command = new ArrayList<>(List.of(ServerProcess.java()));
        if (!phpHomeOption().isEmpty()) {
            command.add(phpHomeOption());
        }
        command.addAll(List.of("-jar", serverJar().toString(), "--app", app.toString(), "--port", Integer.toString(port)));
        command.addAll(List.of(options));
        return command;
    }

    private static Path directory(String property) {
        Path dir = Path.of(required(property));
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException(property + " names no directory: " + dir);
        }
        return dir;
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set; run these tests through Maven");
        }
        return value;
    }
}
