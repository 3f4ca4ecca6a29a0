package io.ephpm.php;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Ephpm\Table's compareAndSet(), and shared tables replicated through a {@link TableReplicator}:
 * the native path of every write (request, answer, versioned apply) with real PHP on two "nodes"
 * (two table spaces) of a cluster held in this JVM.
 */
class ReplicatedTableTest {

    @Test
    void compareAndSetWritesOnlyWhileTheRowHoldsWhatWasExpected() throws Exception {
        try (PhpTables tables = PhpTables.create(Php.runtime()); Php.Worker php = Php.Worker.classic(0, tables)) {
            assertEquals("true", call(php, "op=cas&key=a&expect=absent&value=" + q("{\"n\":1,\"s\":\"one\"}")));
            assertEquals("false", call(php, "op=cas&key=a&expect=absent&value=" + q("{\"n\":2}")));
            assertEquals("false", call(php, "op=cas&key=a&expect=" + q("{\"n\":2}") + "&value=" + q("{\"n\":3}")));
            assertEquals("false", call(php, "op=cas&key=a&expect=" + q("{\"n\":1,\"s\":\"two\"}") + "&value=" + q("{\"n\":3}")));
            assertEquals("true", call(php, "op=cas&key=a&expect=" + q("{\"n\":1,\"s\":\"one\"}") + "&value=" + q("{\"n\":3}")));
            assertEquals("{\"n\":3,\"x\":0,\"s\":\"one\"}", call(php, "op=get&key=a"));
            assertEquals("\"TypeError: Ephpm\\\\Table::compareAndSet(): Argument #2 ($expected) must be of type array|false, bool given\"",
                    call(php, "op=cas&key=a&expect=true&value=" + q("{\"n\":3}")));
        }
    }

    @Test
    void compareAndSetLosesNoUpdateAcrossThreads() throws Exception {
        try (PhpTables tables = PhpTables.create(Php.runtime())) {
            assertEquals(4 * 500, countWithCompareAndSet(List.of(tables, tables, tables, tables), 500));
        }
    }

    @Test
    void aWriteOnOneNodeIsReadOnTheOther() throws Exception {
        InProcessCluster cluster = new InProcessCluster();
        try (PhpTables a = cluster.node(); PhpTables b = cluster.node();
             Php.Worker onA = Php.Worker.classic(0, a); Php.Worker onB = Php.Worker.classic(1, b)) {
            assertEquals("false", call(onB, "op=get&key=g"));
            assertEquals("true", call(onA, "op=set&key=g&value=" + q("{\"s\":\"hello\",\"x\":1.5}")));
            assertEquals("{\"n\":0,\"x\":1.5,\"s\":\"hello\"}", call(onB, "op=get&key=g"));
            assertEquals("true", call(onB, "op=set&key=g&value=" + q("{\"n\":7}")));
            assertEquals("{\"n\":7,\"x\":1.5,\"s\":\"hello\"}", call(onA, "op=get&key=g"));
            assertEquals("9", call(onA, "op=incr&key=g&by=2"));
            assertEquals("2", call(onB, "op=incr&key=g&column=x&by=0.5"));
            assertEquals("{\"n\":9,\"x\":2,\"s\":\"hello\"}", call(onA, "op=get&key=g"));
            assertEquals("true", call(onB, "op=del&key=g"));
            assertEquals("false", call(onA, "op=get&key=g"));
            assertEquals("false", call(onA, "op=del&key=g"));
            assertEquals("0", call(onB, "op=count"));
        }
    }

    @Test
    void aWriteFromAFiberReachesTheCluster() throws Exception {
        InProcessCluster cluster = new InProcessCluster();
        try (PhpTables a = cluster.node(); PhpTables b = cluster.node();
             Php.Worker onA = Php.Worker.classic(0, a); Php.Worker onB = Php.Worker.classic(1, b)) {
            assertEquals("[1,2]", call(onA, "op=fiber-incr&key=f"));
            assertEquals("{\"n\":2,\"x\":0,\"s\":\"\"}", call(onB, "op=get&key=f"));
        }
    }

