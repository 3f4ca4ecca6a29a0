package io.ephpm.cluster;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A row as the cluster's map keeps it: a flag, its version, the row (see
 * {@link io.ephpm.php.TableRows}), and the ids of the last writes made to it. A removed row stays
 * for a while as a tombstone, a version with no row, so that a later write of the key gets a newer
 * version than every copy of the old row.
 *
 * <p>The write ids make each write count once: when the member that owns a row leaves, Hazelcast
 * sends the writes it was running again to the row's new owner, which already holds those the
 * old one made (its backup); a write whose id is here is answered, not made again.
 */
final class StoredRow {
    static final int RECENT_WRITES = 32;
    private static final byte LIVE = 0;
    private static final byte REMOVED = 1;

    private StoredRow() {
    }

    /** A write's id: the writer (one per node and app) and its sequence number. */
    record WriteId(long writer, long sequence) {
    }

    static byte[] live(long version, byte[] row, long[] recent) {
        return encode(LIVE, version, row, recent);
    }

    static byte[] tombstone(long version, long[] recent) {
        return encode(REMOVED, version, new byte[0], recent);
    }

    static long version(byte[] stored) {
        return stored == null ? 0 : in(stored).getLong(1);
    }

    /** The row, or null for a tombstone (or no entry). */
    static byte[] row(byte[] stored) {
        if (stored == null || stored[0] == REMOVED) {
            return null;
        }
        int length = in(stored).getInt(9);
        return Arrays.copyOfRange(stored, 13, 13 + length);
    }

    /** The ids of the last writes made to the row, oldest first, as writer and sequence pairs. */
    static long[] recent(byte[] stored) {
        if (stored == null) {
            return new long[0];
        }
        ByteBuffer in = in(stored);
        in.position(13 + in.getInt(9));
        long[] recent = new long[in.remaining() / 8];
        in.asLongBuffer().get(recent);
        return recent;
    }

    static boolean made(long[] recent, WriteId id) {
        for (int i = 0; i + 1 < recent.length; i += 2) {
            if (recent[i] == id.writer() && recent[i + 1] == id.sequence()) {
                return true;
            }
        }
        return false;
    }

    /** The recent ids with this one last, the oldest dropped past {@link #RECENT_WRITES}. */
    static long[] with(long[] recent, WriteId id) {
        int keep = Math.min(recent.length, (RECENT_WRITES - 1) * 2);
        long[] next = Arrays.copyOfRange(recent, recent.length - keep, recent.length + 2);
        next[keep] = id.writer();
        next[keep + 1] = id.sequence();
        return next;
    }

    private static byte[] encode(byte flag, long version, byte[] row, long[] recent) {
        byte[] stored = new byte[13 + row.length + recent.length * 8];
        ByteBuffer out = ByteBuffer.wrap(stored).order(ByteOrder.LITTLE_ENDIAN).put(flag).putLong(version).putInt(row.length).put(row);
        out.asLongBuffer().put(recent);
        return stored;
    }

    private static ByteBuffer in(byte[] stored) {
        return ByteBuffer.wrap(stored).order(ByteOrder.LITTLE_ENDIAN);
    }
}
