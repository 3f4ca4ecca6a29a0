package io.ephpm.e2e;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A stock Jetty 12 distribution (jetty-home) run with {@code java -jar start.jar} over a fresh JETTY_BASE. */
final class JettyServer implements AutoCloseable {
    private final Path home = Distributions.jettyHome();
    private final Path base;
    private final int port;
    private ServerProcess process;

    private JettyServer(Path base, int port) {
        this.base = base;
        this.port = port;
    }

    /** A new JETTY_BASE with the given modules added, as {@code start.jar --add-modules=...} does it. */
    static JettyServer inNewBase(Path base, String modules) throws IOException, InterruptedException {
        Files.createDirectories(base.resolve("work"));
        run(base, "add-modules", ServerProcess.java(), "-jar", Distributions.jettyHome().resolve("start.jar").toString(),
                "--add-modules=" + modules);
        return new JettyServer(base, ServerProcess.freePort());
    }

    /** The documented install step of the ephpm Jetty module: ephpm.mod and its jars into the base. */
    static void installEphpmModule(Path base) throws IOException, InterruptedException {
        Files.createDirectories(base);
        run(base, "install-jetty-module", ServerProcess.java(), "-jar", Distributions.serverJar().toString(),
                "install-jetty-module", base.toString());
    }

    private static void run(Path base, String step, String... command) throws IOException, InterruptedException {
        Path log = base.resolve(step + ".log");
        Process process = new ProcessBuilder(command).directory(base.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(step + " failed:\n" + Files.readString(log));
        }
    }

    Path webapps() {
        return base.resolve("webapps");
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    ServerProcess start() throws IOException {
        List<String> command = new ArrayList<>(List.of(ServerProcess.java(), "-Xmx512m"));
        if (!Distributions.phpHomeOption().isEmpty()) {
            command.add(Distributions.phpHomeOption());
        }
        command.addAll(List.of("-jar", home.resolve("start.jar").toString(), "jetty.http.host=127.0.0.1", "jetty.http.port=" + port));
        process = ServerProcess.start("Jetty", command, base, Map.of("JETTY_HOME", home.toString(), "JETTY_BASE", base.toString()),
                base.resolve("console.log"));
        return process;
    }

    /** Stops Jetty with SIGTERM (its shutdown hook) and checks that it stopped its webapps by itself. */
    void stopCleanly() throws InterruptedException {
        process.stop(Duration.ofSeconds(60));
        String log = process.log();
        if (!log.contains("Stopped oejs.Server")) {
            throw new AssertionError("Jetty did not stop its server:\n" + log);
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }
}
