package io.ephpm.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.ephpm.php.TableLayout;
import io.ephpm.php.TableRows;
import io.ephpm.php.TableWrite;
import io.ephpm.php.TableWrite.ColumnValue;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The table writes as the row's owner runs them, on a real Hazelcast member. */
class RowWriteTest {
    private static final TableLayout LAYOUT = new TableLayout("t", 16, List.of(new TableLayout.Column("n", TableLayout.Type.INT, 8),
            new TableLayout.Column("x", TableLayout.Type.FLOAT, 8), new TableLayout.Column("s", TableLayout.Type.STRING, 10)));
    private static final java.util.concurrent.atomic.AtomicLong SEQUENCE = new java.util.concurrent.atomic.AtomicLong();
    private static HazelcastInstance member;

    @BeforeAll
    static void startMember() {
        member = Hazelcast.newHazelcastInstance(ClusterMember.config(ClusterSettings.parse(Map.of("cluster-name", "rowwrite-" + System.nanoTime()))));
    }

    @AfterAll
    static void stopMember() {
        member.shutdown();
    }

    @Test
    void setAddAndDelKeepAVersionThatOnlyGrows() {
        IMap<String, byte[]> map = member.getMap("set-add-del");
        Answer set = run(map, TableWrite.set("k", List.of(new ColumnValue(2, bytes("hello")), new ColumnValue(0, 5L))));
        assertEquals(RowWrite.WRITTEN, set.state);
        assertEquals(1, set.version);
        assertEquals(List.of(5L, 0.0, "hello"), columns(set.row));
        Answer add = run(map, TableWrite.add("k", 1, 1.5));
        assertEquals(2, add.version);
        assertEquals(List.of(5L, 1.5, "hello"), columns(add.row));
        Answer del = run(map, TableWrite.del("k"));
        assertEquals(RowWrite.REMOVED, del.state);
        assertEquals(3, del.version);
        assertNull(del.row);
        Answer again = run(map, TableWrite.del("k"));
        assertEquals(RowWrite.ABSENT, again.state);
        assertEquals(3, again.version, "a removed row's version is kept, so a late copy of it never comes back");
        assertTrue(map.getEntryView("k").getTtl() > 0, "the tombstone expires");
        Answer revived = run(map, TableWrite.add("k", 0, 1L));
        assertEquals(4, revived.version);
        assertEquals(List.of(1L, 0.0, ""), columns(revived.row), "a row made after a del starts from zero");
        assertEquals(Long.MAX_VALUE, map.getEntryView("k").getTtl(), "a live row does not keep the tombstone's expiry");
    }

    @Test
    void aWriteSentAgainAfterItsOwnerLeftCountsOnce() {
        IMap<String, byte[]> map = member.getMap("again");
        RowWrite increment = new RowWrite(LAYOUT, TableWrite.add("a", 0, 1L), nextId());
        Answer first = run(map, increment, "a");
        run(map, TableWrite.add("a", 0, 10L));
        Answer again = run(map, increment, "a");
        assertEquals(RowWrite.WRITTEN, again.state);
        assertEquals(List.of(11L, 0.0, ""), columns(again.row), "the increment sent again is not made again");
        assertEquals(first.version + 1, again.version);
        RowWrite removal = new RowWrite(LAYOUT, TableWrite.del("a"), nextId());
        assertEquals(RowWrite.REMOVED, run(map, removal, "a").state);
        assertEquals(RowWrite.REMOVED, run(map, removal, "a").state, "a removal sent again answers as the first did");
    }

    @Test
    void compareAndSetWritesOnlyOverWhatWasExpected() {
        IMap<String, byte[]> map = member.getMap("cas");
        assertEquals(RowWrite.WRITTEN, run(map, TableWrite.compareAndSet("c", null, List.of(new ColumnValue(0, 1L)))).state);
        Answer taken = run(map, TableWrite.compareAndSet("c", null, List.of(new ColumnValue(0, 9L))));
        assertEquals(RowWrite.MISMATCH, taken.state);
        assertEquals(List.of(1L, 0.0, ""), columns(taken.row), "a mismatch answers the row as it is");
        assertEquals(RowWrite.MISMATCH, run(map, TableWrite.compareAndSet("c", List.of(new ColumnValue(0, 2L)),
                List.of(new ColumnValue(0, 3L)))).state);
        Answer swapped = run(map, TableWrite.compareAndSet("c", List.of(new ColumnValue(0, 1L)), List.of(new ColumnValue(0, 3L))));
        assertEquals(RowWrite.WRITTEN, swapped.state);
        assertEquals(List.of(3L, 0.0, ""), columns(swapped.row));
        assertEquals(RowWrite.ABSENT, run(map, TableWrite.compareAndSet("none", List.of(new ColumnValue(0, 1L)),
                List.of(new ColumnValue(0, 3L)))).state);
    }

