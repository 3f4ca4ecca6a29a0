package io.ephpm.php;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Ephpm\Table: Swoole\Table's API, and rows shared by the PHP threads of one app's table space. */
class TableTest {
    private static final String NOT_CREATED = "Error: Ephpm\\\\Table: the table is not created yet; call create() after its columns";

    @Test
    void theApiBehavesAsSwooleTablesDo() throws Exception {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("column", "[true,true,true,true]");
        expected.put("before create", '"' + NOT_CREATED + '"');
        expected.put("count before create", "0");
        expected.put("create", "true");
        expected.put("column after create", "false");
        expected.put("set", "true");
        expected.put("get row", "{\"name\":\"taylor\",\"votes\":12,\"score\":2.5,\"7\":70}");
        expected.put("get column", "[\"taylor\",12,2.5]");
        expected.put("get missing", "[false,false]");
        expected.put("get unknown column", "false");
        expected.put("partial set keeps the rest", "[true,{\"name\":\"taylor\",\"votes\":13,\"score\":2.5,\"7\":70}]");
        expected.put("utf-8 and binary", "[true,\"e6898b20e794b00078\"]");
        expected.put("exactly the column size", "true");
        expected.put("too long", "[false,{\"name\":\"zzzzzzzzzz\",\"votes\":0,\"score\":0,\"7\":0}]");
        expected.put("exists", "[true,false]");
        expected.put("count", "3");
        expected.put("full", "[true,false,4]");
        expected.put("incr", "[14,24,20,2.75]");
        expected.put("incr full table", "false");
        expected.put("del", "[true,false,3]");
        expected.put("incr makes the row", "[5,-1.5,{\"name\":\"\",\"votes\":5,\"score\":-1.5,\"7\":0}]");
        expected.put("incr a string column", "false");
        expected.put("int wraps", "[true," + Long.MIN_VALUE + "]");
        expected.put("iterate", "{\"a\":20,\"b\":0,\"c\":0,\"f\":" + Long.MIN_VALUE + "}");
        expected.put("key too long", "[false,true]");
        expected.put("int keys", "[true,true,1]");
        expected.put("sizes", "[4,true]");
        expected.put("stats", "4");
        expected.put("clone", "\"Error: Trying to clone an uncloneable object of class Ephpm\\\\Table\"");
        expected.put("serialize", "\"Exception: Serialization of 'Ephpm\\\\Table' is not allowed\"");
        expected.put("bad type", "\"ValueError: Ephpm\\\\Table::column(): Argument #2 ($type) must be one of TYPE_INT, TYPE_FLOAT or TYPE_STRING\"");
        expected.put("string without size", "\"ValueError: Ephpm\\\\Table::column(): Argument #3 ($size) must be the most bytes of a string column, 1 to 16777216\"");
        expected.put("no rows", "\"ValueError: Ephpm\\\\Table::__construct(): Argument #1 ($table_size) must be between 1 and 268435456 rows\"");
        expected.put("no columns", "\"Error: Ephpm\\\\Table::create(): declare at least one column first\"");
        expected.put("destroy", "[true,\"" + NOT_CREATED + "\"]");
        expected.put("destroyed while converting", "[true,\"" + NOT_CREATED + "\"]");
        expected.put("subclass", "[true,3,{\"v\":[1,0]}]");
        expected.put("shared without a space",
                "\"Error: Ephpm\\\\Table::createShared(): this PHP thread belongs to no app, so there is nothing to share a table with\"");

        try (Php.Worker worker = Php.Worker.classic()) {
            CapturedResponse r = worker.call(Php.get("table-api.php", ""));
            assertEquals(200, r.status(), r.body() + r.error());
            JsonNode results = new ObjectMapper().readTree(r.body());
            for (Map.Entry<String, String> e : expected.entrySet()) {
                assertEquals(e.getValue(), String.valueOf(results.get(e.getKey())), e.getKey());
            }
            List<String> warnings = new ArrayList<>();
            results.get("warnings").forEach(w -> warnings.add(w.asText()));
            assertEquals(List.of(
                    "Ephpm\\Table::column(): the table is created: columns are declared before create()",
                    "Ephpm\\Table::get(): no column named 'other'",
                    "Ephpm\\Table::set(): [key=c,column=name] a value of 11 bytes does not fit the column's 10",
                    "Ephpm\\Table::set(): the table is full: all of its 4 rows are in use",
                    "Ephpm\\Table::incr(): the table is full: all of its 4 rows are in use",
                    "Ephpm\\Table::incr(): column 'name' holds strings: only int and float columns count",
                    "Ephpm\\Table::set(): key of 256 bytes is too long: a table key has at most 255 bytes",
                    "Ephpm\\Table::set(): the table is full: all of its 4 rows are in use"), warnings);
        }
    }

