package io.ephpm.servlet;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecentStaticFilesTest {
    private static final long TTL_MS = 5_000;

    @TempDir
    Path root;
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private boolean isFile(RecentStaticFiles files, String name) {
        return files.isFile("/" + name, root.resolve(name));
    }

    private void advanceMillis(long millis) {
        now.addAndGet(millis * 1_000_000L);
    }

    @Test
    void aFileFoundIsTrustedForTheTtlThenLookedUpAgain() throws Exception {
        RecentStaticFiles files = new RecentStaticFiles(TTL_MS, 100, now::get);
        Files.writeString(root.resolve("app.css"), "body{}");
        assertTrue(isFile(files, "app.css"));
        Files.delete(root.resolve("app.css"));
        advanceMillis(TTL_MS - 1);
        assertTrue(isFile(files, "app.css"), "within the TTL the container's servlet answers for it");
        advanceMillis(1);
        assertFalse(isFile(files, "app.css"), "after it, the file system is asked again");
        Files.writeString(root.resolve("app.css"), "body{}");
        assertTrue(isFile(files, "app.css"), "and a file back is found at once");
    }

    @Test
    void aMissIsNeverRemembered() throws Exception {
        RecentStaticFiles files = new RecentStaticFiles(TTL_MS, 100, now::get);
        assertFalse(isFile(files, "new.css"));
        Files.writeString(root.resolve("new.css"), "body{}");
        assertTrue(isFile(files, "new.css"), "a file created is static on the next request");
        assertFalse(isFile(files, "sub"), "a directory is no file");
        Files.createDirectories(root.resolve("sub"));
        assertFalse(isFile(files, "sub"));
    }

    @Test
    void beyondItsCapacityAFileIsLookedUpEachTime() throws Exception {
        RecentStaticFiles files = new RecentStaticFiles(TTL_MS, 1, now::get);
        Files.writeString(root.resolve("first.css"), "");
        Files.writeString(root.resolve("second.css"), "");
        assertTrue(isFile(files, "first.css"));
        assertTrue(isFile(files, "second.css"));
        Files.delete(root.resolve("first.css"));
        Files.delete(root.resolve("second.css"));
        assertTrue(isFile(files, "first.css"), "remembered");
        assertFalse(isFile(files, "second.css"), "not remembered: there was no room");
    }

    @Test
    void refusesANonPositiveTtlOrCapacity() {
        assertThrows(IllegalArgumentException.class, () -> new RecentStaticFiles(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new RecentStaticFiles(10, 0));
    }
}
