package io.ephpm.php;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code php -i} of the runtime inside this JVM: phpinfo() run on a PHP thread of the real
 * runtime, rendered as text.
 *
 * <p>{@code java -cp ephpm-php-native.jar:jna.jar io.ephpm.php.PhpInfo}
 */
public final class PhpInfo {
    private static final Pattern BLOCK = Pattern.compile("<h[12][^>]*>(.*?)</h[12]>|<tr[^>]*>(.*?)</tr>", Pattern.DOTALL);
    private static final Pattern CELL = Pattern.compile("<t[dh][^>]*>(.*?)</t[dh]>", Pattern.DOTALL);
    private static final Pattern TAG = Pattern.compile("<[^>]+>");

    private PhpInfo() {
    }

    public static void main(String[] args) {
        System.out.println(render(PhpRuntime.startDefault()));
    }

    /** Runs phpinfo() in the given runtime and returns it as text. */
    public static String render(PhpRuntime runtime) {
        return toText(runPhpinfo(runtime));
    }

    /** Runs phpinfo() in the runtime this JVM already started. */
    public static String render() {
        return render(PhpRuntime.running().orElseThrow(() -> new IllegalStateException("the PHP runtime is not started")));
    }

    private static String runPhpinfo(PhpRuntime runtime) {
        Path script = null;
        try {
            script = Files.createTempFile("ephpm-phpinfo", ".php");
            Files.writeString(script, "<?php phpinfo();");
            BufferedResponse response = new BufferedResponse();
            PhpRequest request = PhpRequest.builder()
                    .variable("REQUEST_METHOD", "GET")
                    .variable("SCRIPT_FILENAME", script.toString())
                    .build();
            boolean[] served = {false};
            PhpThread thread = PhpThread.classic(runtime, () -> {
                if (served[0]) {
                    return null;
                }
                served[0] = true;
                return new PhpExchange(request, response);
            }).name("ephpm-phpinfo").start();
            Outcome outcome = response.await(Duration.ofSeconds(30)).outcome();
            thread.join();
            if (outcome != Outcome.OK) {
                throw new IllegalStateException("phpinfo() ended with " + outcome);
            }
            return response.body();
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("phpinfo() failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            if (script != null) {
                try {
                    Files.deleteIfExists(script);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }

    static String toText(String html) {
        StringBuilder out = new StringBuilder();
        Matcher block = BLOCK.matcher(html);
        while (block.find()) {
            if (block.group(1) != null) {
                out.append('\n').append(text(block.group(1))).append("\n\n");
                continue;
            }
            Matcher cell = CELL.matcher(block.group(2));
            StringBuilder row = new StringBuilder();
            while (cell.find()) {
                if (row.length() > 0) {
                    row.append(" => ");
                }
                row.append(text(cell.group(1)));
            }
            out.append(row).append('\n');
        }
        return out.toString();
    }

    private static String text(String fragment) {
        return TAG.matcher(fragment).replaceAll("").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#039;", "'").replace("&nbsp;", " ").replace("&amp;", "&").strip();
    }
}