    @Test
    void everyThreadOfTheAppCountsOnTheSameRowAtomically() throws Exception {
        try (PhpTables tables = PhpTables.create(Php.runtime())) {
            int threads = 4;
            int times = 2500;
            List<Php.Worker> workers = new ArrayList<>();
            ExecutorService clients = Executors.newFixedThreadPool(threads);
            try {
                for (int i = 0; i < threads; i++) {
                    workers.add(Php.Worker.classic(i, tables));
                }
                List<Future<CapturedResponse>> results = new ArrayList<>();
                for (Php.Worker w : workers) {
                    results.add(clients.submit(() -> w.call(Php.get("table-shared.php", "op=incr&times=" + times + "&key=hits"))));
                }
                for (Future<CapturedResponse> f : results) {
                    assertEquals(200, f.get().status(), f.get().error());
                }
                assertEquals(Integer.toString(threads * times),
                        workers.get(0).call(Php.get("table-shared.php", "op=get&key=hits")).body().split("\\|")[0]);
                assertTrue(tables.memoryBytes() >= 1024L * (8 + 4 + 64), "memory: " + tables.memoryBytes());
                assertEquals(1, tables.tableCount());
            } finally {
                clients.shutdownNow();
                for (Php.Worker w : workers) {
                    w.close();
                }
            }
        }
    }

    @Test
    void rowsOutliveTheThreadsThatWroteThemAndStayInTheirApp() throws Exception {
        try (PhpTables app = PhpTables.create(Php.runtime()); PhpTables other = PhpTables.create(Php.runtime())) {
            try (Php.Worker writer = Php.Worker.classic(1, app)) {
                assertEquals("true", writer.call(Php.get("table-shared.php", "op=set&key=greeting&value=hello")).body());
            }
            try (Php.Worker replacement = Php.Worker.classic(2, app); Php.Worker stranger = Php.Worker.classic(3, other)) {
                assertEquals("0|hello", replacement.call(Php.get("table-shared.php", "op=get&key=greeting")).body());
                assertEquals("missing", stranger.call(Php.get("table-shared.php", "op=get&key=greeting")).body());
            }
        }
    }

    @Test
    void aSharedTableKeepsTheLayoutItWasMadeWith() throws Exception {
        try (PhpTables tables = PhpTables.create(Php.runtime()); Php.Worker worker = Php.Worker.classic(0, tables)) {
            assertEquals("missing", worker.call(Php.get("table-shared.php", "table=layout")).body());
            assertEquals("Error: Ephpm\\Table::createShared(): table 'layout' already exists in this app with other columns or rows;"
                    + " a shared table keeps its layout until the app is redeployed",
                    worker.call(Php.get("table-shared.php", "table=layout&note=65")).body());
            assertEquals("Error: Ephpm\\Table::createShared(): table 'layout' already exists in this app with other columns or rows;"
                    + " a shared table keeps its layout until the app is redeployed",
                    worker.call(Php.get("table-shared.php", "table=layout&rows=1000")).body());
        }
    }

    @Test
    void concurrentWritersDeletersAndIteratorsNeverSeeATornRow() throws Exception {
        try (PhpTables tables = PhpTables.create(Php.runtime())) {
            int threads = 4;
            List<Php.Worker> workers = new ArrayList<>();
            ExecutorService clients = Executors.newFixedThreadPool(threads);
            try {
                List<Callable<String>> runs = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    Php.Worker w = Php.Worker.classic(i, tables);
                    workers.add(w);
                    for (int round = 0; round < 5; round++) {
                        String query = "table=churn&rows=256&op=churn&seed=" + (i * 100 + round);
                        runs.add(() -> w.call(Php.get("table-shared.php", query)).body());
                    }
                }
                for (Future<String> f : clients.invokeAll(runs)) {
                    assertEquals("bad=0", f.get());
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
    void anAppsTablesTogetherStayWithinItsLimit() throws Exception {
        try (PhpTables tables = PhpTables.create(Php.runtime(), 1 << 20); Php.Worker worker = Php.Worker.classic(0, tables)) {
            // 1,024 rows of a 64-byte note: about 400 KiB; a second such table would pass 1 MiB
            assertEquals("missing", worker.call(Php.get("table-shared.php", "table=first")).body());
            long held = tables.memoryBytes();
            assertTrue(held > 300 << 10 && held < 1 << 20, "held: " + held);
            assertEquals("missing", worker.call(Php.get("table-shared.php", "table=second")).body());
            String refused = worker.call(Php.get("table-shared.php", "table=third")).body();
            assertTrue(refused.startsWith("Error: Ephpm\\Table::createShared(): cannot allocate 1024 rows for table 'third':"
                    + " the app's tables would hold "), refused);
            assertTrue(refused.endsWith(", over its table-memory of 1048576"), refused);
            assertEquals(2, tables.tableCount());
            assertEquals(2 * held, tables.memoryBytes(), "a refused table leaves nothing counted");
        }
    }

    @Test
    void aThreadStartedAfterItsAppClosedItsTablesEndsWithoutRunningPhp() throws Exception {
        PhpTables tables = PhpTables.create(Php.runtime());
        tables.close();
        Php.Worker worker = Php.Worker.classic(0, tables);
        assertTrue(worker.awaitEnd(10));
        assertEquals(Outcome.NOT_ATTACHED, worker.endedWith);
        assertEquals("the app's shared tables are closed", worker.endError);
        assertEquals(0, tables.memoryBytes());
    }
}
