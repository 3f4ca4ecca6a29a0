package io.ephpm.servlet;

import jakarta.servlet.ServletContext;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Finds the worker script of the ephpm/octane-driver package for octane mode: the app's own
 * Composer copy first, else the copy packed in the ephpm-octane-bridge jar on the classpath.
 */
final class OctaneWorkerScript {
    static final String COMPOSER_PATH = "vendor/ephpm/octane-driver/bin/ephpm-worker.php";
    static final String RESOURCE_PREFIX = "ephpm/octane-driver/";
    private static final String EXTRACTED_PREFIX = "ephpm-octane-driver-";

    private OctaneWorkerScript() {
    }

    /** laravel/octane (the app's Composer copy, or a checkout named by EPHPM_OCTANE_PATH) and this driver are both there. */
    static boolean installed(Path appRoot, java.util.Map<String, String> environment) {
        boolean driver = Files.isRegularFile(appRoot.resolve(COMPOSER_PATH))
                || OctaneWorkerScript.class.getClassLoader().getResource(RESOURCE_PREFIX + "bin/ephpm-worker.php") != null;
        String checkout = environment.get(Settings.OCTANE_PATH_VARIABLE);
        boolean octane = Files.isRegularFile(appRoot.resolve("vendor/laravel/octane/src/Worker.php"))
                || (checkout != null && Files.isRegularFile(Path.of(checkout, "src", "Worker.php")));
        return driver && octane;
    }

    static Settings withDefault(Settings settings, ServletContext context) {
        Path composer = settings.appRoot().resolve(COMPOSER_PATH);
        if (Files.isRegularFile(composer)) {
            return settings.withWorkerScript(composer);
        }
        URL marker = OctaneWorkerScript.class.getClassLoader().getResource(RESOURCE_PREFIX + "bin/ephpm-worker.php");
        if (marker == null) {
            throw new InvalidSettingException("worker-script", "is not set, and octane mode found no ephpm/octane-driver:"
                    + " run 'composer require ephpm/octane-driver' in the app, or put the ephpm-octane-bridge jar beside"
                    + " the ephpm-servlet jar");
        }
        Object tempdir = context.getAttribute(ServletContext.TEMPDIR);
        Path base = tempdir instanceof File dir ? dir.toPath() : Path.of(System.getProperty("java.io.tmpdir"));
        Path target;
        try {
            // a directory of its own: two webapps or processes never unpack into each other's files
            target = Files.createTempDirectory(base, EXTRACTED_PREFIX);
            extract(marker, target);
        } catch (IOException | URISyntaxException e) {
            throw new InvalidSettingException("worker-script", "could not unpack the bundled octane driver: " + e.getMessage());
        }
        return settings.withWorkerScript(target.resolve("bin/ephpm-worker.php"));
    }

    /** Removes the driver copy this servlet unpacked, once its workers have stopped. */
    static void deleteExtracted(Settings settings) {
        Path root = settings.workerScript().map(script -> script.getParent().getParent()).orElse(null);
        if (root == null || !root.getFileName().toString().startsWith(EXTRACTED_PREFIX)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }

    private static void extract(URL marker, Path target) throws IOException, URISyntaxException {
        URLConnection connection = marker.openConnection();
        if (connection instanceof JarURLConnection jar) {
            jar.setUseCaches(false); // our own JarFile, so closing it leaves the classloader's alone
            try (JarFile file = jar.getJarFile()) {
                Enumeration<JarEntry> entries = file.entries();
                while (entries.hasMoreElements()) {
                    JarEntry entry = entries.nextElement();
                    if (entry.isDirectory() || !entry.getName().startsWith(RESOURCE_PREFIX)) {
                        continue;
                    }
                    Path destination = target.resolve(entry.getName().substring(RESOURCE_PREFIX.length())).normalize();
                    if (!destination.startsWith(target)) {
                        continue;
                    }
                    Files.createDirectories(destination.getParent());
                    try (InputStream in = file.getInputStream(entry)) {
                        Files.copy(in, destination, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            return;
        }
        Path source = Path.of(marker.toURI()).getParent().getParent();
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
    }
}
