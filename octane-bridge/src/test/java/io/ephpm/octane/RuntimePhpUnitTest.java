package io.ephpm.octane;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ephpm.php.BufferedResponse;
import io.ephpm.php.PhpExchange;
import io.ephpm.php.PhpRequest;
import io.ephpm.php.PhpRuntime;
import io.ephpm.php.PhpRuntimeConfig;
import io.ephpm.php.PhpTables;
import io.ephpm.php.PhpThread;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs PHPUnit inside a PHP thread of the ePHPm runtime, where Ephpm\Table and an app's shared
 * tables exist: the bridge's tests/Runtime suite, and, given a laravel/octane checkout
 * (EPHPM_OCTANE_PATH), Octane's own TableTest and OctaneStoreTest against Swoole\Table as ePHPm
 * provides it.
 */
class RuntimePhpUnitTest {
    private static final Path BRIDGE = Path.of("").toAbsolutePath();
    private static final Path RUNNER = BRIDGE.resolve("tests/Runtime/run-phpunit.php");
    /**
     * E_ALL without E_DEPRECATED: Debian 12's PHPUnit 9.6 declares implicitly nullable parameters,
     * which PHP 8.4 reports as each of its files compiles.
     */
    private static final String ERRORS_BUT_DEPRECATIONS = "24575";

    private static PhpTables tables;
    private static final PhpExchange STOP = new PhpExchange(null, null);
    private static final SynchronousQueue<PhpExchange> exchanges = new SynchronousQueue<>();
    private static PhpThread thread;

    @BeforeAll
    static void startThread() {
        PhpRuntime runtime = PhpRuntime.start(PhpRuntimeConfig.builder()
                .ini("memory_limit", "512M")
                .ini("display_errors", "stderr")
                .ini("error_reporting", "-1")
                .build());
        tables = PhpTables.create(runtime);
        Map<String, String> environment = new HashMap<>();
        for (String name : List.of("EPHPM_OCTANE_PATH", "EPHPM_LARAVEL_AUTOLOAD")) {
            if (System.getenv(name) != null) {
                environment.put(name, System.getenv(name)); // PHP sees only the environment it is given
            }
        }
        thread = PhpThread.classic(runtime, () -> {
            PhpExchange next = exchanges.take();
            return next == STOP ? null : next;
        }).name("phpunit").tables(tables).environment(environment).start();
    }

    @AfterAll
    static void stopThread() throws InterruptedException {
        if (thread != null) {
            exchanges.offer(STOP, 5, TimeUnit.SECONDS);
            thread.join(10_000);
        }
        if (tables != null) {
            tables.close();
        }
    }

    @Test
    void theRuntimeSuitePasses() throws Exception {
        String output = phpunit("--configuration", BRIDGE.resolve("tests/Runtime/phpunit.xml").toString());
        assertPasses(output);
        if (octaneCheckout() != null) {
            assertTrue(output.contains("\nOK ("), "with laravel/octane given, no test may be skipped:\n" + output);
        }
    }

    @Test
    void octanesOwnTableAndStoreTestsPass() throws Exception {
        String octane = octaneCheckout();
        assumeTrue(octane != null && Files.isRegularFile(Path.of(octane, "tests/TableTest.php")),
                "needs a laravel/octane checkout with its tests in EPHPM_OCTANE_PATH");
        String bootstrap = BRIDGE.resolve("tests/Runtime/octane-tests-bootstrap.php").toString();
        for (String test : List.of("tests/TableTest.php", "tests/OctaneStoreTest.php")) {
            String output = phpunit("--no-configuration", "--bootstrap", bootstrap, "--do-not-cache-result",
                    "-d", "error_reporting=" + ERRORS_BUT_DEPRECATIONS, Path.of(octane, test).toString());
            assertPasses(output);
            assertTrue(output.contains("\nOK ("), output);
        }
    }

    private static String octaneCheckout() {
        String octane = System.getenv("EPHPM_OCTANE_PATH");
        return octane != null && Files.isRegularFile(Path.of(octane, "src/Worker.php")) ? octane : null;
    }

    private static void assertPasses(String output) {
        System.out.println(output); // surefire keeps it in target/surefire-reports/*-output.txt
        assertTrue(output.contains("\nEXIT=0\n"), output);
        assertTrue(!output.contains("No tests executed"), output);
    }

    /** PHPUnit's output and its exit code (EXIT=n), from the PHP thread. */
    private static String phpunit(String... arguments) throws Exception {
        StringBuilder query = new StringBuilder();
        for (String argument : arguments) {
            query.append(query.length() == 0 ? "" : "&").append("arg%5B%5D=")
                    .append(java.net.URLEncoder.encode(argument, StandardCharsets.UTF_8));
        }
        PhpRequest request = PhpRequest.builder()
                .variable("REQUEST_METHOD", "GET")
                .variable("REQUEST_URI", "/run-phpunit.php?" + query)
                .variable("QUERY_STRING", query.toString())
                .variable("SCRIPT_FILENAME", RUNNER.toString())
                .variable("SCRIPT_NAME", "/run-phpunit.php")
                .variable("DOCUMENT_ROOT", RUNNER.getParent().toString())
                .variable("SERVER_PROTOCOL", "HTTP/1.1")
                .build();
        BufferedResponse response = new BufferedResponse();
        exchanges.put(new PhpExchange(request, response));
        response.await(Duration.ofMinutes(10));
        return response.outcome().isFailure()
                ? response.body() + "\nPHP ended with " + response.outcome() + ": " + response.error() + "\n"
                : response.body();
    }
}
