package io.ephpm.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ephpm.php.PhpRuntime;
import jakarta.servlet.UnavailableException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settings PHP reads only at startup (disable_functions, disable_classes, ...) are process-wide: the
 * first app to start PHP in a JVM gives them and they take effect on every thread; another app, or a
 * redeploy, asking for other values fails to start with an error naming the setting. Runs in a JVM of
 * its own (see the servlet module's pom), since it must be the one that starts PHP.
 */
class ProcessWideSettingsServletTest {
    private static final String DISABLED = "exec: Call to undefined function exec()|shell_exec: absent"
            + "|SplStack: SplStack() has been disabled for security reasons|ini: exec,shell_exec";

    @TempDir
    Path appRoot;

    @Test
    void disabledFunctionsAndClassesTakeEffectAndAnotherValueInTheSameJvmIsRefused() throws Exception {
        assumeTrue(PhpRuntime.running().isEmpty(), "PHP already runs in this JVM: the pom's process-wide-settings execution runs this test in a JVM of its own");
        Files.createDirectories(appRoot.resolve("public"));
        Files.writeString(appRoot.resolve("public/disabled.php"), """
                <?php
                set_error_handler(function ($level, $message) { echo $message; return true; });
                try { exec('id'); echo 'exec ran'; } catch (\\Error $e) { echo 'exec: ', $e->getMessage(); }
                echo '|shell_exec: ', function_exists('shell_exec') ? 'present' : 'absent';
                echo '|SplStack: '; new SplStack();
                echo '|ini: ', ini_get('disable_functions');
                """);
        Map<String, String> first = params("exec,shell_exec");

        try (Server a = Server.start(Server.Kind.JETTY, "/a", appRoot.resolve("public"), first)) {
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> response = Http.get(a.url("/disabled.php"));
                assertEquals(200, response.statusCode(), response.body());
                assertEquals(DISABLED, response.body(), "request " + i);
            }

            try (Server b = Server.start(Server.Kind.JETTY, "/b", appRoot.resolve("public"), params("system"))) {
                assertRefused(b, "php.disable_functions");
            }
            try (Server b = Server.start(Server.Kind.JETTY, "/b", appRoot.resolve("public"),
                    Map.of("mode", "classic", "app-root", appRoot.toString(), "workers", "1",
                            "php.disable_functions", "exec,shell_exec", "php.disable_classes", "ArrayObject"))) {
                assertRefused(b, "php.disable_classes");
            }

            a.initParams.put("php.disable_functions", "");
            a.redeploy();
            assertRefused(a, "php.disable_functions");

            a.initParams.putAll(first);
            a.redeploy();
            assertEquals(DISABLED, Http.get(a.url("/disabled.php")).body(), "the same values deploy again");
        }
    }

    private Map<String, String> params(String disabledFunctions) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("mode", "classic");
        params.put("app-root", appRoot.toString());
        params.put("workers", "2");
        params.put("php.disable_functions", disabledFunctions);
        params.put("php.disable_classes", "SplStack");
        return params;
    }

    private static void assertRefused(Server server, String setting) throws Exception {
        HttpResponse<String> response = Http.get(server.url("/disabled.php"));
        assertTrue(response.statusCode() >= 400 && !response.body().contains("exec"), "an app that could not start PHP serves nothing: "
                + response.statusCode() + " " + response.body());
        UnavailableException unavailable = ((Server.Jetty) server).unavailableException();
        assertTrue(unavailable != null, "the servlet must fail to start");
        assertTrue(unavailable.getMessage().contains("ePHPm setting '" + setting + "'"), unavailable.getMessage());
    }
}
