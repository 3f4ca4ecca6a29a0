package io.ephpm.php;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamingTest {
    @TempDir
    Path temp;

    private static Php.Worker php;

    @BeforeAll
    static void start() {
        php = Php.Worker.classic();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        php.close();
    }

    @Test
    void eachFlushArrivesInOrderWhenItHappens() {
        CapturedResponse r = php.call(Php.get("flush.php", "count=5&pause_ms=150"));
        assertEquals("chunk0\nchunk1\nchunk2\nchunk3\nchunk4\n", r.body());
        List<CapturedResponse.Event> bodies = r.events().stream().filter(e -> e.kind().equals("body")).toList();
        List<CapturedResponse.Event> flushes = r.events().stream().filter(e -> e.kind().equals("flush")).toList();
        assertEquals(5, bodies.size(), "one body piece per flush: " + r.events());
        assertEquals(5, flushes.size());
        for (int i = 1; i < bodies.size(); i++) {
            long gapMillis = (bodies.get(i).nanos() - bodies.get(i - 1).nanos()) / 1_000_000;
            assertTrue(gapMillis >= 100, "chunk " + i + " arrived " + gapMillis + " ms after the previous one");
        }
        assertEquals("headers", r.events().get(0).kind());
    }

    @Test
    void largeOutputIsStreamedInBoundedPieces() {
        CapturedResponse r = php.send(Php.get("big.php", "mb=10"), new CapturedResponse(false)).await();
        assertEquals(10L * 1024 * 1024, r.bodyBytes());
        int largest = r.events().stream().mapToInt(CapturedResponse.Event::size).max().orElse(0);
        assertTrue(largest <= 128 * 1024, "largest piece " + largest);
    }

    @Test
    void oneHugeEchoArrivesWholeInBoundedPieces() {
        CapturedResponse r = php.send(Php.get("huge-echo.php", ""), new CapturedResponse(false)).await();
        assertEquals(40L * 1024 * 1024 + 3, r.bodyBytes());
        assertTrue(r.events().stream().mapToInt(CapturedResponse.Event::size).max().orElse(0) <= 16 * 1024 * 1024);
    }

    @Test
    void clientDisconnectStopsTheOutputButNotTheThread() throws Exception {
        Path marker = Files.createTempFile(temp, "ephpm-abort", ".txt");
        Files.delete(marker);
        CapturedResponse r = php.send(Php.get("big.php", "mb=10&marker=" + marker),
                new CapturedResponse(false).disconnectAfter(1024 * 1024)).await();
        assertTrue(r.bodyBytes() < 2 * 1024 * 1024, "PHP kept writing after the client left: " + r.bodyBytes());
        assertEquals(Outcome.OK, r.outcome());
        // classic mode without ignore_user_abort: PHP ends the script, as it would under php-fpm
        assertEquals("Hello, world", php.call(Php.get("hello.php", "")).body());
        assertTrue(php.thread.isAlive());
    }

    @Test
    void sendFileHandsTheSegmentToTheContainer() throws Exception {
        Path file = Files.createTempFile(temp, "ephpm-send", ".bin");
        Files.writeString(file, "0123456789abcdef");
        CapturedResponse all = php.call(Php.get("sendfile.php", "file=" + file));
        assertEquals("0123456789abcdef", all.body());
        assertEquals(java.util.List.of("application/octet-stream"), all.header("Content-Type"));
        assertEquals("3456", php.call(Php.get("sendfile.php", "file=" + file + "&offset=3&length=4")).body());
        assertEquals("xdropped after send_file", php.call(Php.get("sendfile.php", "file=" + file + "&echo_first=1")).body(),
                "send_file() after body output is refused");
    }

    @Test
    void sendFileResolvesARelativePathAgainstPhpsWorkingDirectory() throws Exception {
        assertEquals("served from the script directory\n", php.call(Php.get("sendfile-resolved.php", "file=sendfile-data.txt")).body());
    }

    @Test
    void sendFileObeysOpenBasedir() throws Exception {
        Path outside = Files.createTempFile(temp, "ephpm-secret", ".txt");
        Files.writeString(outside, "secret");
        CapturedResponse r = php.call(Php.get("sendfile-resolved.php", "file=" + outside + "&basedir=" + Php.SCRIPTS));
        assertTrue(r.body().startsWith("refused: ") && r.body().contains("open_basedir restriction in effect. File(" + outside + ")"),
                r.body());
    }

    @Test
    void fastcgiFinishRequestCompletesTheResponseWhileTheScriptGoesOn() throws Exception {
        Path marker = Files.createTempFile(temp, "ephpm-finish", ".txt");
        Files.delete(marker);
        CapturedResponse r = php.call(Php.get("finish.php", "after_ms=1500&marker=" + marker));
        assertEquals("sent before finishing", r.body());
        assertEquals(List.of("yes"), r.header("X-Early"));
        assertEquals(Outcome.OK, r.outcome());
        assertTrue(Files.notExists(marker), "the response completed only after the script had finished");
        // the thread serves the next request once the script is done
        assertEquals("Hello, world", php.call(Php.get("hello.php", "")).body());
        assertEquals("went on after finishing", Files.readString(marker));
        Files.delete(marker);
    }
}
