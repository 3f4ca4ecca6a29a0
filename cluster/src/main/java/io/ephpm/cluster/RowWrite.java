package io.ephpm.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import io.ephpm.php.TableLayout;
import io.ephpm.php.TableRows;
import io.ephpm.php.TableWrite;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One PHP write to a replicated table, run where the cluster keeps the row (its partition's owner,
 * one at a time per key), so that incr, decr and compareAndSet are atomic across the cluster. It is
 * a function of the stored row alone, so the backups that run it again reach the same row.
 *
 * <p>Its answer: a state ({@link #WRITTEN}, {@link #REMOVED}, {@link #ABSENT}, {@link #MISMATCH}),
 * the version, and the row when there is one.
 */
final class RowWrite implements EntryProcessor<String, byte[], byte[]> {
    private static final long serialVersionUID = 1L;
    static final byte WRITTEN = 0;
    static final byte REMOVED = 1;
    static final byte ABSENT = 2;
    static final byte MISMATCH = 3;
    /** How long a removed row's version is kept: far longer than any event takes to reach a node. */
    static final long TOMBSTONE_SECONDS = 600;

    private final TableLayout layout;
    private final TableWrite write;

    RowWrite(TableLayout layout, TableWrite write) {
        this.layout = layout;
        this.write = write;
    }

    @Override
    public byte[] process(Map.Entry<String, byte[]> entry) {
        byte[] stored = entry.getValue();
        long version = StoredRow.version(stored);
        byte[] row = StoredRow.row(stored);
        byte[] start = row == null ? TableRows.empty(layout) : row;
        byte[] next;
        switch (write.op()) {
            case SET -> next = TableRows.with(layout, start, write.values());
            case ADD -> next = TableRows.add(layout, start, write.column(), write.by());
            case DEL -> {
                if (row == null) {
                    return answer(ABSENT, version, null);
                }
                ((ExtendedMapEntry<String, byte[]>) entry).setValue(StoredRow.tombstone(version + 1), TOMBSTONE_SECONDS, TimeUnit.SECONDS);
                return answer(REMOVED, version + 1, null);
            }
            default -> {
                boolean holds = write.expected() == null ? row == null : row != null && TableRows.holds(layout, row, write.expected());
                if (!holds) {
                    return row == null ? answer(ABSENT, version, null) : answer(MISMATCH, version, row);
                }
                next = TableRows.with(layout, start, write.values());
            }
        }
        entry.setValue(StoredRow.live(version + 1, next));
        return answer(WRITTEN, version + 1, next);
    }

    private static byte[] answer(byte state, long version, byte[] row) {
        byte[] answer = new byte[9 + (row == null ? 0 : row.length)];
        ByteBuffer out = ByteBuffer.wrap(answer).order(ByteOrder.LITTLE_ENDIAN).put(state).putLong(version);
        if (row != null) {
            out.put(row);
        }
        return answer;
    }
}
