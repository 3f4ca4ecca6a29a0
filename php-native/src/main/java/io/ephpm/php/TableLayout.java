package io.ephpm.php;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape of a shared table ({@code Ephpm\Table}): its name, its rows and its columns in the order
 * they were declared. Two nodes share a table only when their layouts are equal.
 */
public record TableLayout(String name, int rows, List<Column> columns) implements java.io.Serializable {
    public enum Type { INT, FLOAT, STRING }

    /** A column; {@code size} is the most bytes of a string column's value (8 for the others). */
    public record Column(String name, Type type, int size) implements java.io.Serializable {
    }

    public TableLayout {
        columns = List.copyOf(columns);
    }

    public Column column(int index) {
        if (index < 0 || index >= columns.size()) {
            throw new IllegalArgumentException("table '" + name + "' has no column " + index);
        }
        return columns.get(index);
    }

    /** The layout as libephpm describes it (ephpm.h, {@code ephpm_table_layout}). */
    static TableLayout decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        String name = string(in);
        int rows = in.getInt();
        int count = in.getInt();
        List<Column> columns = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int type = in.getInt();
            int size = in.getInt();
            columns.add(new Column(string(in), switch (type) {
                case 1 -> Type.INT;
                case 2 -> Type.FLOAT;
                case 3 -> Type.STRING;
                default -> throw new IllegalStateException("unknown column type " + type);
            }, size));
        }
        return new TableLayout(name, rows, columns);
    }

    private static String string(ByteBuffer in) {
        byte[] bytes = new byte[in.getInt()];
        in.get(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
