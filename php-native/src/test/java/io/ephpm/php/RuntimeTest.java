package io.ephpm.php;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void startingTwiceReturnsTheRunningRuntime() {
        PhpRuntime first = Php.runtime();
        PhpRuntime again = PhpRuntime.start(PhpRuntimeConfig.builder().ini("memory_limit", "1G").build());
        assertSame(first, again);
        assertTrue(first.description().startsWith("8.2."), first.description());
        assertTrue(first.description().contains("zts=1"));
        assertEquals("8.2", first.phpVersion().substring(0, 3));
    }
}
