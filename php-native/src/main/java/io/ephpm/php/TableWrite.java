package io.ephpm.php;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A PHP thread's write to a replicated table, to be made on the cluster: {@code set}, {@code del},
 * {@code incr}/{@code decr} (an add) or {@code compareAndSet}.
 *
 * @param key      the row's key; PHP's bytes, one char per byte (ISO-8859-1)
 * @param values   SET and CAS: the columns written
 * @param expected CAS: the columns the row must hold, or null when there must be no row
 * @param column   ADD: the column added to
 * @param by       ADD: a Long for an int column, a Double for a float one
 */
public record TableWrite(Op op, String key, List<ColumnValue> values, List<ColumnValue> expected, int column, Number by) {
    public enum Op { SET, DEL, ADD, CAS }

    /** A column by its index in the layout, and a Long, a Double or a string's bytes. */
    public record ColumnValue(int column, Object value) {
    }

    public static TableWrite set(String key, List<ColumnValue> values) {
        return new TableWrite(Op.SET, key, List.copyOf(values), null, -1, null);
    }

    public static TableWrite del(String key) {
        return new TableWrite(Op.DEL, key, List.of(), null, -1, null);
    }

    public static TableWrite add(String key, int column, Number by) {
        return new TableWrite(Op.ADD, key, List.of(), null, column, by);
    }

    public static TableWrite compareAndSet(String key, List<ColumnValue> expected, List<ColumnValue> values) {
        return new TableWrite(Op.CAS, key, List.copyOf(values), expected == null ? null : List.copyOf(expected), -1, null);
    }

    /** The request libephpm hands over (ephpm.h, replicated tables). */
    static TableWrite decode(TableLayout layout, ByteBuffer in) {
        in.order(ByteOrder.nativeOrder());
        int op = in.get();
        String key = string(in);
        return switch (op) {
            case 1 -> set(key, columns(layout, in));
            case 2 -> del(key);
            case 3 -> {
                int column = in.getInt();
                yield add(key, column, layout.column(column).type() == TableLayout.Type.INT ? (Number) in.getLong() : (Number) in.getDouble());
            }
            case 4 -> {
                boolean absent = in.get() != 0;
                List<ColumnValue> expected = absent ? null : columns(layout, in);
                yield compareAndSet(key, expected, columns(layout, in));
            }
            default -> throw new IllegalArgumentException("unknown table write " + op);
        };
    }

    private static List<ColumnValue> columns(TableLayout layout, ByteBuffer in) {
        int count = in.getInt();
        List<ColumnValue> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int column = in.getInt();
            values.add(new ColumnValue(column, switch (layout.column(column).type()) {
                case INT -> in.getLong();
                case FLOAT -> in.getDouble();
                case STRING -> {
                    byte[] bytes = new byte[in.getInt()];
                    in.get(bytes);
                    yield bytes;
                }
            }));
        }
        return values;
    }

    private static String string(ByteBuffer in) {
        byte[] bytes = new byte[in.getInt()];
        in.get(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
