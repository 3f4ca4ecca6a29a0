package io.ephpm.cluster;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.MapEvent;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.map.listener.MapClearedListener;
import io.ephpm.php.ReplicatedTable;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Applies the cluster's writes to this node's copy of one table, in the order the cluster made them
 * for each key; a row never goes back to an older version. Expired tombstones need nothing.
 */
final class RowEvents implements EntryAddedListener<String, byte[]>, EntryUpdatedListener<String, byte[]>,
        EntryRemovedListener<String, byte[]>, EntryEvictedListener<String, byte[]>, MapClearedListener {
    private static final Logger LOG = Logger.getLogger(RowEvents.class.getName());

    private final ReplicatedTable table;
    private final Runnable reload;

    RowEvents(ReplicatedTable table, Runnable reload) {
        this.table = table;
        this.reload = reload;
    }

    @Override
    public void entryAdded(EntryEvent<String, byte[]> event) {
        apply(event.getKey(), event.getValue());
    }

    @Override
    public void entryUpdated(EntryEvent<String, byte[]> event) {
        apply(event.getKey(), event.getValue());
    }

    @Override
    public void entryRemoved(EntryEvent<String, byte[]> event) {
        removed(event);
    }

    @Override
    public void entryEvicted(EntryEvent<String, byte[]> event) {
        removed(event);
    }

    @Override
    public void mapCleared(MapEvent event) {
        reload.run();
    }

    private void removed(EntryEvent<String, byte[]> event) {
        byte[] old = event.getOldValue();
        if (old != null && StoredRow.row(old) != null) {
            apply(event.getKey(), StoredRow.tombstone(StoredRow.version(old), new long[0]));
        }
    }

    void apply(String key, byte[] stored) {
        try {
            ReplicatedTable.Applied applied = table.apply(key, StoredRow.version(stored), StoredRow.row(stored));
            if (applied == ReplicatedTable.Applied.FULL) {
                LOG.warning(table + " is full on this node: the cluster's row '" + key + "' is not here");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, table + ": the cluster's row '" + key + "' cannot be applied", e);
        }
    }
}
