package io.ephpm.php;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What PHP is told about one request: the CGI/1.1 server variables that become $_SERVER (and from
 * which PHP itself builds $_GET, $_POST, $_COOKIE and $_FILES), plus the body, pulled as PHP reads it.
 *
 * <p>The whole envelope crosses into C once, as one buffer.
 */
public final class PhpRequest {
    private static final InputStream EMPTY_BODY = InputStream.nullInputStream();

    private final List<byte[]> names;
    private final List<byte[]> values;
    private final InputStream body;

    private PhpRequest(Builder b) {
        this.names = List.copyOf(b.names);
        this.values = List.copyOf(b.values);
        this.body = b.body;
    }

    public static Builder builder() {
        return new Builder();
    }

    public InputStream body() {
        return body;
    }

    int envelopeSize() {
        int size = 4;
        for (int i = 0; i < names.size(); i++) {
            size += 4 + names.get(i).length + 1 + 4 + values.get(i).length + 1;
        }
        return size;
    }

    /** Writes the envelope described in ephpm.h; the buffer must be in native byte order. */
    void writeEnvelope(ByteBuffer out) {
        out.putInt(names.size());
        for (int i = 0; i < names.size(); i++) {
            putString(out, names.get(i));
            putString(out, values.get(i));
        }
    }

    private static void putString(ByteBuffer out, byte[] bytes) {
        out.putInt(bytes.length);
        out.put(bytes);
        out.put((byte) 0);
    }

    public static final class Builder {
        private final List<byte[]> names = new ArrayList<>();
        private final List<byte[]> values = new ArrayList<>();
        private InputStream body = EMPTY_BODY;

        /** A server variable whose value is text (a path, a name): encoded as UTF-8. */
        public Builder variable(String name, String value) {
            return add(name, value.getBytes(StandardCharsets.UTF_8));
        }

        /**
         * A server variable carrying raw bytes, such as a header value a container decoded as
         * ISO-8859-1: each char is one byte again. A value with chars beyond ISO-8859-1 can only
         * have been decoded as UTF-8, and is encoded back that way.
         */
        public Builder rawVariable(String name, String value) {
            for (int i = 0; i < value.length(); i++) {
                if (value.charAt(i) > 0xFF) {
                    return add(name, value.getBytes(StandardCharsets.UTF_8));
                }
            }
            return add(name, value.getBytes(StandardCharsets.ISO_8859_1));
        }

        /** An HTTP request header: {@code Accept-Language} becomes {@code HTTP_ACCEPT_LANGUAGE}. */
        public Builder header(String name, String value) {
            return rawVariable(headerVariable(name), value);
        }

        public static String headerVariable(String headerName) {
            return "HTTP_" + headerName.toUpperCase(Locale.ROOT).replace('-', '_');
        }

        public Builder body(InputStream body) {
            this.body = Objects.requireNonNull(body);
            return this;
        }

        private Builder add(String name, byte[] value) {
            if (name.isEmpty() || name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("Invalid server variable name: '" + name + "'");
            }
            for (byte b : value) {
                if (b == 0) {
                    throw new IllegalArgumentException("NUL byte in the value of " + name);
                }
            }
            names.add(name.getBytes(StandardCharsets.ISO_8859_1));
            values.add(value);
            return this;
        }

        public PhpRequest build() {
            return new PhpRequest(this);
        }
    }
}
