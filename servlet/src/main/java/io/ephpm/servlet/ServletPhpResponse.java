package io.ephpm.servlet;

import io.ephpm.php.Outcome;
import io.ephpm.php.PhpResponse;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Logger;

/** Writes what PHP produces into the servlet response, on the PHP thread, as it is produced. */
final class ServletPhpResponse implements PhpResponse {
    private static final ThreadLocal<byte[]> COPY_BUFFER = ThreadLocal.withInitial(() -> new byte[64 * 1024]);

    /** Learns how PHP ended, and whether writing to the client failed along the way. */
    interface Completion {
        void completed(Outcome outcome, String error, boolean writeFailed);
    }

    private static final Logger LOG = Logger.getLogger(ServletPhpResponse.class.getName());

    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final Completion onComplete;
    private ServletOutputStream out;
    private boolean writeFailed;
    /** Headers an early hint left in the servlet response (Tomcat), which PHP's final ones replace. */
    private Set<String> hintedHeaders = Set.of();

    ServletPhpResponse(HttpServletRequest request, HttpServletResponse response, Completion onComplete) {
        this.request = request;
        this.response = response;
        this.onComplete = onComplete;
    }

    /** A 103 carries the Link headers set so far; other interim statuses are the container's business. */
    @Override
    public void informational(int status, List<Header> headers) throws IOException {
        List<Header> links = headers.stream().filter(h -> h.name().equalsIgnoreCase("Link")).toList();
        if (status != 103 || links.isEmpty()) {
            LOG.fine(() -> "ePHPm: an interim " + status + " response with " + links.size() + " Link headers is not sent");
            return;
        }
        try {
            if (EarlyHints.send(request, response, links, !hintedHeaders.isEmpty()) == EarlyHints.Sent.HEADERS_KEPT) {
                hintedHeaders = Set.of("link");
            }
        } catch (IOException e) {
            writeFailed = true;
            throw e;
        }
    }

    @Override
    public void headers(int status, List<Header> headers) {
        response.setStatus(status);
        boolean serverSet = false;
        boolean dateSet = false;
        Set<String> replaced = hintedHeaders.isEmpty() ? Set.of() : new HashSet<>();
        for (Header h : headers) {
            String name = h.name().toLowerCase(Locale.ROOT);
            if (hintedHeaders.contains(name) && replaced.add(name)) {
                response.setHeader(h.name(), h.value());
                continue;
            }
            switch (name) {
                case "content-type" -> response.setContentType(h.value());
                case "content-length" -> setContentLength(h.value());
                // the container may have put its own in already (Jetty does): PHP's replaces it, as behind nginx
                case "server" -> serverSet = setOrAdd(serverSet, h);
                case "date" -> dateSet = setOrAdd(dateSet, h);
                default -> response.addHeader(h.name(), h.value());
            }
        }
    }

    private boolean setOrAdd(boolean alreadySetByPhp, Header h) {
        if (alreadySetByPhp) {
            response.addHeader(h.name(), h.value());
        } else {
            response.setHeader(h.name(), h.value());
        }
        return true;
    }

    private void setContentLength(String value) {
        try {
            response.setContentLengthLong(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            // an invalid Content-Length from PHP is dropped; the container delimits the body itself
        }
    }

    @Override
    public void body(ByteBuffer chunk) throws IOException {
        try {
            ServletOutputStream stream = out();
            byte[] buffer = COPY_BUFFER.get();
            while (chunk.hasRemaining()) {
                int n = Math.min(buffer.length, chunk.remaining());
                chunk.get(buffer, 0, n);
                stream.write(buffer, 0, n);
            }
        } catch (IOException | RuntimeException e) {
            writeFailed = true;
            throw e;
        }
    }

    @Override
    public void sendFile(Path file, long offset, long length) throws IOException {
        try {
            copyFile(file, offset, length);
        } catch (IOException | RuntimeException e) {
            writeFailed = true;
            throw e;
        }
    }

    private void copyFile(Path file, long offset, long length) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long remaining = length < 0 ? Math.max(0, channel.size() - offset) : length;
            if (response.getHeader("Content-Length") == null) {
                response.setContentLengthLong(remaining);
            }
            ServletOutputStream stream = out();
            byte[] buffer = COPY_BUFFER.get();
            ByteBuffer wrapped = ByteBuffer.wrap(buffer);
            long position = offset;
            while (remaining > 0) {
                wrapped.clear().limit((int) Math.min(buffer.length, remaining));
                int n = channel.read(wrapped, position);
                if (n < 0) {
                    throw new IOException(file + " is shorter than the segment PHP asked to send");
                }
                stream.write(buffer, 0, n);
                position += n;
                remaining -= n;
            }
        }
    }

    @Override
    public void flush() throws IOException {
        try {
            out().flush();
        } catch (IOException | RuntimeException e) {
            writeFailed = true;
            throw e;
        }
    }

    private ServletOutputStream out() throws IOException {
        if (out == null) {
            out = response.getOutputStream();
        }
        return out;
    }

    @Override
    public void complete(Outcome outcome, String error) {
        onComplete.completed(outcome, error, writeFailed);
    }
}
