package io.ephpm.servlet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Sends bytes no well-behaved HTTP client would, and reads what comes back. */
final class RawHttp {
    /** firstByteMillis: how long the server took to start answering, from the end of sending. */
    record Answer(int status, String text, boolean complete, long firstByteMillis) {
    }

    private RawHttp() {
    }

    static Answer send(int port, String head, byte[] body, boolean closeOutput, int timeoutMillis) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(timeoutMillis);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            if (closeOutput) {
                socket.shutdownOutput();
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            boolean complete = true;
            byte[] buffer = new byte[8192];
            long sent = System.nanoTime();
            long firstByte = -1;
            try {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    if (firstByte < 0) {
                        firstByte = (System.nanoTime() - sent) / 1_000_000;
                    }
                    received.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                complete = false;
            } catch (IOException e) {
                complete = false; // reset by the server
            }
            String text = received.toString(StandardCharsets.ISO_8859_1);
            int status = text.startsWith("HTTP/1.") && text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : -1;
            return new Answer(status, text, complete, firstByte);
        }
    }

    /** Sends the head, then the body in pieces cut at {@code cuts} (offsets, ascending), each flushed on its own; reads the answer. */
    static Answer sendInPieces(int port, String head, byte[] body, int[] cuts, int timeoutMillis) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(timeoutMillis);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            try {
                int from = 0;
                for (int cut : cuts) {
                    if (cut > from && cut < body.length) {
                        out.write(body, from, cut - from);
                        out.flush();
                        from = cut;
                    }
                }
                out.write(body, from, body.length - from);
                out.flush();
            } catch (IOException e) {
                // the server answered before the end of the body and closed the connection
            }
            String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int status = text.startsWith("HTTP/1.") && text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : -1;
            return new Answer(status, text, true, 0);
        }
    }

    static Answer get(int port, String target, String... headers) throws IOException {
        StringBuilder head = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        for (String h : headers) {
            head.append(h).append("\r\n");
        }
        return send(port, head.append("\r\n").toString(), null, false, 10_000);
    }
}
