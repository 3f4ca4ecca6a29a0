package io.ephpm.servlet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** A fresh copy of the test PHP app (src/test/resources/app) in a directory the test owns (a JUnit {@code @TempDir}). */
public final class TestApp {
    final Path root;
    final Path documentRoot;

    private TestApp(Path root) {
        this.root = root;
        this.documentRoot = root.resolve("public");
    }

    static TestApp copy(Path target) {
        return new TestApp(copyResource("/app", target));
    }

    /** Copies a directory of the test resources (by its classpath name) into {@code target}, which it creates. */
    public static Path copyResource(String name, Path target) {
        try {
            Path source = Path.of(TestApp.class.getResource(name).toURI());
            Files.createDirectories(target);
            try (Stream<Path> files = Files.walk(source)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Path destination = target.resolve(source.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(destination);
                    } else {
                        Files.copy(file, destination, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
