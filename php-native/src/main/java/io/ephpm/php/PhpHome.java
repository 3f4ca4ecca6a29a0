package io.ephpm.php;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A ZTS PHP build (the prefix {@code build-libphp.sh} installs into): {@code lib/libphp.so},
 * its extension directory and its version.
 *
 * <p>Found, in order, through the system property {@code ephpm.php.home}, the environment variable
 * {@code EPHPM_PHP_HOME}, or the build this jar's shim was compiled against.
 */
public final class PhpHome {
    public static final String PROPERTY = "ephpm.php.home";
    public static final String ENVIRONMENT = "EPHPM_PHP_HOME";
    private static final String BUILD_PROPERTIES = "ephpm-build.properties";

    private final Path root;

    private PhpHome(Path root) {
        this.root = root;
    }

    public static PhpHome of(Path root) {
        Path lib = root.resolve("lib").resolve("libphp.so");
        if (!Files.isRegularFile(lib)) {
            throw new IllegalArgumentException("Not a PHP embed build: " + lib + " does not exist"
                    + " (build one with php-native/build-libphp.sh, or set " + PROPERTY + " / " + ENVIRONMENT + ")");
        }
        return new PhpHome(root.toAbsolutePath().normalize());
    }

    /** Resolves the PHP build from configuration, or fails with a message that says how to provide one. */
    public static PhpHome locate() {
        String configured = System.getProperty(PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(ENVIRONMENT);
        }
        if (configured != null && !configured.isBlank()) {
            return of(Path.of(configured));
        }
        return fromBuild().map(PhpHome::of).orElseThrow(() -> new IllegalStateException(
                "No PHP build configured: set the system property " + PROPERTY + " or the environment variable "
                        + ENVIRONMENT + " to the prefix of a ZTS libphp build"));
    }

    private static Optional<Path> fromBuild() {
        String home = buildProperties().getProperty("php.home");
        return home == null || !Files.isDirectory(Path.of(home)) ? Optional.empty() : Optional.of(Path.of(home));
    }

    /** What build-shim.sh recorded about the PHP build libephpm was compiled against (empty when absent). */
    static Properties buildProperties() {
        Properties p = new Properties();
        try (InputStream in = PhpHome.class.getResourceAsStream(BUILD_PROPERTIES)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /**
     * Zend's module API number of this build (ZEND_MODULE_API_NO, one per PHP minor version), from its
     * headers; empty for a build without them.
     */
    public Optional<String> moduleApi() {
        Path header = root.resolve("include/php/Zend/zend_modules.h");
        if (!Files.isRegularFile(header)) {
            return Optional.empty();
        }
        try (Stream<String> lines = Files.lines(header)) {
            return lines.filter(l -> l.startsWith("#define ZEND_MODULE_API_NO "))
                    .map(l -> l.substring("#define ZEND_MODULE_API_NO ".length()).trim().split("\\s+")[0]).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public Path root() {
        return root;
    }

    public Path library() {
        return root.resolve("lib").resolve("libphp.so");
    }

    /** The directory holding shared extensions such as opcache.so. */
    public Path extensionDir() {
        Path extensions = root.resolve("lib").resolve("php").resolve("extensions");
        try (Stream<Path> dirs = Files.list(extensions)) {
            return dirs.filter(d -> d.getFileName().toString().contains("zts")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("No ZTS extension directory under " + extensions));
        } catch (IOException e) {
            throw new IllegalStateException("No extension directory under " + extensions, e);
        }
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
