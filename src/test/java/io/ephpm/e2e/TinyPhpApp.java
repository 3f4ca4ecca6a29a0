package io.ephpm.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * A small PHP app written into a directory: a front controller answering {@code /}, {@code /upload}
 * and {@code /events} (server-sent events, flushed one by one), and a static binary file.
 */
final class TinyPhpApp {
    static final int STATIC_FILE_BYTES = 256 * 1024;
    static final int EVENTS = 3;
    static final int EVENT_INTERVAL_MILLIS = 400;

    private static final String FRONT_CONTROLLER = """
            <?php
            $base = rtrim(dirname($_SERVER['SCRIPT_NAME']), '/');
            $route = substr(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH), strlen($base));
            header('Content-Type: text/plain');
            switch ($route) {
                case '/upload':
                    $file = $_FILES['file'];
                    echo "name={$file['name']}\\n";
                    echo "size={$file['size']}\\n";
                    echo 'md5=' . md5_file($file['tmp_name']) . "\\n";
                    echo 'uploaded=' . (is_uploaded_file($file['tmp_name']) ? 'yes' : 'no') . "\\n";
                    echo "note={$_POST['note']}\\n";
                    break;
                case '/count':
                    $table = new Ephpm\\Table(8);
                    $table->column('n', Ephpm\\Table::TYPE_INT);
                    $table->createShared('hits');
                    echo 'count=' . $table->incr('all', 'n') . "\\n";
                    break;
                case '/events':
                    header('Content-Type: text/event-stream');
                    header('Cache-Control: no-cache');
                    while (ob_get_level() > 0) {
                        ob_end_flush();
                    }
                    for ($i = 1; $i <= %d; $i++) {
                        echo "data: tick $i\\n\\n";
                        flush();
                        usleep(%d);
                    }
                    break;
                default:
                    echo 'php=' . PHP_VERSION . "\\n";
                    echo 'route=' . $route . "\\n";
                    echo 'script=' . $_SERVER['SCRIPT_NAME'] . "\\n";
                    echo 'greeting=' . getenv('GREETING') . "\\n";
                    echo 'memory_limit=' . ini_get('memory_limit') . "\\n";
            }
            """.formatted(EVENTS, EVENT_INTERVAL_MILLIS * 1000);

    private TinyPhpApp() {
    }

    /** Writes the app with its document root at {@code <dir>/public}. */
    static Path writeTo(Path dir) throws IOException {
        Path publicDir = Files.createDirectories(dir.resolve("public"));
        Files.writeString(publicDir.resolve("index.php"), FRONT_CONTROLLER);
        Files.write(publicDir.resolve("data.bin"), staticFileContent());
        return dir;
    }

    static byte[] staticFileContent() {
        byte[] bytes = new byte[STATIC_FILE_BYTES];
        new Random(42).nextBytes(bytes);
        return bytes;
    }
}