    @Test
    void concurrentIncrementsOfOneKeyAreNeverLost() throws Exception {
        IMap<String, byte[]> map = member.getMap("counter");
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                done.add(callers.submit(() -> {
                    for (int j = 0; j < 250; j++) {
                        map.executeOnKey("hits", new RowWrite(LAYOUT, TableWrite.add("hits", 0, 1L), nextId()));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            callers.shutdownNow();
        }
        assertEquals(2000L, columns(StoredRow.row(map.get("hits"))).get(0));
        assertEquals(2000L, StoredRow.version(map.get("hits")));
    }

    private record Answer(byte state, long version, byte[] row) {
    }

    private static Answer run(IMap<String, byte[]> map, TableWrite write) {
        return run(map, new RowWrite(LAYOUT, write, nextId()), write.key());
    }

    private static Answer run(IMap<String, byte[]> map, RowWrite processor, String key) {
        ByteBuffer in = ByteBuffer.wrap(map.executeOnKey(key, processor)).order(ByteOrder.LITTLE_ENDIAN);
        byte state = in.get();
        long version = in.getLong();
        byte[] row = in.hasRemaining() ? Arrays.copyOfRange(in.array(), in.position(), in.limit()) : null;
        return new Answer(state, version, row);
    }

    private static StoredRow.WriteId nextId() {
        return new StoredRow.WriteId(42, SEQUENCE.incrementAndGet());
    }

    private static List<Object> columns(byte[] row) {
        return List.of(TableRows.column(LAYOUT, row, 0), TableRows.column(LAYOUT, row, 1),
                new String((byte[]) TableRows.column(LAYOUT, row, 2), StandardCharsets.UTF_8));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aWriteCrossesTheNetworkWhole() {
        IMap<String, Object> wire = member.getMap("wire");
        List<TableWrite> writes = List.of(TableWrite.set("k", List.of(new ColumnValue(0, 7L), new ColumnValue(1, 2.5), new ColumnValue(2, bytes("é")))),
                TableWrite.add("k", 1, -0.5), TableWrite.add("k", 0, 3L), TableWrite.del("k"),
                TableWrite.compareAndSet("k", null, List.of(new ColumnValue(0, 1L))),
                TableWrite.compareAndSet("k", List.of(new ColumnValue(2, bytes(""))), List.of(new ColumnValue(0, 2L))));
        IMap<String, byte[]> direct = member.getMap("direct");
        IMap<String, byte[]> throughWire = member.getMap("through-wire");
        for (TableWrite write : writes) {
            StoredRow.WriteId id = nextId();
            wire.set("w", new RowWrite(LAYOUT, write, id));
            RowWrite copy = (RowWrite) wire.get("w");
            assertArrayEquals(direct.executeOnKey("k", new RowWrite(LAYOUT, write, id)), throughWire.executeOnKey("k", copy), write.toString());
        }
    }

    @Test
    void rowsKeepTheirBytesThroughTheStoredForm() {
        byte[] row = TableRows.with(LAYOUT, TableRows.empty(LAYOUT), List.of(new ColumnValue(2, bytes("abc"))));
        long[] recent = StoredRow.with(new long[0], new StoredRow.WriteId(1, 2));
        assertArrayEquals(row, StoredRow.row(StoredRow.live(7, row, recent)));
        assertEquals(7, StoredRow.version(StoredRow.live(7, row, recent)));
        assertArrayEquals(recent, StoredRow.recent(StoredRow.live(7, row, recent)));
        assertNull(StoredRow.row(StoredRow.tombstone(8, recent)));
        assertArrayEquals(recent, StoredRow.recent(StoredRow.tombstone(8, recent)));
        long[] full = recent;
        for (int i = 0; i < 40; i++) {
            full = StoredRow.with(full, new StoredRow.WriteId(1, 100 + i));
        }
        assertEquals(2 * StoredRow.RECENT_WRITES, full.length, "only the last writes are kept");
        assertTrue(StoredRow.made(full, new StoredRow.WriteId(1, 139)));
        assertTrue(!StoredRow.made(full, new StoredRow.WriteId(1, 2)));
    }
}
