package io.ephpm.php;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PhpRequestTest {
    /** Reads an envelope back the way ephpm.c does: count, then length-prefixed, NUL-ended pairs. */
    private static Map<String, byte[]> decode(PhpRequest request) {
        ByteBuffer buffer = ByteBuffer.allocate(request.envelopeSize()).order(ByteOrder.nativeOrder());
        request.writeEnvelope(buffer);
        buffer.flip();
        Map<String, byte[]> entries = new LinkedHashMap<>();
        int count = buffer.getInt();
        for (int i = 0; i < count; i++) {
            String name = new String(next(buffer), StandardCharsets.ISO_8859_1);
            entries.put(name, next(buffer));
        }
        assertEquals(0, buffer.remaining(), "bytes after the last entry");
        return entries;
    }

    private static byte[] next(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.getInt()];
        buffer.get(bytes);
        assertEquals(0, buffer.get(), "entry not NUL-terminated");
        return bytes;
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void textVariablesAreUtf8() {
        Map<String, byte[]> entries = decode(PhpRequest.builder()
                .variable("SCRIPT_FILENAME", "/srv/app/public/index.php")
                .variable("PATH_INFO", "/café/日本")
                .variable("EMPTY", "")
                .build());
        assertEquals("/srv/app/public/index.php", utf8(entries.get("SCRIPT_FILENAME")));
        assertEquals("/café/日本", utf8(entries.get("PATH_INFO")));
        assertEquals(0, entries.get("EMPTY").length);
    }

    @Test
    void rawVariablesKeepEachLatin1CharAsOneByte() {
        byte[] value = decode(PhpRequest.builder().rawVariable("QUERY_STRING", "a=\u00e9\u00ff").build()).get("QUERY_STRING");
        assertEquals(4, value.length);
        assertEquals((byte) 0xE9, value[2]);
        assertEquals((byte) 0xFF, value[3]);
    }

    @Test
    void rawVariablesBeyondLatin1AreUtf8() {
        byte[] value = decode(PhpRequest.builder().rawVariable("HTTP_X_NAME", "\u00e9 \u65e5 \ud83d\ude00").build()).get("HTTP_X_NAME");
        assertEquals("\u00e9 \u65e5 \ud83d\ude00", utf8(value));
    }

    @Test
    void headersBecomeHttpVariables() {
        Map<String, byte[]> entries = decode(PhpRequest.builder()
                .header("Accept-Language", "de")
                .header("x-forwarded-for", "10.0.0.1")
                .build());
        assertEquals("[HTTP_ACCEPT_LANGUAGE, HTTP_X_FORWARDED_FOR]", entries.keySet().toString());
        assertEquals("HTTP_ACCEPT_LANGUAGE", PhpRequest.Builder.headerVariable("Accept-Language"));
    }

    @Test
    void badInputIsRejectedAndLeavesTheEnvelopeAsItWas() {
        PhpRequest.Builder builder = PhpRequest.builder().variable("A", "1");
        IllegalArgumentException nul = assertThrows(IllegalArgumentException.class, () -> builder.header("X-Evil", "a\0b"));
        assertEquals("NUL byte in the value of HTTP_X_EVIL", nul.getMessage());
        assertThrows(IllegalArgumentException.class, () -> builder.variable("B", "\u00e9\0"));
        assertThrows(IllegalArgumentException.class, () -> builder.variable("", "x"));
        assertThrows(IllegalArgumentException.class, () -> builder.variable("C\0D", "x"));
        assertEquals("[A]", decode(builder.build()).keySet().toString());
    }

    @Test
    void growsPastItsFirstBufferAndKeepsBuiltRequestsIntact() {
        PhpRequest.Builder builder = PhpRequest.builder();
        String large = "x".repeat(5000);
        for (int i = 0; i < 50; i++) {
            builder.variable("V" + i, i + large);
        }
        PhpRequest first = builder.build();
        PhpRequest second = builder.variable("LATER", "y").build();
        assertEquals(50, decode(first).size());
        Map<String, byte[]> entries = decode(second);
        assertEquals(51, entries.size());
        assertEquals("49" + large, utf8(entries.get("V49")));
        assertEquals("y", utf8(entries.get("LATER")));
    }

    @Test
    void multiByteValuesGrowTheBufferInTheMiddleOfAnEntry() {
        String wide = "\u00e9\u65e5\ud83d\ude00".repeat(400);
        PhpRequest.Builder builder = PhpRequest.builder().variable("FIRST", "a".repeat(900));
        PhpRequest request = builder.variable("WIDE", "prefix " + wide).rawVariable("RAW", wide).variable("LAST", "z").build();
        Map<String, byte[]> entries = decode(request);
        assertEquals("a".repeat(900), utf8(entries.get("FIRST")));
        assertEquals("prefix " + wide, utf8(entries.get("WIDE")));
        assertEquals(wide, utf8(entries.get("RAW")));
        assertEquals("z", utf8(entries.get("LAST")));
    }
}
