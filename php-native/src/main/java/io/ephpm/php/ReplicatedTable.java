package io.ephpm.php;

import java.nio.charset.StandardCharsets;

/**
 * This node's copy of a replicated shared table, for the {@link TableReplicator} to apply the
 * cluster's rows to. Usable from any thread; it holds the table until {@link PhpTables#close()}.
 */
public final class ReplicatedTable {
    public enum Applied { APPLIED, OLDER, FULL }

    private final PhpTables space;
    private final long handle;
    private final TableLayout layout;

    ReplicatedTable(PhpTables space, long handle, TableLayout layout) {
        this.space = space;
        this.handle = handle;
        this.layout = layout;
    }

    public String name() {
        return layout.name();
    }

    public TableLayout layout() {
        return layout;
    }

    /**
     * Puts the cluster's row for the key in place, unless the row here has a newer version.
     *
     * @param row the row (see {@link TableRows}), or null to remove the key's row
     */
    public Applied apply(String key, long version, byte[] row) {
        return apply(key, version, row, false);
    }

    /** As {@link #apply}, regardless of the version here: to reload the table from the cluster. */
    public Applied replace(String key, long version, byte[] row) {
        return apply(key, version, row, true);
    }

    /** Removes every row here (before a reload from the cluster). */
    public void clear() {
        space.withHandle(handle, () -> EphpmLibrary.ephpm_table_clear(handle));
    }

    private Applied apply(String key, long version, byte[] row, boolean force) {
        byte[] keyBytes = key.getBytes(StandardCharsets.ISO_8859_1);
        int[] result = {0};
        space.withHandle(handle, () -> result[0] = EphpmLibrary.ephpm_table_apply(handle, keyBytes, keyBytes.length, version,
                row, row == null ? 0 : row.length, force ? 1 : 0));
        return switch (result[0]) {
            case 0 -> Applied.APPLIED;
            case 1 -> Applied.OLDER;
            case 2 -> Applied.FULL;
            default -> throw new IllegalArgumentException("not a row of table '" + name() + "' (or a key over 255 bytes): " + key);
        };
    }

    @Override
    public String toString() {
        return "table '" + name() + "'";
    }
}
