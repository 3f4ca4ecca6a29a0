package io.ephpm.php;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where libephpm.so is extracted: only a file that the current user alone could have written, with
 * exactly the jar's bytes, is ever handed to the dynamic linker.
 */
class NativeLoaderTest {
    private static final int NOBODY = 65534;

    @TempDir
    Path tmp;

    private byte[] library;
    private Path root;

    @BeforeEach
    void readTheLibraryFromTheJar() throws IOException {
        try (InputStream in = NativeLoader.class.getResourceAsStream("native/linux-x86-64/libephpm.so")) {
            assumeTrue(in != null, "libephpm.so is not built for this platform");
            library = in.readAllBytes();
        }
        root = tmp.resolve("ephpm-user");
    }

    @Test
    void extractsIntoPrivateDirectoriesAndReusesTheSameFile() throws IOException {
        Path first = NativeLoader.extract(library, root);
        Object inode = Files.readAttributes(first, "unix:ino").get("ino");

        assertArrayEquals(library, Files.readAllBytes(first));
        assertEquals("rwx------", mode(root));
        assertEquals("rwx------", mode(first.getParent()));
        assertFalse(mode(first).matches(".{4}w.*|.{7}w.*"), mode(first));

        Path second = NativeLoader.extract(library, root);
        assertEquals(first, second, "every classloader must load the very same file");
        assertEquals(inode, Files.readAttributes(second, "unix:ino").get("ino"), "an intact copy is not rewritten");
    }

    @Test
    void aPlantedFileOfTheSameSizeIsReplacedByTheJarsBytes() throws IOException {
        Path target = NativeLoader.extract(library, root);
        byte[] planted = Arrays.copyOf(library, library.length);
        planted[planted.length / 2] ^= 0x5a;
        Files.write(target, planted);

        Path loaded = NativeLoader.extract(library, root);

        assertEquals(target, loaded);
        assertArrayEquals(library, Files.readAllBytes(loaded));
    }

    @Test
    void aCopyWritableByOthersIsReplaced() throws IOException {
        Path target = NativeLoader.extract(library, root);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxrwxrwx"));

        Path loaded = NativeLoader.extract(library, root);

        assertFalse(mode(loaded).matches(".{4}w.*|.{7}w.*"), mode(loaded));
        assertArrayEquals(library, Files.readAllBytes(loaded));
    }

    @Test
    void aCopyOwnedByAnotherUserIsReplaced() throws IOException {
        assumeTrue(isRoot(), "needs root to give a file to another user");
        Path target = NativeLoader.extract(library, root);
        Files.setAttribute(target, "unix:uid", NOBODY);

        Path loaded = NativeLoader.extract(library, root);

        assertNotEquals(NOBODY, Files.getAttribute(loaded, "unix:uid"));
        assertArrayEquals(library, Files.readAllBytes(loaded));
    }

    @Test
    void aSymbolicLinkInPlaceOfTheFileIsReplacedNotFollowed() throws IOException {
        Path target = NativeLoader.extract(library, root);
        Path elsewhere = Files.write(tmp.resolve("elsewhere.so"), library);
        Files.delete(target);
        Files.createSymbolicLink(target, elsewhere);

        Path loaded = NativeLoader.extract(library, root);

        assertFalse(Files.isSymbolicLink(loaded));
        assertArrayEquals(library, Files.readAllBytes(loaded));
    }

    @Test
    void anOwnDirectoryOpenToOthersIsMadePrivate() throws IOException {
        Files.createDirectory(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));

        Path loaded = NativeLoader.extract(library, root);

        assertEquals("rwx------", mode(root));
        assertArrayEquals(library, Files.readAllBytes(loaded));
    }

    @Test
    void aDirectoryOwnedByAnotherUserIsRefused() throws IOException {
        assumeTrue(isRoot(), "needs root to give a directory to another user");
        Files.createDirectory(root);
        Files.setAttribute(root, "unix:uid", NOBODY);

        IOException refused = assertThrows(IOException.class, () -> NativeLoader.extract(library, root));

        assertTrue(refused.getMessage().contains(root + " belongs to "), refused.getMessage());
        assertEquals(NOBODY, Files.getAttribute(root, "unix:uid"), "another user's directory is left alone");
    }

    @Test
    void aDigestDirectoryOwnedByAnotherUserIsRefused() throws IOException {
        assumeTrue(isRoot(), "needs root to give a directory to another user");
        Path dir = NativeLoader.extract(library, root).getParent();
        Files.setAttribute(dir, "unix:uid", NOBODY);

        IOException refused = assertThrows(IOException.class, () -> NativeLoader.extract(library, root));

        assertTrue(refused.getMessage().contains(dir + " belongs to "), refused.getMessage());
    }

    @Test
    void aSymbolicLinkInPlaceOfTheDirectoryIsRefused() throws IOException {
        Path planted = Files.createDirectory(tmp.resolve("planted"));
        Files.createSymbolicLink(root, planted);

        IOException refused = assertThrows(IOException.class, () -> NativeLoader.extract(library, root));

        assertTrue(refused.getMessage().contains(root + " is not a directory (a symbolic link)"), refused.getMessage());
        try (var entries = Files.list(planted)) {
            assertEquals(0, entries.count(), "nothing is written through the link");
        }
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    @Test
    void aLibphpOfAnotherPhpVersionThanTheShimWasCompiledForIsRefused() {
        PhpHome home = Php.runtime().config().home();
        String api = home.moduleApi().orElseThrow();
        assertEquals(api, PhpHome.buildProperties().getProperty("zend.module.api"), "the jar records the API libephpm was compiled for");
        java.util.Properties other = new java.util.Properties();
        other.setProperty("php.version", "8.0.30");
        other.setProperty("zend.module.api", "20200930");
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> NativeLoader.requireSameModuleApi(home, other));
        assertTrue(refused.getMessage().startsWith("libephpm in this jar was compiled for PHP 8.0.30 (Zend module API 20200930), but "
                + home + " is another PHP version (module API " + api + ")"), refused.getMessage());
        NativeLoader.requireSameModuleApi(home, PhpHome.buildProperties());
    }
}
