package io.ephpm.servlet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * try_files' test with the file system's "yes" remembered for as long as the container trusts its
 * own cached copy of a static file, so that a file served again and again costs no {@code stat}
 * per request, as it costs none in the container's default servlet.
 *
 * <p>Only files found are remembered, and at most {@code capacity} of them: a path naming no file
 * is looked up every time, so paths a client makes up (every route of a PHP app) cost a
 * {@code stat} as before and no memory. A file deleted less than {@code ttl} ago is still sent to
 * the container's servlet, which answers for it as it would alone (its cached copy or a 404).
 */
final class RecentStaticFiles implements Router.FileTest {
    private final ConcurrentHashMap<String, Long> foundUntil = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final int capacity;
    private final LongSupplier nanoTime;

    RecentStaticFiles(long ttlMillis, int capacity) {
        this(ttlMillis, capacity, System::nanoTime);
    }

    RecentStaticFiles(long ttlMillis, int capacity, LongSupplier nanoTime) {
        if (ttlMillis <= 0 || capacity <= 0) {
            throw new IllegalArgumentException("ttl and capacity must be positive (were " + ttlMillis + " ms, " + capacity + ")");
        }
        this.ttlNanos = ttlMillis * 1_000_000L;
        this.capacity = capacity;
        this.nanoTime = nanoTime;
    }

    @Override
    public boolean isFile(String path, Path file) {
        Long until = foundUntil.get(path);
        long now = nanoTime.getAsLong();
        if (until != null && until - now > 0) {
            return true;
        }
        if (!Files.isRegularFile(file)) {
            if (until != null) {
                foundUntil.remove(path);
            }
            return false;
        }
        if (until != null || foundUntil.size() < capacity) {
            foundUntil.put(path, now + ttlNanos);
        }
        return true;
    }
}