    @Test
    void countersOnEveryNodeEndExactlyAtTheirTotal() throws Exception {
        InProcessCluster cluster = new InProcessCluster();
        try (PhpTables a = cluster.node(); PhpTables b = cluster.node()) {
            int perThread = 400;
            assertEquals(4 * perThread, countWithCompareAndSet(List.of(a, a, b, b), perThread));
            List<Php.Worker> workers = List.of(Php.Worker.classic(0, a), Php.Worker.classic(1, a), Php.Worker.classic(2, b),
                    Php.Worker.classic(3, b));
            ExecutorService clients = Executors.newFixedThreadPool(workers.size());
            try {
                List<Callable<String>> runs = new ArrayList<>();
                for (Php.Worker w : workers) {
                    runs.add(() -> {
                        for (int i = 0; i < perThread; i++) {
                            call(w, "op=incr&key=hits");
                        }
                        return "done";
                    });
                }
                for (Future<String> f : clients.invokeAll(runs)) {
                    assertEquals("done", f.get());
                }
                for (Php.Worker w : workers) {
                    assertEquals(Integer.toString(4 * perThread), call(w, "op=get&key=hits").replaceAll(".*\"n\":(\\d+).*", "$1"));
                }
            } finally {
                clients.shutdownNow();
                for (Php.Worker w : workers) {
                    w.close();
                }
            }
        }
    }

    @Test
    void aWriteTheClusterCannotTakeFailsAsAPhpErrorAndChangesNothing() throws Exception {
        InProcessCluster cluster = new InProcessCluster();
        try (PhpTables a = cluster.node(); Php.Worker php = Php.Worker.classic(0, a)) {
            assertEquals("true", call(php, "op=set&key=k&value=" + q("{\"n\":1}")));
            cluster.unreachable = true;
            assertEquals("\"Error: Ephpm\\\\Table 'replicated' is replicated and its write failed: no member answered within 50 ms\"",
                    call(php, "op=set&key=k&value=" + q("{\"n\":2}")));
            assertEquals("\"Error: Ephpm\\\\Table 'replicated' is replicated and its write failed: no member answered within 50 ms\"",
                    call(php, "op=incr&key=k"));
            cluster.unreachable = false;
            assertEquals("{\"n\":1,\"x\":0,\"s\":\"\"}", call(php, "op=get&key=k"));
        }
    }

    @Test
    void aTableTheClusterRefusesIsNotMadeAndTheNextAttemptTriesAgain() throws Exception {
        InProcessCluster cluster = new InProcessCluster();
        try (PhpTables a = cluster.node(); Php.Worker php = Php.Worker.classic(0, a)) {
            cluster.refuseNextTable = "table 'replicated' has other columns on the cluster";
            assertEquals("\"Error: Ephpm\\\\Table::createShared(): table 'replicated' is replicated, and the cluster did not"
                    + " take it: table 'replicated' has other columns on the cluster\"", call(php, "op=get"));
            assertEquals(0, a.tableCount());
            assertEquals("true", call(php, "op=set&key=k&value=" + q("{\"n\":1}")));
            assertEquals(1, a.replicatedTables().size());
        }
    }

    @Test
    void aRowTheClusterHoldsButThisNodeHasNoRoomForIsAFailedWrite() throws Exception {
        InProcessCluster cluster = new InProcessCluster();
        try (PhpTables a = cluster.node(); Php.Worker php = Php.Worker.classic(0, a)) {
            assertEquals("[64,2,\"Ephpm\\\\Table::set(): the table is full here: all of its 64 rows are in use; the cluster holds the row\"]",
                    call(php, "op=fill&n=66"));
            assertEquals("64", call(php, "op=count"));
        }
    }

