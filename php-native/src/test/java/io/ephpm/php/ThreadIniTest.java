package io.ephpm.php;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;

/** php.ini overrides and environment per thread, like php_admin_value and env[] per php-fpm pool. */
class ThreadIniTest {

    @Test
    void overridesApplyToEveryRequestOfTheirThreadOnly() throws Exception {
        LinkedBlockingQueue<PhpExchange> queue = new LinkedBlockingQueue<>();
        PhpExchange stop = new PhpExchange(null, null);
        PhpThread tuned = PhpThread.classic(Php.runtime(), () -> {
            PhpExchange e = queue.take();
            return e == stop ? null : e;
        }).ini(Map.of("memory_limit", "64M", "max_execution_time", "7", "no_such_setting", "x"))
                .environment(Map.of("APP_NAME", "tuned")).start();
        try (Php.Worker plain = Php.Worker.classic()) {
            for (int i = 0; i < 3; i++) {
                CapturedResponse r = new CapturedResponse();
                queue.add(new PhpExchange(Php.get("ini.php", ""), r));
                assertEquals("64M|7|0|tuned|configured", r.body(), "request " + i + " of the tuned thread");
                assertEquals("128M|30|0||configured", plain.call(Php.get("ini.php", "")).body());
            }
        } finally {
            queue.add(stop);
            tuned.join(10_000);
        }
    }
}
