package io.ephpm.php;

import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Test fixture: the shared runtime, CGI requests for the test scripts, and single PHP threads. */
final class Php {
    static final Path SCRIPTS;

    static {
        try {
            SCRIPTS = Path.of(Php.class.getResource("/php/hello.php").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PhpRuntime runtime;

    private Php() {
    }

    static synchronized PhpRuntime runtime() {
        if (runtime == null) {
            runtime = PhpRuntime.start(PhpRuntimeConfig.builder()
                    .ini("post_max_size", "300M")
                    .ini("upload_max_filesize", "300M")
                    .ini("max_file_uploads", "50")
                    .ini("display_errors", "0")
                    .ini("memory_limit", "128M")
                    .environment("EPHPM_TEST_ENV", "configured")
                    .build());
        }
        return runtime;
    }

    /** A CGI request for a test script, as a web server in front of php-fpm would describe it. */
    static PhpRequest.Builder request(String method, String script, String query) {
        Path file = SCRIPTS.resolve(script);
        String uri = "/" + script + (query.isEmpty() ? "" : "?" + query);
        return PhpRequest.builder()
                .variable("GATEWAY_INTERFACE", "CGI/1.1")
                .variable("SERVER_SOFTWARE", "ephpm-test")
                .variable("SERVER_PROTOCOL", "HTTP/1.1")
                .variable("SERVER_NAME", "localhost")
                .variable("SERVER_PORT", "8080")
                .variable("REMOTE_ADDR", "127.0.0.1")
                .variable("REMOTE_PORT", "50000")
                .variable("REQUEST_METHOD", method)
                .variable("REQUEST_URI", uri)
                .variable("QUERY_STRING", query)
                .variable("DOCUMENT_ROOT", SCRIPTS.toString())
                .variable("SCRIPT_FILENAME", file.toString())
                .variable("SCRIPT_NAME", "/" + script)
                .variable("PHP_SELF", "/" + script);
    }

    static PhpRequest get(String script, String query) {
        return request("GET", script, query).build();
    }

    static PhpRequest post(String script, String contentType, byte[] body) {
        return post(script, contentType, body.length, new java.io.ByteArrayInputStream(body));
    }

    static PhpRequest post(String script, String contentType, long length, InputStream body) {
        return request("POST", script, "")
                .variable("CONTENT_TYPE", contentType)
                .variable("CONTENT_LENGTH", Long.toString(length))
                .header("Content-Type", contentType)
                .body(body)
                .build();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** One PHP thread fed from a queue; close() stops it. */
    static final class Worker implements AutoCloseable {
        private static final PhpExchange STOP = new PhpExchange(null, null);
        private final BlockingQueue<PhpExchange> queue = new LinkedBlockingQueue<>();
        final PhpThread thread;
        volatile Outcome endedWith;
        volatile String endError;

        private Worker(boolean worker, String script, int id) {
            this(worker, script, id, null);
        }

        private Worker(boolean worker, String script, int id, PhpTables tables) {
            ExchangeSource source = () -> {
                PhpExchange e = queue.take();
                return e == STOP ? null : e;
            };
            PhpThread.Builder b = worker ? PhpThread.worker(runtime(), SCRIPTS.resolve(script), source)
                    : PhpThread.classic(runtime(), source);
            if (worker) {
                try {
                    Path bootLog = java.nio.file.Files.createTempFile("ephpm-boot", ".log");
                    bootLog.toFile().deleteOnExit(); // some workers outlive their test class (a crashed one is never closed)
                    b.bootRequest(PhpRequest.builder().variable("BOOT_LOG", bootLog.toString()).build());
                } catch (java.io.IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            thread = b.workerId(id).tables(tables).listener((t, outcome, error) -> {
                endedWith = outcome;
                endError = error;
            }).start();
        }

        static Worker classic() {
            return new Worker(false, null, 0);
        }

        static Worker classic(int id) {
            return new Worker(false, null, id);
        }

        /** A classic-mode thread of the app whose shared tables are these. */
        static Worker classic(int id, PhpTables tables) {
            return new Worker(false, null, id, tables);
        }

        static Worker worker(String script) {
            return new Worker(true, script, 0);
        }

        static Worker worker(String script, int id) {
            return new Worker(true, script, id);
        }

        CapturedResponse send(PhpRequest request) {
            return send(request, new CapturedResponse());
        }

        CapturedResponse send(PhpRequest request, CapturedResponse response) {
            queue.add(new PhpExchange(request, response));
            return response;
        }

        CapturedResponse call(PhpRequest request) {
            return send(request).await();
        }

        boolean awaitEnd(long seconds) throws InterruptedException {
            thread.join(TimeUnit.SECONDS.toMillis(seconds));
            return !thread.isAlive();
        }

        @Override
        public void close() throws InterruptedException {
            queue.add(STOP);
            thread.join(30_000);
            if (thread.isAlive()) {
                throw new UncheckedIOException(new java.io.IOException("PHP thread did not stop"));
            }
        }
    }
}
