import io.ephpm.php.BufferedResponse;
import io.ephpm.php.PhpExchange;
import io.ephpm.php.PhpRequest;
import io.ephpm.php.PhpRuntime;
import io.ephpm.php.PhpRuntimeConfig;
import io.ephpm.php.PhpTaskPool;
import io.ephpm.php.PhpThread;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The task cases of the benchmark: PHP caller threads hand empty tasks to a pool of task worker
 * threads with \Ephpm\Worker\run_tasks() and wait for them (apps/tasks/round-trips.php), as
 * Octane::concurrently() does under ePHPm, without Laravel: the runtime's own cost of a round trip.
 *
 * <p>Usage: {@code java -cp ephpm-server.jar TaskDriver.java APP_DIR SECONDS TASK_WORKERS}. Prints, for
 * each case, {@code RESULT <tasks a call> <callers> <task workers> <calls/s> <p50 ns> <p99 ns> <timer ns>}
 * (percentiles: the median of the callers' own).
 */
public final class TaskDriver {
    public static void main(String[] args) throws Exception {
        Path app = Path.of(args[0]).toAbsolutePath();
        double seconds = Double.parseDouble(args[1]);
        int taskWorkers = Integer.parseInt(args[2]);
        PhpRuntime php = PhpRuntime.start(PhpRuntimeConfig.builder().ini("memory_limit", "256M").build());
        PhpTaskPool pool = PhpTaskPool.builder(php, app.resolve("task-worker.php")).threads(taskWorkers).name("bench-tasks").build();
        pool.start();
        int[][] cases = {{1, 1}, {3, 1}, {3, 2}, {10, 2}};
        for (int[] c : cases) {
            run(php, pool, app, c[0], c[1], 0.3); // OPcache and the JIT warm, unmeasured
            long[][] results = run(php, pool, app, c[0], c[1], seconds);
            long calls = Arrays.stream(results).mapToLong(r -> r[0]).sum();
            System.out.printf("RESULT %d %d %d %.0f %d %d %d%n", c[0], c[1], taskWorkers, calls / seconds,
                    median(results, 1), median(results, 2), median(results, 3));
        }
        pool.stop(Duration.ofSeconds(5));
        System.exit(0);
    }

    private static long median(long[][] results, int column) {
        long[] values = Arrays.stream(results).mapToLong(r -> r[column]).sorted().toArray();
        return values[values.length / 2];
    }

    /** Each caller's "calls p50 p99 timer". */
    private static long[][] run(PhpRuntime php, PhpTaskPool pool, Path app, int tasks, int callers, double seconds) throws Exception {
        long start = System.nanoTime() + 300_000_000L; // the same CLOCK_MONOTONIC as PHP's hrtime()
        Path script = app.resolve("round-trips.php");
        String query = "tasks=" + tasks + "&seconds=" + seconds + "&start=" + start;
        List<BufferedResponse> outputs = new ArrayList<>();
        List<PhpThread> started = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            LinkedBlockingQueue<PhpExchange> queue = new LinkedBlockingQueue<>();
            BufferedResponse response = new BufferedResponse();
            outputs.add(response);
            queue.add(new PhpExchange(PhpRequest.builder()
                    .variable("REQUEST_METHOD", "GET")
                    .variable("REQUEST_URI", "/round-trips.php?" + query)
                    .variable("QUERY_STRING", query)
                    .variable("SCRIPT_FILENAME", script.toString())
                    .variable("SCRIPT_NAME", "/round-trips.php")
                    .variable("SERVER_PROTOCOL", "HTTP/1.1")
                    .build(), response));
            started.add(PhpThread.classic(php, queue::poll).name("task-bench-" + i).tasks(pool).start());
        }
        long[][] results = new long[callers][];
        for (int i = 0; i < callers; i++) {
            BufferedResponse response = outputs.get(i).await(Duration.ofMinutes(5));
            String out = response.body().trim() + (response.outcome().isFailure() ? " " + response.outcome() + ": " + response.error() : "");
            try {
                results[i] = Arrays.stream(out.split(" ")).mapToLong(Long::parseLong).toArray();
            } catch (NumberFormatException e) {
                throw new IllegalStateException("round-trips.php said: " + out, e);
            }
            started.get(i).join(10_000);
        }
        return results;
    }
}
