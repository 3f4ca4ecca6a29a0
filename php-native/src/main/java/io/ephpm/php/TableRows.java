package io.ephpm.php;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * A table's row as it travels between nodes: its columns in declaration order, an int or a float as
 * 8 bytes, a string as a 4-byte length and its bytes, all little-endian (the byte order of every
 * platform libephpm is built for, so rows pass to and from it unconverted).
 *
 * <p>The operations are the table's writes, done on a row's bytes wherever the cluster keeps the
 * row: they are pure functions of their arguments.
 */
public final class TableRows {
    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private TableRows() {
    }

    /** The row a write starts from when the key has none: zeros and empty strings. */
    public static byte[] empty(TableLayout layout) {
        int size = 0;
        for (TableLayout.Column column : layout.columns()) {
            size += column.type() == TableLayout.Type.STRING ? 4 : 8;
        }
        return new byte[size];
    }

    /** The row with these columns set ({@code Table::set}). */
    public static byte[] with(TableLayout layout, byte[] row, List<TableWrite.ColumnValue> values) {
        Object[] columns = decode(layout, row);
        for (TableWrite.ColumnValue value : values) {
            layout.column(value.column());
            columns[value.column()] = value.value();
        }
        return encode(layout, columns);
    }

    /** The row with {@code by} added to one int or float column ({@code Table::incr}, {@code decr}). */
    public static byte[] add(TableLayout layout, byte[] row, int column, Number by) {
        Object[] columns = decode(layout, row);
        switch (layout.column(column).type()) {
            case INT -> columns[column] = (Long) columns[column] + by.longValue(); // wraps, as Swoole's does
            case FLOAT -> columns[column] = (Double) columns[column] + by.doubleValue();
            case STRING -> throw new IllegalArgumentException("column '" + layout.column(column).name() + "' holds strings");
        }
        return encode(layout, columns);
    }

    /** Whether the row holds these values, compared as stored (floats by their bits). */
    public static boolean holds(TableLayout layout, byte[] row, List<TableWrite.ColumnValue> expected) {
        Object[] columns = decode(layout, row);
        for (TableWrite.ColumnValue value : expected) {
            Object have = columns[value.column()];
            Object want = value.value();
            boolean same = have instanceof byte[] bytes ? want instanceof byte[] w && Arrays.equals(bytes, w)
                    : have instanceof Double d ? want instanceof Double w && Double.doubleToRawLongBits(d) == Double.doubleToRawLongBits(w)
                    : have.equals(want);
            if (!same) {
                return false;
            }
        }
        return true;
    }

    /** One column's value: a Long, a Double, or the bytes of a string. */
    public static Object column(TableLayout layout, byte[] row, int column) {
        layout.column(column);
        return decode(layout, row)[column];
    }

    static Object[] decode(TableLayout layout, byte[] row) {
        ByteBuffer in = ByteBuffer.wrap(row).order(ORDER);
        Object[] columns = new Object[layout.columns().size()];
        try {
            for (int i = 0; i < columns.length; i++) {
                TableLayout.Column column = layout.columns().get(i);
                columns[i] = switch (column.type()) {
                    case INT -> in.getLong();
                    case FLOAT -> in.getDouble();
                    case STRING -> {
                        int length = in.getInt();
                        if (length < 0 || length > column.size()) {
                            throw new IllegalArgumentException("a value of " + length + " bytes in column '" + column.name()
                                    + "' of at most " + column.size());
                        }
                        byte[] bytes = new byte[length];
                        in.get(bytes);
                        yield bytes;
                    }
                };
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("a row shorter than table '" + layout.name() + "' has columns");
        }
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("a row longer than table '" + layout.name() + "' has columns");
        }
        return columns;
    }

    static byte[] encode(TableLayout layout, Object[] columns) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        ByteBuffer eight = ByteBuffer.allocate(8).order(ORDER);
        for (int i = 0; i < columns.length; i++) {
            TableLayout.Column column = layout.columns().get(i);
            eight.clear();
            switch (column.type()) {
                case INT -> out.write(eight.putLong(((Number) columns[i]).longValue()).array(), 0, 8);
                case FLOAT -> out.write(eight.putDouble(((Number) columns[i]).doubleValue()).array(), 0, 8);
                case STRING -> {
                    byte[] bytes = (byte[]) columns[i];
                    if (bytes.length > column.size()) {
                        throw new IllegalArgumentException("a value of " + bytes.length + " bytes does not fit column '"
                                + column.name() + "' of " + column.size());
                    }
                    out.write(eight.putInt(bytes.length).array(), 0, 4);
                    out.write(bytes, 0, bytes.length);
                }
            }
        }
        return out.toByteArray();
    }
}
