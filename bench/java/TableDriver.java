import io.ephpm.php.BufferedResponse;
import io.ephpm.php.PhpExchange;
import io.ephpm.php.PhpRequest;
import io.ephpm.php.PhpRuntime;
import io.ephpm.php.PhpRuntimeConfig;
import io.ephpm.php.PhpTables;
import io.ephpm.php.PhpThread;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The table cases of the benchmark: N PHP threads of one app (one table space) run
 * apps/tables/table-ops.php at the same moment, on the shared Ephpm\Table or on each thread's own
 * PHP array, and report operations and latencies as PHP measures them.
 *
 * <p>Usage: {@code java -cp ephpm-server.jar TableDriver.java SCRIPT SECONDS THREADS...}. Prints, for
 * each store and thread count, {@code RESULT <store> <threads> <ops/s> <get p50 ns> <get p99 ns>
 * <set p50 ns> <set p99 ns> <timer ns>} (percentiles: the median of the threads' own).
 */
public final class TableDriver {
    public static void main(String[] args) throws Exception {
        Path script = Path.of(args[0]).toAbsolutePath();
        double seconds = Double.parseDouble(args[1]);
        PhpRuntime php = PhpRuntime.start(PhpRuntimeConfig.builder().ini("memory_limit", "256M").build());
        try (PhpTables tables = PhpTables.create(php)) {
            for (String store : List.of("table", "array")) {
                for (int i = 2; i < args.length; i++) {
                    int threads = Integer.parseInt(args[i]);
                    run(php, tables, script, store, threads, 0.3); // OPcache and caches warm, unmeasured
                    long[][] results = run(php, tables, script, store, threads, seconds);
                    long ops = 0;
                    for (long[] r : results) {
                        ops += r[0];
                    }
                    System.out.printf("RESULT %s %d %.0f %d %d %d %d %d%n", store, threads, ops / seconds,
                            median(results, 1), median(results, 2), median(results, 3), median(results, 4), median(results, 5));
                }
            }
        }
        System.exit(0);
    }

    private static long median(long[][] results, int column) {
        long[] values = Arrays.stream(results).mapToLong(r -> r[column]).sorted().toArray();
        return values[values.length / 2];
    }

    /** Each thread's "ops get_p50 get_p99 set_p50 set_p99 timer". */
    private static long[][] run(PhpRuntime php, PhpTables tables, Path script, String store, int threads, double seconds)
            throws Exception {
        long start = System.nanoTime() + 500_000_000L; // the same CLOCK_MONOTONIC as PHP's hrtime()
        String query = "store=" + store + "&seconds=" + seconds + "&start=" + start;
        List<BufferedResponse> outputs = new ArrayList<>();
        List<PhpThread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            LinkedBlockingQueue<PhpExchange> queue = new LinkedBlockingQueue<>();
            BufferedResponse response = new BufferedResponse();
            outputs.add(response);
            queue.add(new PhpExchange(request(script, query + "&thread=" + t), response));
            started.add(PhpThread.classic(php, queue::poll).name("table-bench-" + t).tables(tables).start());
        }
        long[][] results = new long[threads][];
        for (int t = 0; t < threads; t++) {
            BufferedResponse response = outputs.get(t).await(Duration.ofMinutes(5));
            String out = response.body().trim() + (response.outcome().isFailure() ? " " + response.outcome() + ": " + response.error() : "");
            try {
                results[t] = Arrays.stream(out.split(" ")).mapToLong(Long::parseLong).toArray();
            } catch (NumberFormatException e) {
                throw new IllegalStateException("table-ops.php said: " + out, e);
            }
            started.get(t).join(10_000);
        }
        return results;
    }

    private static PhpRequest request(Path script, String query) {
        return PhpRequest.builder()
                .variable("REQUEST_METHOD", "GET")
                .variable("REQUEST_URI", "/" + script.getFileName() + "?" + query)
                .variable("QUERY_STRING", query)
                .variable("SCRIPT_FILENAME", script.toString())
                .variable("SCRIPT_NAME", "/" + script.getFileName())
                .variable("DOCUMENT_ROOT", script.getParent().toString())
                .variable("SERVER_PROTOCOL", "HTTP/1.1")
                .build();
    }
}