    @Test
    void aRowNeverGoesBackToAnOlderVersion() throws Exception {
        InProcessCluster cluster = new InProcessCluster();
        try (PhpTables a = cluster.node(); Php.Worker php = Php.Worker.classic(0, a)) {
            call(php, "op=count");
            ReplicatedTable table = a.replicatedTables().iterator().next();
            TableLayout layout = table.layout();
            assertEquals("replicated", layout.name());
            assertEquals(List.of("n", "x", "s"), layout.columns().stream().map(TableLayout.Column::name).toList());
            byte[] five = TableRows.with(layout, TableRows.empty(layout), List.of(new TableWrite.ColumnValue(0, 5L)));
            byte[] three = TableRows.with(layout, TableRows.empty(layout), List.of(new TableWrite.ColumnValue(0, 3L)));
            assertEquals(ReplicatedTable.Applied.APPLIED, table.apply("v", 5, five));
            assertEquals(ReplicatedTable.Applied.OLDER, table.apply("v", 3, three));
            assertEquals(ReplicatedTable.Applied.OLDER, table.apply("v", 4, null));
            assertEquals("{\"n\":5,\"x\":0,\"s\":\"\"}", call(php, "op=get&key=v"));
            assertEquals(ReplicatedTable.Applied.APPLIED, table.replace("v", 1, three));
            assertEquals("{\"n\":3,\"x\":0,\"s\":\"\"}", call(php, "op=get&key=v"));
            assertEquals(ReplicatedTable.Applied.APPLIED, table.apply("v", 2, null));
            assertEquals("false", call(php, "op=get&key=v"));
            table.apply("w", 1, five);
            table.clear();
            assertEquals("0", call(php, "op=count"));
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> table.apply("bad", 9, new byte[3]));
        }
    }

    private static int countWithCompareAndSet(List<PhpTables> spaces, int times) throws Exception {
        List<Php.Worker> workers = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(spaces.size());
        try {
            List<Callable<String>> runs = new ArrayList<>();
            for (PhpTables space : spaces) {
                Php.Worker w = Php.Worker.classic(workers.size(), space);
                workers.add(w);
                runs.add(() -> call(w, "op=cas-count&key=cas&times=" + times));
            }
            for (Future<String> f : clients.invokeAll(runs)) {
                assertTrue(f.get().startsWith("{\"n\":"), f.get());
            }
            int total = -1;
            for (Php.Worker w : workers) {
                String row = call(w, "op=get&key=cas");
                int n = Integer.parseInt(row.replaceAll(".*\"n\":(\\d+).*", "$1"));
                assertTrue(total == -1 || total == n, "every node reads the same count: " + row);
                total = n;
            }
            return total;
        } finally {
            clients.shutdownNow();
            for (Php.Worker w : workers) {
                w.close();
            }
        }
    }

    private static String call(Php.Worker php, String query) throws Exception {
        CapturedResponse r = php.call(Php.get("table-replicated.php", query));
        assertEquals(200, r.status(), r.body() + r.error());
        return r.body();
    }

    private static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /**
     * A cluster held in this JVM, with the semantics the real one gives: each write is made on the
     * cluster's copy under one lock, gets the next version, and reaches every other node's table.
     */
    static final class InProcessCluster {
        private record Row(long version, byte[] bytes) {
        }

        private final Map<String, Row> rows = new HashMap<>();
        private final List<ReplicatedTable> followers = new CopyOnWriteArrayList<>();
        private long clock;
        volatile boolean unreachable;
        volatile String refuseNextTable;

        PhpTables node() {
            PhpTables tables = PhpTables.create(Php.runtime());
            tables.replicateWith(new TableReplicator() {
                @Override
                public void opened(ReplicatedTable table) {
                    String refused = refuseNextTable;
                    if (refused != null) {
                        refuseNextTable = null;
                        throw new IllegalStateException(refused);
                    }
                    synchronized (InProcessCluster.this) {
                        rows.forEach((key, row) -> table.apply(key.substring(key.indexOf('\0') + 1), row.version(), row.bytes()));
                        followers.add(table);
                    }
                }

                @Override
                public Written write(ReplicatedTable table, TableWrite write) throws Exception {
                    if (unreachable) {
                        throw new java.util.concurrent.TimeoutException("no member answered within 50 ms");
                    }
                    return InProcessCluster.this.write(table, write);
                }
            });
            return tables;
        }

        private synchronized TableReplicator.Written write(ReplicatedTable writer, TableWrite write) {
            TableLayout layout = writer.layout();
            String id = layout.name() + '\0' + write.key();
            Row old = rows.get(id);
            byte[] current = old == null ? null : old.bytes();
            byte[] next;
            boolean applied = true;
            switch (write.op()) {
                case SET -> next = TableRows.with(layout, current == null ? TableRows.empty(layout) : current, write.values());
                case ADD -> next = TableRows.add(layout, current == null ? TableRows.empty(layout) : current, write.column(), write.by());
                case DEL -> {
                    next = null;
                    applied = current != null;
                }
                default -> {
                    applied = write.expected() == null ? current == null
                            : current != null && TableRows.holds(layout, current, write.expected());
                    next = applied ? TableRows.with(layout, current == null ? TableRows.empty(layout) : current, write.values()) : current;
                }
            }
            long version = ++clock;
            if (next == null) {
                rows.remove(id);
            } else if (applied) {
                rows.put(id, new Row(version, next));
            } else {
                version = old == null ? version : old.version();
            }
            for (ReplicatedTable follower : followers) {
                if (follower != writer && follower.name().equals(layout.name()) && applied) {
                    follower.apply(write.key(), version, next);
                }
            }
            return new TableReplicator.Written(applied, next, version);
        }
    }
}
