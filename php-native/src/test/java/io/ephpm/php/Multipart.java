package io.ephpm.php;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/** Builds multipart/form-data bodies as streams, so a large file never sits in memory. */
final class Multipart {
    static final String BOUNDARY = "----ephpm-test-boundary-7MA4YWxkTrZu0gW";

    private final List<InputStream> parts = new ArrayList<>();
    private long length;

    String contentType() {
        return "multipart/form-data; boundary=" + BOUNDARY;
    }

    Multipart field(String name, String value) {
        return bytes("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n");
    }

    Multipart file(String name, String filename, byte[] content) {
        bytes(fileHeader(name, filename));
        add(new java.io.ByteArrayInputStream(content), content.length);
        return bytes("\r\n");
    }

    Multipart file(String name, String filename, GeneratedContent content) {
        bytes(fileHeader(name, filename));
        add(content, content.length);
        return bytes("\r\n");
    }

    private static String fileHeader(String name, String filename) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
    }

    private Multipart bytes(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        add(new java.io.ByteArrayInputStream(b), b.length);
        return this;
    }

    private void add(InputStream in, long n) {
        parts.add(in);
        length += n;
    }

    private static final String CLOSING = "--" + BOUNDARY + "--\r\n";
    private boolean closed;

    long length() {
        return length + (closed ? 0 : CLOSING.length());
    }

    InputStream stream() {
        if (!closed) {
            bytes(CLOSING);
            closed = true;
        }
        return new SequenceInputStream(Collections.enumeration(parts));
    }

    static byte[] join(byte[]... arrays) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] a : arrays) {
            out.writeBytes(a);
        }
        return out.toByteArray();
    }

    /** Deterministic pseudo-random bytes produced on the fly, with their MD5 computed as they are read. */
    static final class GeneratedContent extends InputStream {
        final long length;
        private long position;
        private long state = 0x9E3779B97F4A7C15L;
        private final MessageDigest md5;

        GeneratedContent(long length) {
            this.length = length;
            try {
                md5 = MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= length) {
                return -1;
            }
            int n = (int) Math.min(len, length - position);
            for (int i = 0; i < n; i++) {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
                b[off + i] = (byte) state;
            }
            md5.update(b, off, n);
            position += n;
            return n;
        }

        String md5Hex() {
            if (position != length) {
                throw new IllegalStateException("content not fully read: " + position + " of " + length);
            }
            return HexFormat.of().formatHex(md5.digest());
        }
    }
}
