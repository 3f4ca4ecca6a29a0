import io.ephpm.php.ExchangeSource;
import io.ephpm.php.Outcome;
import io.ephpm.php.PhpExchange;
import io.ephpm.php.PhpRequest;
import io.ephpm.php.PhpResponse;
import io.ephpm.php.PhpRuntime;
import io.ephpm.php.PhpRuntimeConfig;
import io.ephpm.php.PhpThread;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the same PHP work as an HTTP request, in-process and without HTTP: one PhpThread fed
 * directly with request envelopes (the server variables the servlet would send), timing each
 * exchange from the moment the thread takes it to PHP's final emit. The difference between this
 * and wrk's latency through Jetty is what the servlet and HTTP path add.
 *
 * <p>Usage: {@code java -cp ephpm-server.jar InProcessDriver.java APP_DIR MODE URI WARMUP_S MEASURE_S}
 * (MODE: worker, which boots APP_DIR/worker.php, or classic, which runs APP_DIR/public/URI).
 * Prints {@code RESULT <requests> <p50_us> <p99_us> <mean_us> <errors>}.
 */
public final class InProcessDriver {
    public static void main(String[] args) throws Exception {
        Path app = Path.of(args[0]).toAbsolutePath();
        boolean worker = args[1].equals("worker");
        String uri = args[2];
        long warmupNanos = (long) (Double.parseDouble(args[3]) * 1e9);
        long measureNanos = (long) (Double.parseDouble(args[4]) * 1e9);
        Path docroot = app.resolve("public");
        Path script = docroot.resolve(uri.substring(1));

        PhpRuntime php = PhpRuntime.start(PhpRuntimeConfig.builder().build());
        Driver driver = new Driver(docroot, script, uri, warmupNanos, measureNanos);
        PhpThread thread = worker
                ? PhpThread.worker(php, app.resolve("worker.php"), driver).bootRequest(PhpRequest.builder()
                        .variable("DOCUMENT_ROOT", docroot.toString())
                        .variable("SCRIPT_FILENAME", app.resolve("worker.php").toString()).build()).start()
                : PhpThread.classic(php, driver).start();
        driver.done.await();
        thread.join(10_000);

        long[] samples = Arrays.copyOf(driver.samples, driver.count);
        Arrays.sort(samples);
        long sum = 0;
        for (long s : samples) {
            sum += s;
        }
        int n = samples.length;
        System.out.printf("RESULT %d %.1f %.1f %.1f %d%n", n, samples[n / 2] / 1e3, samples[Math.min(n - 1, (int) (n * 0.99))] / 1e3,
                sum / 1e3 / n, driver.errors);
        System.exit(0);
    }

    /** Feeds the thread one exchange after another and times each, on the PHP thread itself. */
    private static final class Driver implements ExchangeSource, PhpResponse {
        final CountDownLatch done = new CountDownLatch(1);
        final Path docroot;
        final Path script;
        final String uri;
        final long warmupEnd;
        final long measureEnd;
        long[] samples = new long[1 << 20];
        int count;
        int errors;
        long started;
        boolean measuring;
        boolean finished;

        Driver(Path docroot, Path script, String uri, long warmupNanos, long measureNanos) {
            this.docroot = docroot;
            this.script = script;
            this.uri = uri;
            long now = System.nanoTime();
            this.warmupEnd = now + warmupNanos;
            this.measureEnd = warmupEnd + measureNanos;
        }

        @Override
        public PhpExchange take() {
            long now = System.nanoTime();
            if (now >= measureEnd || count == samples.length) {
                if (!finished) {
                    finished = true;
                    done.countDown();
                }
                return null;
            }
            measuring = now >= warmupEnd;
            started = System.nanoTime();
            return new PhpExchange(request(), this);
        }

        /** The variables OctaneServlet sends for a GET without a query (see servlet's CgiVariables). */
        private PhpRequest request() {
            return PhpRequest.builder()
                    .variable("GATEWAY_INTERFACE", "CGI/1.1")
                    .variable("SERVER_SOFTWARE", "ePHPm bench driver")
                    .variable("SERVER_PROTOCOL", "HTTP/1.1")
                    .variable("REQUEST_SCHEME", "http")
                    .variable("SERVER_NAME", "127.0.0.1")
                    .variable("SERVER_ADDR", "127.0.0.1")
                    .variable("SERVER_PORT", "8080")
                    .variable("REMOTE_ADDR", "127.0.0.1")
                    .variable("REMOTE_PORT", "40000")
                    .variable("REQUEST_METHOD", "GET")
                    .variable("REQUEST_URI", uri)
                    .variable("QUERY_STRING", "")
                    .variable("DOCUMENT_ROOT", docroot.toString())
                    .variable("DOCUMENT_URI", uri)
                    .variable("SCRIPT_NAME", uri)
                    .variable("SCRIPT_FILENAME", script.toString())
                    .variable("PHP_SELF", uri)
                    .variable("REDIRECT_STATUS", "200")
                    .header("Host", "127.0.0.1:8080")
                    .build();
        }

        @Override
        public void headers(int status, List<Header> headers) {
            if (status >= 400) {
                errors++;
            }
        }

        @Override
        public void body(ByteBuffer chunk) {
            chunk.position(chunk.limit());
        }

        @Override
        public void flush() {
        }

        @Override
        public void complete(Outcome outcome, String error) {
            long elapsed = System.nanoTime() - started;
            if (outcome != Outcome.OK) {
                errors++;
            }
            if (measuring) {
                samples[count++] = elapsed;
            }
        }
    }
}
