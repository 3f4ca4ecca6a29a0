package io.ephpm.php;

import java.io.IOException;
import java.nio.ByteBuffer;
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

    /** A body chunk. The buffer is only valid during the call. */
    void body(ByteBuffer chunk) throws IOException;

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
