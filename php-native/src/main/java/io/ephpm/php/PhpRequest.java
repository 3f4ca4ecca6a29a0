package io.ephpm.php;

import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * What PHP is told about one request: the CGI/1.1 server variables that become $_SERVER (and from
 * which PHP itself builds $_GET, $_POST, $_COOKIE and $_FILES), plus the body, pulled as PHP reads it.
 *
 * <p>The variables are encoded straight into the envelope described in ephpm.h as they are added,
 * one array per request, which crosses into C once.
 */
public final class PhpRequest {
    private static final InputStream EMPTY_BODY = InputStream.nullInputStream();
    private static final VarHandle NATIVE_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());

    private final byte[] envelope;
    private final int envelopeSize;
    private final InputStream body;

    private PhpRequest(Builder b) {
        this.envelope = b.buffer;
        this.envelopeSize = b.size;
        this.body = b.body;
    }

    public static Builder builder() {
        return new Builder();
    }

    public InputStream body() {
        return body;
    }

    int envelopeSize() {
        return envelopeSize;
    }

    /** Writes the envelope described in ephpm.h. */
    void writeEnvelope(ByteBuffer out) {
        out.put(envelope, 0, envelopeSize);
    }

    public static final class Builder {
        private static final byte[] HEADER_PREFIX = "HTTP_".getBytes(StandardCharsets.US_ASCII);

        private byte[] buffer = new byte[1024];
        private int size = 4;
        private int count;
        private boolean handedOut;
        private InputStream body = EMPTY_BODY;

        /** A server variable whose value is text (a path, a name): encoded as UTF-8. */
        public Builder variable(String name, String value) {
            return add(null, name, value, false);
        }

        /**
         * A server variable carrying raw bytes, such as a header value a container decoded as
         * ISO-8859-1: each char is one byte again. A value with chars beyond ISO-8859-1 can only
         * have been decoded as UTF-8, and is encoded back that way.
         */
        public Builder rawVariable(String name, String value) {
            return add(null, name, value, true);
        }

        /** An HTTP request header: {@code Accept-Language} becomes {@code HTTP_ACCEPT_LANGUAGE}. */
        public Builder header(String name, String value) {
            return add(HEADER_PREFIX, name, value, true);
        }

        public static String headerVariable(String headerName) {
            StringBuilder variable = new StringBuilder(HEADER_PREFIX.length + headerName.length()).append("HTTP_");
            for (int i = 0; i < headerName.length(); i++) {
                variable.append(headerVariableChar(headerName.charAt(i)));
            }
            return variable.toString();
        }

        public Builder body(InputStream body) {
            this.body = Objects.requireNonNull(body);
            return this;
        }

        public PhpRequest build() {
            NATIVE_INT.set(buffer, 0, count);
            handedOut = true;
            return new PhpRequest(this);
        }

        /** Appends one entry; on bad input it throws and leaves the envelope as it was. */
        private Builder add(byte[] prefix, String name, String value, boolean raw) {
            int nameLength = (prefix == null ? 0 : prefix.length) + name.length();
            if (name.isEmpty()) {
                throw new IllegalArgumentException("Invalid server variable name: ''");
            }
            // room for a value of one byte per char; putUtf8 makes more room if it needs it
            reserve(4 + nameLength + 1 + 4 + value.length() + 1);
            int position = size + 4;
            if (prefix != null) {
                System.arraycopy(prefix, 0, buffer, position, prefix.length);
                position += prefix.length;
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c == 0) {
                    throw new IllegalArgumentException("Invalid server variable name: '" + name + "'");
                }
                if (prefix != null) {
                    c = headerVariableChar(c);
                }
                buffer[position++] = (byte) (c <= 0xFF ? c : '?');
            }
            NATIVE_INT.set(buffer, size, nameLength);
            buffer[position++] = 0;
            int valueStart = position + 4;
            int valueEnd = raw && isLatin1(value) ? putLatin1(value, valueStart) : putUtf8(value, valueStart);
            if (valueEnd < 0) {
                throw new IllegalArgumentException("NUL byte in the value of "
                        + (prefix == null ? name : headerVariable(name)));
            }
            NATIVE_INT.set(buffer, position, valueEnd - valueStart);
            buffer[valueEnd] = 0;
            size = valueEnd + 1;
            count++;
            return this;
        }

        private static char headerVariableChar(char c) {
            if (c == '-') {
                return '_';
            }
            return c >= 'a' && c <= 'z' ? (char) (c - ('a' - 'A')) : Character.toUpperCase(c);
        }

        private static boolean isLatin1(String value) {
            for (int i = 0; i < value.length(); i++) {
                if (value.charAt(i) > 0xFF) {
                    return false;
                }
            }
            return true;
        }

        /** Returns the end position, or -1 when the value holds a NUL. */
        private int putLatin1(String value, int position) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == 0) {
                    return -1;
                }
                buffer[position++] = (byte) c;
            }
            return position;
        }

        /** Returns the end position, or -1 when the value holds a NUL. */
        private int putUtf8(String value, int position) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c >= 0x80) {
                    byte[] encoded = value.substring(i).getBytes(StandardCharsets.UTF_8);
                    ensureCapacity(position + encoded.length + 1);
                    System.arraycopy(encoded, 0, buffer, position, encoded.length);
                    return value.indexOf('\0', i) >= 0 ? -1 : position + encoded.length;
                }
                if (c == 0) {
                    return -1;
                }
                buffer[position++] = (byte) c;
            }
            return position;
        }

        private void reserve(int bytes) {
            ensureCapacity(size + bytes);
        }

        /**
         * Makes the buffer hold at least capacity bytes, keeping everything written so far (an entry
         * may be half written), and copies it first if a built request still holds it.
         */
        private void ensureCapacity(int capacity) {
            if (handedOut || capacity > buffer.length) {
                buffer = Arrays.copyOf(buffer, capacity > buffer.length ? Math.max(capacity, buffer.length * 2) : buffer.length);
                handedOut = false;
            }
        }
    }
}
