package io.ephpm.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A server started as a separate process, its output in a log file; stopped with SIGTERM. */
final class ServerProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final Path log;

    private ServerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static ServerProcess start(String name, List<String> command, Path directory, Map<String, String> environment, Path log)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        return new ServerProcess(name, builder.start(), log);
    }

    /** Runs a command to its end; fails with its output unless it exits with 0 within a minute. */
    static void run(List<String> command, Path directory, Path log) throws IOException, InterruptedException {
        try (ServerProcess process = start(command.get(0), command, directory, Map.of(), log)) {
            if (!process.process.waitFor(60, TimeUnit.SECONDS) || process.process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + process.log());
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static String javaHome() {
        return System.getProperty("java.home");
    }

    static String java() {
        return Path.of(javaHome(), "bin", "java").toString();
    }

    long pid() {
        return process.pid();
    }

    /**
     * How many instances of the class the JVM still holds after a full collection ({@code jcmd
     * GC.class_histogram} collects first).
     */
    long liveInstances(String className) throws IOException, InterruptedException {
        Process histogram = new ProcessBuilder(Path.of(javaHome(), "bin", "jcmd").toString(), Long.toString(pid()),
                "GC.class_histogram").redirectErrorStream(true).start();
        String out = new String(histogram.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (histogram.waitFor() != 0) {
            throw new AssertionError("jcmd GC.class_histogram failed: " + out);
        }
        long count = 0;
        for (String line : out.split("\n")) {
            String[] columns = line.trim().split("\\s+"); // num: #instances #bytes class name
            if (columns.length >= 4 && columns[3].equals(className)) {
                count += Long.parseLong(columns[1]);
            }
        }
        return count;
    }

    /** The OS names (first 15 characters of the Java names) of the process's threads, from /proc. */
    List<String> threadNames() throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid()), "task"))) {
            return tasks.map(task -> {
                try {
                    return Files.readString(task.resolve("comm")).trim();
                } catch (IOException e) {
                    return null; // the thread ended while we looked
                }
            }).filter(java.util.Objects::nonNull).sorted().toList();
        }
    }

    long threadsNamed(String prefix) throws IOException {
        return threadNames().stream().filter(name -> name.startsWith(prefix)).count();
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls the URI until it answers the status; fails with the log when the process ends or time runs out. */
    void awaitStatus(URI uri, int status, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before " + uri + " answered:\n" + log());
            }
            try {
                last = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (last == status) {
                    return;
                }
            } catch (IOException e) {
                last = -1;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(uri + " did not answer " + status + " within " + timeout + " (last: " + last + "); "
                + name + " log:\n" + log());
    }

    /** SIGUSR1 (what octane:reload sends the launcher), then waits until the log says it reloaded. */
    void reload(Duration timeout) throws IOException, InterruptedException {
        long reloadsBefore = log().lines().filter(line -> line.equals("ePHPm reloaded")).count();
        Process kill = new ProcessBuilder("kill", "-USR1", Long.toString(pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -USR1 " + pid() + " failed");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (log().lines().filter(line -> line.equals("ePHPm reloaded")).count() == reloadsBefore) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new AssertionError(name + " did not reload within " + timeout + ":\n" + log());
            }
            Thread.sleep(100);
        }
    }

    /** SIGSTOP: the process stops answering anyone, as a node cut off by the network does. */
    void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #freeze()}. */
    void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -" + name + " " + pid() + " failed");
        }
    }

    /** SIGTERM, then waits; returns the exit code. Fails (after killing it) when it does not stop in time. */
    int stop(Duration timeout) throws InterruptedException {
        if (!process.isAlive()) {
            return process.exitValue();
        }
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
            throw new AssertionError(name + " did not stop within " + timeout + " of SIGTERM:\n" + log());
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
