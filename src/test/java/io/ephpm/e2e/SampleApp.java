package io.ephpm.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * A fresh copy of the sample Laravel app's directory (webapp-sample/laravel), without its runtime
 * state, with the vendor/ its build wrote (the framework in vendor/debian and Composer's autoloader).
 */
final class SampleApp {
    private SampleApp() {
    }

    /** Copies the app into {@code target}, which it creates. */
    static Path copy(Path target) throws IOException {
        Path source = Path.of(System.getProperty("ephpm.e2e.sample.app"));
        Files.createDirectories(target);
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path relative = source.relativize(file);
                if (relative.toString().startsWith("storage/app/")
                        || relative.toString().endsWith(".sqlite")) {
                    continue;
                }
                Path destination = target.resolve(relative.toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(destination);
                } else {
                    Files.createDirectories(destination.getParent());
                    Files.copy(file, destination, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return target;
    }
}
