package io.ephpm.jetty.launcher;

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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -jar ephpm-server.jar} as a child process: a real server JVM that a test can hurt, then
 * check is still alive. Crash cases run here, never in the test's own JVM.
 */
final class LaunchedServer implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("ePHPm serving (\\S+) in \\S+ mode on (http://\\S+) with \\d+ workers");
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final Path log;
    private final URI base;

    private LaunchedServer(Process process, Path log, URI base) {
        this.process = process;
        this.log = log;
        this.base = base;
    }

    /** Starts the launcher with {@code --port 0} and these options, and waits until it serves. */
    static LaunchedServer start(Path log, List<String> jvmOptions, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        String phpHome = System.getProperty("ephpm.php.home", "");
        if (!phpHome.isBlank()) {
            command.add("-Dephpm.php.home=" + phpHome);
        }
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", System.getProperty("ephpm.server.jar"), "--port", "0"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LaunchedServer server = new LaunchedServer(process, log, null);
        Matcher serving = server.awaitLine(SERVING, Duration.ofSeconds(60));
        return new LaunchedServer(process, log, URI.create(serving.group(2)));
    }

    static LaunchedServer start(Path log, String... args) throws Exception {
        return start(log, List.of(), args);
    }

    URI uri(String path) {
        return base.resolve(path.startsWith("/") ? path.substring(1) : path);
    }

    int port() {
        return base.getPort();
    }

    Process process() {
        return process;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    String log() throws IOException {
        return Files.readString(log, StandardCharsets.ISO_8859_1);
    }

    /** Fails with the server's log unless the JVM still runs and answers {@code path} with 200. */
    void assertAlive(String path) throws Exception {
        if (!process.isAlive()) {
            throw new AssertionError("the server JVM died with exit status " + process.exitValue() + ":\n" + log());
        }
        HttpResponse<String> response = get(path);
        if (response.statusCode() != 200) {
            throw new AssertionError("the server answered " + response.statusCode() + " on " + path + ": " + response.body()
                    + "\n" + log());
        }
    }

    Matcher awaitLine(Pattern pattern, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher matcher = pattern.matcher(log());
            if (matcher.find()) {
                return matcher;
            }
            if (!process.isAlive()) {
                throw new AssertionError("the launcher exited with " + process.exitValue() + ":\n" + log());
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no line matching " + pattern + " within " + timeout + ":\n" + log());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
        }
    }
}
