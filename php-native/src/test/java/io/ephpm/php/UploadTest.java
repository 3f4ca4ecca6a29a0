package io.ephpm.php;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class UploadTest {
    private static Php.Worker php;

    @BeforeAll
    static void start() {
        php = Php.Worker.classic();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        php.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void severalFilesThroughPhpsOwnParser() throws Exception {
        byte[] a = "first file\n".getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[300_000];
        new java.util.Random(7).nextBytes(b);
        Multipart body = new Multipart().field("title", "two files")
                .file("single", "a.txt", a)
                .file("many[]", "b.bin", b)
                .file("many[]", "c.txt", a);
        CapturedResponse r = php.call(Php.post("dump.php", body.contentType(), body.length(), body.stream()));
        assertEquals(200, r.status(), r.body());
        Map<String, Object> d = Json.parse(r.body());
        assertEquals(Map.of("title", "two files"), d.get("post"));
        Map<String, Object> files = (Map<String, Object>) d.get("files");
        Map<String, Object> single = (Map<String, Object>) files.get("single");
        assertEquals("a.txt", single.get("name"));
        assertEquals(a.length, single.get("size"));
        assertEquals(0, single.get("error"));
        Map<String, Object> many = (Map<String, Object>) files.get("many");
        assertEquals(List.of("b.bin", "c.txt"), many.get("name"));
        assertEquals(List.of(b.length, a.length), many.get("size"));

        List<Map<String, Object>> uploaded = (List<Map<String, Object>>) d.get("uploaded");
        assertEquals(3, uploaded.size());
        assertEquals(List.of(md5(a), md5(b), md5(a)), uploaded.stream().map(u -> u.get("md5")).toList());
        for (Map<String, Object> u : uploaded) {
            assertEquals(true, u.get("is_uploaded_file"));
            assertFalse(Files.exists(Path.of((String) u.get("tmp"))), "upload temp files are deleted after the request");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void twoHundredMegabyteUploadKeepsTheJavaHeapFlat() throws Exception {
        long size = 200L * 1024 * 1024;
        Multipart.GeneratedContent content = new Multipart.GeneratedContent(size);
        Multipart body = new Multipart().file("big", "big.bin", content);

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long baseline = memory.getHeapMemoryUsage().getUsed();
        AtomicLong peak = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        CapturedResponse r = php.call(Php.post("dump.php", body.contentType(), body.length(), body.stream()));
        sampler.interrupt();
        sampler.join();

        assertEquals(200, r.status(), r.body());
        Map<String, Object> d = Json.parse(r.body());
        Map<String, Object> big = (Map<String, Object>) ((Map<String, Object>) d.get("files")).get("big");
        assertEquals(0, big.get("error"), "upload error code");
        assertEquals(size, ((Number) big.get("size")).longValue());
        Map<String, Object> uploaded = ((List<Map<String, Object>>) d.get("uploaded")).get(0);
        assertEquals(content.md5Hex(), uploaded.get("md5"));
        assertEquals(true, uploaded.get("is_uploaded_file"));
        long growth = peak.get() - baseline;
        assertTrue(growth < 64L * 1024 * 1024, "Java heap grew by " + growth / (1024 * 1024) + " MiB during a 200 MiB upload");
    }

    private static String md5(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    }
}
