package io.ephpm.php;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Input past PHP's limits is answered 4xx by the SAPI; the script never sees cut-short input. */
class InputLimitsTest {
    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void oversizedAndOvercrowdedInputIsRefused(boolean workerMode) throws Exception {
        LinkedBlockingQueue<PhpExchange> queue = new LinkedBlockingQueue<>();
        PhpExchange stop = new PhpExchange(null, null);
        ExchangeSource source = () -> {
            PhpExchange e = queue.take();
            return e == stop ? null : e;
        };
        PhpThread.Builder builder = workerMode ? PhpThread.worker(Php.runtime(), Php.SCRIPTS.resolve("worker-counter.php"), source)
                .bootRequest(PhpRequest.builder().variable("BOOT_LOG", Files.createTempFile(temp, "boot", ".log").toString()).build())
                : PhpThread.classic(Php.runtime(), source);
        PhpThread thread = builder.ini(Map.of("post_max_size", "1K", "max_input_vars", "10", "max_file_uploads", "2")).start();
        try {
            String script = workerMode ? "app" : "dump.php";
            CapturedResponse tooLarge = call(queue, Php.post(script, "application/x-www-form-urlencoded", Php.utf8("a=" + "x".repeat(4000))));
            assertEquals(413, tooLarge.status(), tooLarge.body());
            assertTrue(tooLarge.body().startsWith("413 Payload Too Large"));

            StringBuilder vars = new StringBuilder();
            for (int i = 0; i < 50; i++) {
                vars.append("v").append(i).append("=1&");
            }
            CapturedResponse tooMany = call(queue, Php.post(script, "application/x-www-form-urlencoded", Php.utf8(vars.toString())));
            assertEquals(400, tooMany.status(), tooMany.body());

            Multipart files = new Multipart();
            for (int i = 0; i < 5; i++) {
                files.file("f" + i, "f" + i + ".txt", Php.utf8("file " + i));
            }
            CapturedResponse tooManyFiles = call(queue, Php.post(script, files.contentType(), files.length(), files.stream()));
            assertEquals(400, tooManyFiles.status(), tooManyFiles.body());

            CapturedResponse fine = call(queue, Php.post(script, "application/x-www-form-urlencoded", Php.utf8("nonce=ok")));
            assertEquals(200, fine.status(), fine.body());
            assertTrue(fine.body().contains("ok"));
        } finally {
            queue.add(stop);
            thread.join(10_000);
        }
    }

    private static CapturedResponse call(LinkedBlockingQueue<PhpExchange> queue, PhpRequest request) {
        CapturedResponse r = new CapturedResponse();
        queue.add(new PhpExchange(request, r));
        return r.await();
    }
}
