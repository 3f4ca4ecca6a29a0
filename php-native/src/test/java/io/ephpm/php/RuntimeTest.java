package io.ephpm.php;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RuntimeTest {

    @Test
    void phpInfoShowsThreadSafetyAndOpcache() throws Exception {
        Php.runtime();
        String info = PhpInfo.render();
        assertTrue(info.contains("Server API => ePHPm for Jakarta Servlet"), info);
        assertTrue(info.contains("Thread Safety => enabled"), info);
        assertTrue(info.contains("Opcode Caching => Up and Running"), info);
        assertTrue(info.contains("Zend Max Execution Timers => enabled"), info);
        for (String extension : new String[] {"ctype", "dom", "fileinfo", "filter", "mbstring", "openssl", "pdo_sqlite",
                "pdo_mysql", "pdo_pgsql", "sodium", "curl", "tokenizer", "session", "bcmath", "zlib", "iconv", "posix"}) {
            assertTrue(info.contains("\n" + extension + "\n"), "extension " + extension + " is missing");
        }
    }

    @Test
    void aLaterStartAskingForOtherStartupOnlySettingsIsRefusedWithTheirName() {
        Php.runtime();
        for (String name : new String[] {"disable_functions", "disable_classes", "opcache.memory_consumption", "extension"}) {
            StartupSettingConflictException refused = assertThrows(StartupSettingConflictException.class,
                    () -> PhpRuntime.start(PhpRuntimeConfig.builder().ini(name, "exec").build()));
            assertEquals(name, refused.iniSetting().orElseThrow());
            assertTrue(refused.getMessage().contains("php.ini setting " + name + " is read by PHP only at startup"), refused.getMessage());
        }
        StartupSettingConflictException otherIniFile = assertThrows(StartupSettingConflictException.class,
                () -> PhpRuntime.start(PhpRuntimeConfig.builder().iniFile(Path.of("/etc/php.ini")).build()));
        assertTrue(otherIniFile.iniSetting().isEmpty());
        assertTrue(otherIniFile.getMessage().contains("the php.ini file"), otherIniFile.getMessage());
    }

    @Test
    void aLaterStartWithTheSameStartupOnlySettingsJoins() {
        PhpRuntime first = Php.runtime();
        assertSame(first, PhpRuntime.start(PhpRuntimeConfig.builder().ini("zend_extension", "opcache").ini("opcache.enable", "1").build()));
    }

    @Test
    void startupOnlySettingsCannotBeGivenToAThread() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> PhpThread.classic(Php.runtime(), () -> null).ini(Map.of("disable_functions", "exec")));
        assertTrue(refused.getMessage().contains("disable_functions"), refused.getMessage());
    }

    @Test
    void startingTwiceReturnsTheRunningRuntime() throws IOException {
        PhpRuntime first = Php.runtime();
        PhpRuntime again = PhpRuntime.start(PhpRuntimeConfig.builder().ini("memory_limit", "1G").build());
        assertSame(first, again);
        String built = builtVersion();
        assertTrue(first.description().startsWith(built + ";"), first.description());
        assertTrue(first.description().contains("zts=1"));
        assertEquals(built, first.phpVersion());
    }

    /** The version the headers of the PHP build under test declare (PHP_VERSION=8.2 or 8.4 builds it). */
    private static String builtVersion() throws IOException {
        Path header = PhpHome.locate().root().resolve("include/php/main/php_version.h");
        Matcher version = Pattern.compile("#define PHP_VERSION \"([0-9.]+)\"").matcher(Files.readString(header));
        assertTrue(version.find(), header + " declares no PHP_VERSION");
        return version.group(1);
    }
}
