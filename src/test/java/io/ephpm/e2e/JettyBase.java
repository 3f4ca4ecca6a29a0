package io.ephpm.e2e;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A fresh JETTY_BASE over the stock jetty-home, set up the way a user does it: for the ephpm
 * module first {@code java -jar ephpm-server.jar install-jetty-module BASE}, then
 * {@code java -jar start.jar --add-modules=...}, {@code ephpm.*} lines in start.d/ephpm.ini or a
 * WAR in webapps/, then {@code java -jar start.jar} as a separate process.
 */
final class JettyBase implements AutoCloseable {
    private final Path home = Distributions.jettyHome();
    private final Path base;
    private final int port;
    private ServerProcess process;

    private JettyBase(Path base) throws IOException {
        this.base = Files.createDirectories(base.resolve("work")).getParent();
        this.port = ServerProcess.freePort();
    }

    /** An empty base. */
    static JettyBase create(Path base) throws IOException {
        return new JettyBase(base);
    }

    /** Runs the ephpm module's install step; {@code installOptions} such as {@code --with-php=DIR} go after the base. */
    static JettyBase install(Path base, String... installOptions) throws IOException, InterruptedException {
        JettyBase jetty = new JettyBase(base);
        List<String> command = new ArrayList<>(List.of(ServerProcess.java(), "-jar", Distributions.serverJar().toString(),
                "install-jetty-module", base.toString()));
        command.addAll(List.of(installOptions));
        ServerProcess.run(command, base, base.resolve("install.log"));
        return jetty;
    }

    JettyBase addModules(String modules) throws IOException, InterruptedException {
        ServerProcess.run(List.of(ServerProcess.java(), "-jar", home.resolve("start.jar").toString(), "--add-modules=" + modules),
                base, base.resolve("add-modules.log"));
        return this;
    }

    /** Appends {@code name=value} lines to start.d/ephpm.ini, as a user edits it. */
    JettyBase configure(Map<String, String> properties) throws IOException {
        StringBuilder lines = new StringBuilder("\n");
        properties.forEach((name, value) -> lines.append(name).append('=').append(value).append('\n'));
        Files.writeString(base.resolve("start.d/ephpm.ini"), lines, StandardOpenOption.APPEND);
        return this;
    }

    Path path(String relative) {
        return base.resolve(relative);
    }

    ServerProcess process() {
        return process;
    }

    Path webapps() {
        return base.resolve("webapps");
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Starts Jetty; {@code jvmOptions} go before {@code -jar start.jar}. */
    ServerProcess start(String... jvmOptions) throws IOException {
        List<String> command = new ArrayList<>(List.of(ServerProcess.java(), "-Xmx512m"));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-jar", home.resolve("start.jar").toString(), "jetty.http.host=127.0.0.1", "jetty.http.port=" + port));
        process = ServerProcess.start("Jetty", command, base, Map.of("JETTY_HOME", home.toString(), "JETTY_BASE", base.toString()),
                base.resolve("console.log"));
        return process;
    }

    /** Starts Jetty with the PHP build the Maven build was given, and waits for the path to answer 200. */
    ServerProcess startServing(String path) throws IOException, InterruptedException {
        String phpHome = Distributions.phpHomeOption();
        ServerProcess started = phpHome.isEmpty() ? start() : start(phpHome);
        started.awaitStatus(uri(path), 200, Duration.ofSeconds(90));
        return started;
    }

    /** For an @AfterAll: stops a base that may never have been set up, cleanly, then for sure. */
    static void stopCleanly(JettyBase jetty) throws InterruptedException {
        if (jetty == null) {
            return;
        }
        try {
            jetty.stopCleanly();
        } finally {
            jetty.close();
        }
    }

    /** SIGTERM, then checks that Jetty stopped the server and ePHPm drained its workers. */
    void stopCleanly() throws InterruptedException {
        process.stop(Duration.ofSeconds(60));
        String log = process.log();
        if (!log.contains("Stopped oejs.Server") || !log.contains("ePHPm: stopped the PHP workers")) {
            throw new AssertionError("Jetty did not stop cleanly:\n" + log);
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }
}
