package io.ephpm.php;

import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Loads libphp (globally, so that extensions such as opcache.so resolve its symbols) and then libephpm.
 *
 * <p>libephpm is extracted to a path derived from its content. Two webapps, or two classloaders,
 * therefore load the very same file, and the dynamic linker hands both the same library and the
 * same single PHP runtime.
 */
final class NativeLoader {
    private static final int RTLD_NOW = 0x2;
    private static final int RTLD_GLOBAL = 0x100;
    /** A webapp's classloader may go away; the one PHP runtime of the process must stay loaded. */
    private static final int RTLD_NODELETE = 0x1000;
    static final String SHIM_OVERRIDE_PROPERTY = "ephpm.native.library";

    // JNA holds loaded libraries weakly and dlclose()s them when collected: PHP must never be unloaded.
    private static NativeLibrary libphp;
    private static NativeLibrary libephpm;

    private NativeLoader() {
    }

    static synchronized void load(PhpHome home) {
        if (libephpm != null) {
            return;
        }
        libphp = NativeLibrary.getInstance(home.library().toString(),
                Map.of(Library.OPTION_OPEN_FLAGS, RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE));
        Path shim = shimPath();
        NativeLibrary ephpm = NativeLibrary.getInstance(shim.toString(),
                Map.of(Library.OPTION_OPEN_FLAGS, RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE, Library.OPTION_STRING_ENCODING, "UTF-8"));
        EphpmLibrary.register(ephpm);
        libephpm = ephpm;
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
            byte[] bytes = in.readAllBytes();
            String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8);
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "ephpm-" + System.getProperty("user.name"), digest);
            Path target = dir.resolve("libephpm.so");
            if (!Files.isRegularFile(target) || Files.size(target) != bytes.length) {
                Files.createDirectories(dir);
                Path tmp = Files.createTempFile(dir, "libephpm", ".tmp");
                Files.write(tmp, bytes);
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return target;
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("Cannot extract libephpm: " + e.getMessage(), e);
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
