import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The cluster cases of the benchmark, over HTTP against launchers serving apps/cluster:
 * <ul>
 *   <li>convergence: from the start of a set() on node A until node C's copy holds the value;</li>
 *   <li>incr: many clients counting on one row, spread over the three nodes (atomic across them),
 *       against the same clients on one launcher without a cluster.</li>
 * </ul>
 * Usage: {@code java ClusterDriver.java SECONDS URL_A URL_B URL_C URL_WITHOUT_CLUSTER}. Prints
 * {@code RESULT convergence <samples> <p50 us> <p99 us> <max us> <set() p50 us> <set() p99 us>} and
 * {@code RESULT incr <cluster|single> <clients> <incr/s> <p50 us> <p99 us>}.
 */
public final class ClusterDriver {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) throws Exception {
        double seconds = Double.parseDouble(args[0]);
        URI[] cluster = {URI.create(args[1]), URI.create(args[2]), URI.create(args[3])};
        URI single = URI.create(args[4]);
        convergence(cluster[0], cluster[2], 50); // warm
        convergence(cluster[0], cluster[2], 500);
        for (int clients : new int[] {1, 8, 32}) {
            incr(new URI[] {single}, clients, 0.5);
            incr(cluster, clients, 0.5);
            report("single", clients, incr(new URI[] {single}, clients, seconds), seconds);
            report("cluster", clients, incr(cluster, clients, seconds), seconds);
        }
        System.exit(0);
    }

    /**
     * A reader on node C spins on its copy of the row until it holds the new value; the writer on
     * node A sets it. Both report PHP's hrtime(), one clock for every process of the host, so the
     * time from the start of A's set() to C's first read of the value is measured without HTTP.
     */
    private static void convergence(URI writer, URI reader, int samples) throws Exception {
        long[] visible = new long[samples];
        long[] write = new long[samples];
        ExecutorService waiter = Executors.newSingleThreadExecutor();
        try {
            for (int i = 0; i < samples; i++) {
                String value = "v" + System.nanoTime();
                Future<String> seen = waiter.submit(() -> get(reader.resolve("/?op=wait&v=" + value)));
                Thread.sleep(2); // the reader's request is spinning before the write starts
                String[] times = get(writer.resolve("/?op=set&v=" + value)).split(" ");
                long start = Long.parseLong(times[0]);
                write[i] = (Long.parseLong(times[1]) - start) / 1000;
                visible[i] = (Long.parseLong(seen.get().trim()) - start) / 1000;
            }
        } finally {
            waiter.shutdownNow();
        }
        Arrays.sort(visible);
        Arrays.sort(write);
        if (samples >= 500) {
            System.out.printf("RESULT convergence %d %d %d %d %d %d%n", samples, visible[samples / 2], visible[samples * 99 / 100],
                    visible[samples - 1], write[samples / 2], write[samples * 99 / 100]);
        }
    }

    /** Each client's latencies in microseconds. */
    private static List<long[]> incr(URI[] nodes, int clients, double seconds) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(clients);
        try {
            long end = System.nanoTime() + (long) (seconds * 1e9);
            List<Future<long[]>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                URI node = nodes[c % nodes.length].resolve("/?op=incr");
                results.add(threads.submit(() -> {
                    long[] latencies = new long[1 << 16];
                    int n = 0;
                    while (System.nanoTime() < end) {
                        long start = System.nanoTime();
                        get(node);
                        if (n == latencies.length) {
                            latencies = Arrays.copyOf(latencies, n * 2);
                        }
                        latencies[n++] = (System.nanoTime() - start) / 1000;
                    }
                    return Arrays.copyOf(latencies, n);
                }));
            }
            List<long[]> all = new ArrayList<>();
            for (Future<long[]> f : results) {
                all.add(f.get());
            }
            return all;
        } finally {
            threads.shutdownNow();
        }
    }

    private static void report(String where, int clients, List<long[]> latencies, double seconds) {
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        System.out.printf("RESULT incr %s %d %.0f %d %d%n", where, clients, all.length / seconds, all[all.length / 2],
                all[(int) (all.length * 0.99)]);
    }

    private static String get(URI uri) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }
}
