package io.ephpm.php;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Where a PHP response goes, in order: {@link #headers} once, then body chunks and flushes as PHP
 * produces them, then {@link #complete} exactly once.
 *
 * <p>An {@link IOException} from any method tells PHP the client is gone: PHP stops writing
 * (as with {@code connection_aborted()}), and {@code complete} still follows.
 */
public interface PhpResponse {
    /** Status and headers, before the first body byte. Repeated headers stay separate entries. */
    void headers(int status, List<Header> headers) throws IOException;

    /**
     * PHP asked for an interim response ({@code headers_send(103)}) with the headers set so far, before
     * {@link #headers}; those headers stay set for the final response. The default sends nothing: a
     * container without interim responses skips them, as a client that does not know them would.
     */
    default void informational(int status, List<Header> headers) throws IOException {
    }

    /** A body chunk. The buffer is only valid during the call. */
    void body(ByteBuffer chunk) throws IOException;

    /**
     * PHP called {@code \Ephpm\Worker\send_file()}: send this segment of a file as the body.
     * The default copies it through {@link #body}; a container can do better.
     *
     * @param length bytes to send, or -1 for the rest of the file
     */
    default void sendFile(Path file, long offset, long length) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long remaining = length < 0 ? Math.max(0, channel.size() - offset) : length;
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            long position = offset;
            while (remaining > 0) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), remaining));
                int n = channel.read(buffer, position);
                if (n < 0) {
                    throw new IOException(file + " ended before the requested segment");
                }
                buffer.flip();
                body(buffer);
                position += n;
                remaining -= n;
            }
        }
    }

    /** PHP called {@code flush()}: push everything written so far to the client. */
    void flush() throws IOException;

    /**
     * The response is complete.
     *
     * @param outcome how the script ended
     * @param error   the fatal error message when the outcome is a failure, else empty
     */
    void complete(Outcome outcome, String error);

    record Header(String name, String value) {
    }
}
