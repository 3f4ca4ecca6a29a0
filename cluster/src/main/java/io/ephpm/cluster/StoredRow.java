package io.ephpm.cluster;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A row as the cluster's map keeps it: a flag, its version, and the row (see
 * {@link io.ephpm.php.TableRows}). A removed row stays for a while as a tombstone, a version with
 * no row, so that a later write of the key gets a newer version than every copy of the old row.
 */
final class StoredRow {
    private static final int HEADER = 9;
    private static final byte LIVE = 0;
    private static final byte REMOVED = 1;

    private StoredRow() {
    }

    static byte[] live(long version, byte[] row) {
        byte[] stored = new byte[HEADER + row.length];
        ByteBuffer.wrap(stored).order(ByteOrder.LITTLE_ENDIAN).put(LIVE).putLong(version).put(row);
        return stored;
    }

    static byte[] tombstone(long version) {
        byte[] stored = new byte[HEADER];
        ByteBuffer.wrap(stored).order(ByteOrder.LITTLE_ENDIAN).put(REMOVED).putLong(version);
        return stored;
    }

    static long version(byte[] stored) {
        return stored == null ? 0 : ByteBuffer.wrap(stored).order(ByteOrder.LITTLE_ENDIAN).getLong(1);
    }

    /** The row, or null for a tombstone (or no entry). */
    static byte[] row(byte[] stored) {
        return stored == null || stored[0] == REMOVED ? null : Arrays.copyOfRange(stored, HEADER, stored.length);
    }
}
