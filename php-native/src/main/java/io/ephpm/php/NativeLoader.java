package io.ephpm.php;

import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * Loads libphp (globally, so that extensions such as opcache.so resolve its symbols) and then libephpm.
 *
 * <p>libephpm is extracted to a path derived from its content. Two webapps, or two classloaders,
 * therefore load the very same file, and the dynamic linker hands both the same library and the
 * same single PHP runtime. The path is private to the user (see {@link #extract}): a shared temp
 * directory must never let another user's library be loaded in its place.
 */
final class NativeLoader {
    private static final int RTLD_NOW = 0x2;
    private static final int RTLD_GLOBAL = 0x100;
    /** A webapp's classloader may go away; the one PHP runtime of the process must stay loaded. */
    private static final int RTLD_NODELETE = 0x1000;
    static final String SHIM_OVERRIDE_PROPERTY = "ephpm.native.library";
    private static final Set<PosixFilePermission> PRIVATE_DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> LIBRARY_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> WRITABLE_BY_OTHERS =
            Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    // JNA holds loaded libraries weakly and dlclose()s them when collected: PHP must never be unloaded.
    private static NativeLibrary libphp;
    private static NativeLibrary libephpm;

    private static boolean registered;

    private NativeLoader() {
    }

    static synchronized void load(PhpHome home) {
        if (libephpm != null) {
            if (!registered) {
                EphpmLibrary.register(libephpm);
                registered = true;
            }
            return;
        }
        if (System.getProperty(SHIM_OVERRIDE_PROPERTY, "").isBlank()) {
            requireSameModuleApi(home, PhpHome.buildProperties());
        }
        libphp = NativeLibrary.getInstance(home.library().toString(),
                Map.of(Library.OPTION_OPEN_FLAGS, RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE));
        Path shim = shimPath();
        NativeLibrary ephpm = NativeLibrary.getInstance(shim.toString(),
                Map.of(Library.OPTION_OPEN_FLAGS, RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE, Library.OPTION_STRING_ENCODING, "UTF-8"));
        EphpmLibrary.register(ephpm);
        libephpm = ephpm;
        registered = true;
    }

    /**
     * Drops JNA's mapping of libephpm and the JNI references it holds; the next {@link #load} maps
     * it again. No call into libephpm may be in progress.
     */
    static synchronized void unregister() {
        if (registered) {
            EphpmLibrary.unregister();
            registered = false;
        }
    }

    /**
     * The libephpm in this jar reads Zend's structures as the headers it was compiled with lay them out:
     * with a libphp of another PHP version it would corrupt memory, so that pairing is refused.
     */
    static void requireSameModuleApi(PhpHome home, java.util.Properties shimBuild) {
        String compiledFor = shimBuild.getProperty("zend.module.api", "");
        String given = home.moduleApi().orElse("");
        if (!compiledFor.isEmpty() && !given.isEmpty() && !compiledFor.equals(given)) {
            throw new IllegalStateException("libephpm in this jar was compiled for PHP " + shimBuild.getProperty("php.version", "?")
                    + " (Zend module API " + compiledFor + "), but " + home + " is another PHP version (module API " + given
                    + "); build the jar against that PHP (mvn -D" + PhpHome.PROPERTY + "=" + home + " package), or point "
                    + PhpHome.PROPERTY + " at the PHP build it was made for");
        }
    }

    private static Path shimPath() {
        String override = System.getProperty(SHIM_OVERRIDE_PROPERTY);
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        String resource = "native/" + platform() + "/libephpm.so";
        try (InputStream in = NativeLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("libephpm for " + platform() + " is not in this jar ("
                        + resource + "); set " + SHIM_OVERRIDE_PROPERTY + " to a libephpm.so built for this machine");
            }
            Path privateRoot = Path.of(System.getProperty("java.io.tmpdir"), "ephpm-" + System.getProperty("user.name"));
            return extract(in.readAllBytes(), privateRoot);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot extract libephpm: " + e.getMessage(), e);
        }
    }

    /**
     * Puts the library at {@code privateRoot/<digest>/libephpm.so} and returns that path, where only
     * the current user can have written it: both directories are the user's own, not symbolic links,
     * and mode 0700; the file is checked byte for byte (by its full SHA-256) and replaced atomically
     * when it differs, is writable by others, or is not the user's. A directory another user owns, or
     * a symbolic link in its place, stops the load.
     */
    static Path extract(byte[] library, Path privateRoot) throws IOException {
        byte[] digest = sha256(library);
        Path dir = privateRoot.resolve(HexFormat.of().formatHex(digest, 0, 8));
        ensurePrivateDirectory(privateRoot);
        ensurePrivateDirectory(dir);
        Path target = dir.resolve("libephpm.so");
        if (!isOwnUnalteredCopy(target, digest)) {
            Path tmp = Files.createTempFile(dir, "libephpm", ".tmp", PosixFilePermissions.asFileAttribute(LIBRARY_MODE));
            try {
                Files.write(tmp, library);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
            if (!isOwnUnalteredCopy(target, digest)) {
                throw new IOException(target + " does not hold the library just written to it");
            }
        }
        return target;
    }

    private static void ensurePrivateDirectory(Path dir) throws IOException {
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIRECTORY_MODE));
        } catch (FileAlreadyExistsException e) {
            // checked below
        }
        PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isDirectory()) {
            throw new IOException(dir + " is not a directory (" + (attributes.isSymbolicLink() ? "a symbolic link" : "a file")
                    + "); remove it so that libephpm can be extracted to a private directory there");
        }
        if (ownerUid(dir) != currentUid()) {
            throw new IOException(dir + " belongs to " + attributes.owner().getName() + ", not to the user running this JVM (uid "
                    + currentUid() + "); another user could have placed a library there: remove it, or point java.io.tmpdir elsewhere");
        }
        if (!attributes.permissions().equals(PRIVATE_DIRECTORY_MODE)) {
            Files.setPosixFilePermissions(dir, PRIVATE_DIRECTORY_MODE);
        }
    }

    private static boolean isOwnUnalteredCopy(Path file, byte[] digest) throws IOException {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return false;
        }
        if (!attributes.isRegularFile() || ownerUid(file) != currentUid()
                || attributes.permissions().stream().anyMatch(WRITABLE_BY_OTHERS::contains)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            return MessageDigest.isEqual(sha256(in.readAllBytes()), digest);
        }
    }

    private static int ownerUid(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    private static int currentUid() {
        return Function.getFunction("c", "geteuid").invokeInt(new Object[0]);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    private static String platform() {
        String arch = System.getProperty("os.arch");
        return "linux-" + switch (arch) {
            case "amd64", "x86_64" -> "x86-64";
            default -> arch;
        };
    }
}
