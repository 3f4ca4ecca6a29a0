package io.ephpm.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import io.ephpm.php.ReplicatedTable;
import io.ephpm.php.TableLayout;
import io.ephpm.php.TableReplicator;
import io.ephpm.php.TableWrite;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One app's shared tables on the cluster: each table is a Hazelcast map of versioned rows, named by
 * the app ({@code ephpm:<app>:<table>}). Writes run as {@link RowWrite}s on the row's owner; every
 * node follows each map with a listener and keeps its own copy, from which PHP reads.
 */
final class HazelcastTables implements TableReplicator {
    private static final Logger LOG = Logger.getLogger(HazelcastTables.class.getName());

    private final ClusterMember member;
    private final String app;
    private final long timeoutMillis;
    private final List<Followed> followed = new ArrayList<>();
    /** This node's writer id for the app's writes, and their sequence: each write's id is unique. */
    private final long writer = new java.security.SecureRandom().nextLong();
    private final java.util.concurrent.atomic.AtomicLong sequence = new java.util.concurrent.atomic.AtomicLong();
    private final UUID lifecycleListener;
    private boolean closed;

    private record Followed(ReplicatedTable table, IMap<String, byte[]> map, UUID listener) {
    }

    HazelcastTables(ClusterMember member, String app) {
        this.member = member;
        this.app = app;
        this.timeoutMillis = member.settings().timeout().toMillis();
        // after a split brain heals, this side's rows may have lost to the other side's: reload them all
        this.lifecycleListener = member.hazelcast().getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
                CompletableFuture.runAsync(this::reloadAll);
            }
        });
    }

    static String mapName(String app, String table) {
        return "ephpm:" + app + ":" + table;
    }

    @Override
    public void opened(ReplicatedTable table) throws Exception {
        HazelcastInstance hazelcast = member.hazelcast();
        TableLayout layout = table.layout();
        IMap<String, TableLayout> layouts = hazelcast.getMap("ephpm:" + app + ":layouts");
        TableLayout existing = waitFor(CompletableFuture.supplyAsync(() -> layouts.putIfAbsent(layout.name(), layout)), "declaration of " + table);
        if (existing != null && !existing.equals(layout)) {
            throw new IllegalStateException("table '" + layout.name() + "' is on the cluster with other columns or rows ("
                    + describe(existing) + "; here " + describe(layout) + "): every node must declare it alike");
        }
        IMap<String, byte[]> map = hazelcast.getMap(mapName(app, layout.name()));
        RowEvents events = new RowEvents(table, () -> reload(table, map));
        UUID listener = waitFor(CompletableFuture.supplyAsync(() -> map.addEntryListener(events, true)), "following of " + table);
        try {
            waitFor(CompletableFuture.runAsync(() -> load(table, map)), "load " + table);
        } catch (Exception e) {
            map.removeEntryListener(listener);
            throw e;
        }
        synchronized (this) {
            if (closed) {
                map.removeEntryListener(listener);
                throw new IllegalStateException("the app's cluster tables are closed");
            }
            followed.add(new Followed(table, map, listener));
        }
    }

    @Override
    public Written write(ReplicatedTable table, TableWrite write) throws Exception {
        IMap<String, byte[]> map = member.hazelcast().getMap(mapName(app, table.name()));
        byte[] answer = waitFor(map.submitToKey(write.key(), new RowWrite(table.layout(), write, new StoredRow.WriteId(writer, sequence.incrementAndGet()))).toCompletableFuture(),
                write.op().name().toLowerCase(java.util.Locale.ROOT) + " of '" + write.key() + "'");
        ByteBuffer in = ByteBuffer.wrap(answer).order(ByteOrder.LITTLE_ENDIAN);
        byte state = in.get();
        long version = in.getLong();
        byte[] row = null;
        if (in.hasRemaining()) {
            row = new byte[in.remaining()];
            in.get(row);
        }
        return new Written(state == RowWrite.WRITTEN || state == RowWrite.REMOVED, row, version);
    }

    @Override
    public Map<String, Object> status() {
        try {
            int tables;
            synchronized (this) {
                tables = followed.size();
            }
            return Map.of("engine", "hazelcast", "cluster", member.hazelcast().getConfig().getClusterName(), "app", app,
                    "members", member.hazelcast().getCluster().getMembers().size(), "replicatedTables", tables);
        } catch (RuntimeException e) {
            return Map.of("engine", "hazelcast", "app", app, "members", 0, "error", String.valueOf(e.getMessage()));
        }
    }

    private <T> T waitFor(CompletableFuture<T> future, String what) throws Exception {
        try {
            return future.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new TimeoutException("the cluster did not answer the " + what + " within " + timeoutMillis
                    + " ms (cluster-timeout); it may still take effect");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof Exception ex ? ex : e;
        }
    }

    private static void load(ReplicatedTable table, IMap<String, byte[]> map) {
        RowEvents events = new RowEvents(table, () -> { });
        for (Map.Entry<String, byte[]> entry : map.entrySet()) {
            events.apply(entry.getKey(), entry.getValue());
        }
    }

    private static void reload(ReplicatedTable table, IMap<String, byte[]> map) {
        try {
            Map<String, byte[]> rows = Map.copyOf(map);
            table.clear();
            rows.forEach((key, stored) -> {
                byte[] row = StoredRow.row(stored);
                if (row != null) {
                    table.replace(key, StoredRow.version(stored), row);
                }
            });
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, table + " could not be reloaded from the cluster", e);
        }
    }

    private void reloadAll() {
        List<Followed> tables;
        synchronized (this) {
            tables = List.copyOf(followed);
        }
        LOG.info("the cluster merged after a split: reloading " + tables.size() + " table(s) of app '" + app + "'");
        tables.forEach(f -> reload(f.table(), f.map()));
    }

    private static String describe(TableLayout layout) {
        StringBuilder text = new StringBuilder().append(layout.rows()).append(" rows");
        layout.columns().forEach(c -> text.append(", ").append(c.name()).append(' ').append(c.type().name().toLowerCase(java.util.Locale.ROOT))
                .append(c.type() == TableLayout.Type.STRING ? ":" + c.size() : ""));
        return text.toString();
    }

    @Override
    public void close() {
        List<Followed> tables;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            tables = List.copyOf(followed);
            followed.clear();
        }
        try {
            member.hazelcast().getLifecycleService().removeLifecycleListener(lifecycleListener);
            tables.forEach(f -> f.map().removeEntryListener(f.listener()));
        } catch (RuntimeException e) {
            LOG.fine("cluster member already stopped: " + e);
        }
        member.leave();
    }
}
