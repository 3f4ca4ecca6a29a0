package io.ephpm.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.ephpm.php.TableLayout;
import io.ephpm.php.TableRows;
import io.ephpm.php.TableWrite;
import io.ephpm.php.TableWrite.ColumnValue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One PHP write to a replicated table, run where the cluster keeps the row (its partition's owner,
 * one at a time per key), so that incr, decr and compareAndSet are atomic across the cluster. It is
 * a function of the stored row alone, so the backups that run it again reach the same row; and it
 * carries an id, so that a write Hazelcast sends again after a member left counts once.
 *
 * <p>Its answer: a state ({@link #WRITTEN}, {@link #REMOVED}, {@link #ABSENT}, {@link #MISMATCH}),
 * the version, and the row when there is one.
 */
public final class RowWrite implements EntryProcessor<String, byte[], byte[]>, DataSerializable {
    private static final long serialVersionUID = 1L;
    static final byte WRITTEN = 0;
    static final byte REMOVED = 1;
    static final byte ABSENT = 2;
    static final byte MISMATCH = 3;
    /** How long a removed row's version is kept: far longer than any event takes to reach a node. */
    static final long TOMBSTONE_SECONDS = 600;

    private TableLayout layout;
    private TableWrite write;
    private StoredRow.WriteId id;

    /** For Hazelcast, which makes the processor on the row's owner and then reads it in. */
    public RowWrite() {
    }

    RowWrite(TableLayout layout, TableWrite write, StoredRow.WriteId id) {
        this.layout = layout;
        this.write = write;
        this.id = id;
    }

    @Override
    public byte[] process(Map.Entry<String, byte[]> entry) {
        byte[] stored = entry.getValue();
        long version = StoredRow.version(stored);
        byte[] row = StoredRow.row(stored);
        long[] recent = StoredRow.recent(stored);
        if (StoredRow.made(recent, id)) {
            return row == null ? answer(REMOVED, version, null) : answer(WRITTEN, version, row);
        }
        byte[] start = row == null ? TableRows.empty(layout) : row;
        byte[] next;
        switch (write.op()) {
            case SET -> next = TableRows.with(layout, start, write.values());
            case ADD -> next = TableRows.add(layout, start, write.column(), write.by());
            case DEL -> {
                if (row == null) {
                    return answer(ABSENT, version, null);
                }
                ((ExtendedMapEntry<String, byte[]>) entry).setValue(StoredRow.tombstone(version + 1, StoredRow.with(recent, id)),
                        TOMBSTONE_SECONDS, TimeUnit.SECONDS);
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
        entry.setValue(StoredRow.live(version + 1, next, StoredRow.with(recent, id)));
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

    // a compact form of its own: Java serialization of the records costs more than the write

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(id.writer());
        out.writeLong(id.sequence());
        out.writeString(layout.name());
        out.writeInt(layout.rows());
        out.writeInt(layout.columns().size());
        for (TableLayout.Column column : layout.columns()) {
            out.writeString(column.name());
            out.writeByte(column.type().ordinal());
            out.writeInt(column.size());
        }
        out.writeByte(write.op().ordinal());
        out.writeString(write.key());
        writeValues(out, write.values());
        out.writeBoolean(write.expected() != null);
        if (write.expected() != null) {
            writeValues(out, write.expected());
        }
        out.writeInt(write.column());
        if (write.op() == TableWrite.Op.ADD) {
            out.writeBoolean(write.by() instanceof Long);
            if (write.by() instanceof Long by) {
                out.writeLong(by);
            } else {
                out.writeDouble(write.by().doubleValue());
            }
        }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        id = new StoredRow.WriteId(in.readLong(), in.readLong());
        String name = in.readString();
        int rows = in.readInt();
        int count = in.readInt();
        List<TableLayout.Column> columns = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            columns.add(new TableLayout.Column(in.readString(), TableLayout.Type.values()[in.readByte()], in.readInt()));
        }
        layout = new TableLayout(name, rows, columns);
        TableWrite.Op op = TableWrite.Op.values()[in.readByte()];
        String key = in.readString();
        List<ColumnValue> values = readValues(in);
        List<ColumnValue> expected = in.readBoolean() ? readValues(in) : null;
        int column = in.readInt();
        Number by = null;
        if (op == TableWrite.Op.ADD) {
            by = in.readBoolean() ? (Number) in.readLong() : (Number) in.readDouble();
        }
        write = new TableWrite(op, key, values, expected, column, by);
    }

    private void writeValues(ObjectDataOutput out, List<ColumnValue> values) throws IOException {
        out.writeInt(values.size());
        for (ColumnValue value : values) {
            out.writeInt(value.column());
            switch (layout.column(value.column()).type()) {
                case INT -> out.writeLong((Long) value.value());
                case FLOAT -> out.writeDouble((Double) value.value());
                case STRING -> out.writeByteArray((byte[]) value.value());
            }
        }
    }

    private List<ColumnValue> readValues(ObjectDataInput in) throws IOException {
        int count = in.readInt();
        List<ColumnValue> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int column = in.readInt();
            values.add(new ColumnValue(column, switch (layout.column(column).type()) {
                case INT -> in.readLong();
                case FLOAT -> in.readDouble();
                case STRING -> in.readByteArray();
            }));
        }
        return values;
    }
}
