package io.ephpm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the benchmark harness end to end with {@code --smoke} (2 seconds per case, one round) so
 * that it cannot rot. Skipped when nginx, php-fpm or wrk cannot be installed (exit status 3).
 */
class HarnessSmokeTest {
    private static final int SMOKE_TIMEOUT_MINUTES = 10;
    private static final List<String> EXPECTED_ROWS = List.of(
            "| hello | nginx + php-fpm |", "| hello | Jetty fcgi-proxy + php-fpm |", "| hello | ePHPm worker |",
            "| hello | ePHPm classic |", "| hello | Jetty static file", "| json | ePHPm worker |",
            "| sqlite | ePHPm worker |", "| cpu | ePHPm worker |", "| laravel-hello | nginx + php-fpm |",
            "| laravel-hello | ePHPm classic |", "| laravel-db | Jetty fcgi-proxy + php-fpm |",
            "## Transport cost", "## Scaling",
            // scaling rows: 1 worker on servers of its own, 2 workers at the end of the plain suite
            "| ePHPm worker | 1 |", "| nginx + php-fpm | 1 |", "| ePHPm classic | 2 |", "| Jetty fcgi-proxy + php-fpm | 2 |",
            "## Memory: RSS (MiB) with N booted Laravel workers",
            "## Memory: RSS growth", "## Targets", "| req/s by round |", "| round by round |",
            "## Shared tables from PHP", "| shared Ephpm\\Table | 1 |", "| shared Ephpm\\Table | 2 |", "| PHP array, per thread | 2 |",
            "## Static files", "| small | nginx, the file itself |", "| 100k | Jetty distribution, core ResourceHandler |",
            "| 304 | ePHPm launcher |",
            "## Cluster (--cluster hazelcast)", "convergence p99 under 50 ms on loopback", "| 32 |");

    @Test
    void smokeRunProducesEveryTable() throws Exception {
        Path home = Path.of(System.getProperty("ephpm.bench.home", "."));
        Path output = Path.of(System.getProperty("ephpm.bench.output", "target/bench-smoke.md"));
        Path log = output.resolveSibling("bench-smoke.log");
        Files.deleteIfExists(output);
        ProcessBuilder pb = new ProcessBuilder("bash", home.resolve("run").toString(), "--smoke", "--output", output.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        String jar = System.getProperty("ephpm.bench.jar", "");
        if (!jar.isEmpty()) {
            pb.environment().put("EPHPM_JAR", jar);
        }
        String phpHome = System.getProperty("ephpm.php.home", "");
        if (!phpHome.isEmpty()) {
            pb.environment().put("EPHPM_PHP_HOME", phpHome);
        }
        Process process = pb.start();
        // about 4 minutes on a quiet host; a shared one (other builds on the 2 cores) took over 5
        if (!process.waitFor(SMOKE_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            throw new AssertionError("bench/run --smoke took over " + SMOKE_TIMEOUT_MINUTES + " minutes; see " + log);
        }
        String logText = Files.readString(log, StandardCharsets.UTF_8);
        if (process.exitValue() == 3) {
            abort("benchmark prerequisites (nginx, php-fpm, wrk, jetty-home) could not be installed: "
                    + logText.lines().filter(l -> l.contains("[bench")).reduce((a, b) -> b).orElse(""));
        }
        assertEquals(0, process.exitValue(), () -> "bench/run --smoke failed; its log:\n" + logText);
        String report = Files.readString(output, StandardCharsets.UTF_8);
        for (String row : EXPECTED_ROWS) {
            assertTrue(report.contains(row), () -> "the report lacks '" + row + "':\n" + report);
        }
        assertFalse(logText.contains("wrk failed"), () -> "a wrk run failed:\n" + logText);
        assertFalse(report.contains("| **off** |"), () -> "OPcache is off on a server:\n" + report);
    }
}
