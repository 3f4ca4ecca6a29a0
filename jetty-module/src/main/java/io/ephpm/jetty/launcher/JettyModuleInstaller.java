package io.ephpm.jetty.launcher;

import io.ephpm.php.PhpHome;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * {@code install-jetty-module JETTY_BASE [--with-php[=PHP_HOME]]}: copies {@code modules/ephpm.mod},
 * {@code etc/ephpm.xml} and the jars of {@code lib/ephpm/} (packed into the launcher under
 * {@code ephpm/jetty-base/}) into a Jetty base. With {@code --with-php} it also copies a ZTS libphp
 * build into {@code lib/ephpm/php} and points {@code ephpm.php.home} at it in {@code start.d/ephpm-php.ini};
 * without, PHP is found as usual (EPHPM_PHP_HOME, or the build the native shim was compiled against).
 */
final class JettyModuleInstaller {
    static final String COMMAND = "install-jetty-module";
    static final String RESOURCES = "ephpm/jetty-base/";
    static final String LIB = "lib/ephpm";
    /** The ephpm-cluster module's jar (this module's classes and Hazelcast), when it lies beside the launcher. */
    static final String CLUSTER_JAR = "ephpm-cluster.jar";
    static final String CLUSTER_LIB = "lib/ephpm-cluster";
    static final String PHP_INI = "start.d/ephpm-php.ini";

    private final Path jettyBase;

    JettyModuleInstaller(Path jettyBase) {
        this.jettyBase = jettyBase.toAbsolutePath().normalize();
    }

    static int run(List<String> args) {
        Path base = null;
        Optional<String> withPhp = Optional.empty();
        for (String arg : args) {
            if (arg.equals("--with-php")) {
                withPhp = Optional.of("");
            } else if (arg.startsWith("--with-php=")) {
                withPhp = Optional.of(arg.substring("--with-php=".length()));
            } else if (!arg.startsWith("-") && base == null) {
                base = Path.of(arg);
            } else {
                System.err.println("ephpm-server " + COMMAND + ": unexpected argument '" + arg + "'");
                base = null;
                break;
            }
        }
        if (base == null) {
            System.err.println("usage: java -jar ephpm-server.jar " + COMMAND + " JETTY_BASE [--with-php[=PHP_HOME]]");
            return Main.EXIT_USAGE;
        }
        JettyModuleInstaller installer = new JettyModuleInstaller(base);
        try {
            List<String> installed = installer.installModule();
            System.out.println("ePHPm Jetty module installed into " + installer.jettyBase + ":");
            installed.forEach(file -> System.out.println("  " + file));
            if (withPhp.isPresent()) {
                PhpHome php = withPhp.get().isBlank() ? PhpHome.locate() : PhpHome.of(Path.of(withPhp.get()));
                System.out.println("  " + installer.installPhp(php) + " (PHP build copied from " + php.root() + ")");
            }
            System.out.println("Next, in " + installer.jettyBase + ":");
            System.out.println("  java -jar $JETTY_HOME/start.jar --add-modules=http,ephpm");
            System.out.println("  set ephpm.app=/path/to/app in start.d/ephpm.ini, then: java -jar $JETTY_HOME/start.jar");
            return Main.EXIT_OK;
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            System.err.println("ePHPm could not install the Jetty module into " + installer.jettyBase + ": " + Main.rootMessage(e));
            return Main.EXIT_FAILED;
        }
    }

    /** @return the files written, relative to the base */
    List<String> installModule() throws IOException {
        Path lib = jettyBase.resolve(LIB);
        Files.createDirectories(lib);
        try (DirectoryStream<Path> old = Files.newDirectoryStream(lib, "*.jar")) {
            for (Path jar : old) {
                Files.delete(jar); // an upgrade must not leave two versions of a jar on the classpath
            }
        }
        List<String> written = new ArrayList<>();
        Path source = codeSource();
        if (Files.isDirectory(source)) {
            Path root = source.resolve(RESOURCES);
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    String name = root.relativize(file).toString().replace('\\', '/');
                    try (InputStream in = Files.newInputStream(file)) {
                        written.add(write(name, in));
                    }
                }
            }
        } else {
            try (JarFile jar = new JarFile(source.toFile())) {
                for (JarEntry entry : (Iterable<JarEntry>) jar.stream()::iterator) {
                    if (!entry.isDirectory() && entry.getName().startsWith(RESOURCES)) {
                        try (InputStream in = jar.getInputStream(entry)) {
                            written.add(write(entry.getName().substring(RESOURCES.length()), in));
                        }
                    }
                }
            }
        }
        if (written.stream().noneMatch(name -> name.startsWith(LIB + "/"))) {
            throw new IllegalStateException("this launcher carries no module jars under " + RESOURCES + LIB
                    + "; run it from the packaged ephpm-server.jar");
        }
        Path clusterJar = source.resolveSibling(CLUSTER_JAR);
        if (Files.isRegularFile(clusterJar)) {
            Path clusterLib = jettyBase.resolve(CLUSTER_LIB);
            Files.createDirectories(clusterLib);
            try (DirectoryStream<Path> old = Files.newDirectoryStream(clusterLib, "*.jar")) {
                for (Path jar : old) {
                    Files.delete(jar);
                }
            }
            try (InputStream in = Files.newInputStream(clusterJar)) {
                written.add(write(CLUSTER_LIB + "/" + CLUSTER_JAR, in));
            }
        }
        written.sort(null);
        return written;
    }

    /** Copies libphp.so and its extensions; returns the ini file that points ephpm.php.home at the copy. */
    String installPhp(PhpHome php) throws IOException {
        Path target = jettyBase.resolve(LIB).resolve("php");
        Files.createDirectories(target.resolve("lib"));
        Files.copy(php.library(), target.resolve("lib/libphp.so"), StandardCopyOption.REPLACE_EXISTING);
        Path extensions = php.root().resolve("lib/php/extensions");
        try (Stream<Path> files = Files.walk(extensions)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path destination = target.resolve("lib/php/extensions").resolve(extensions.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(file, destination, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Path ini = jettyBase.resolve(PHP_INI);
        Files.createDirectories(ini.getParent());
        Files.writeString(ini, "## Written by ephpm-server.jar " + COMMAND + " --with-php: the PHP build ePHPm loads.\n"
                + "-D" + PhpHome.PROPERTY + "=" + target + "\n");
        return PHP_INI;
    }

    private String write(String name, InputStream in) throws IOException {
        Path destination = jettyBase.resolve(name).normalize();
        if (!destination.startsWith(jettyBase)) {
            throw new IOException("refusing to write outside the base: " + name);
        }
        Files.createDirectories(destination.getParent());
        Files.copy(in, destination, StandardCopyOption.REPLACE_EXISTING);
        return name;
    }

    private static Path codeSource() {
        try {
            return Path.of(JettyModuleInstaller.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the launcher's own jar", e);
        }
    }
}
