package io.ephpm.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** headers_send(103) through real Jetty and Tomcat, read off the socket: a 103 with the Link headers, then the 200. */
class EarlyHintsServletTest {
    private static Map<Server.Kind, Server> SERVERS;
    @TempDir
    static Path temp;

    @BeforeAll
    static void start() throws Exception {
        TestApp app = TestApp.copy(temp.resolve("app"));
        SERVERS = Server.startEach("/app", app.documentRoot, Map.of(
                "mode", "classic",
                "app-root", app.root.toString(),
                "workers", "2"));
    }

    @AfterAll
    static void stop() throws Exception {
        Server.closeAll(SERVERS);
    }

    /** One response head (status line and headers) as it came off the wire, and when. */
    record Head(int status, List<String> lines, long arrivedMillis) {
        List<String> values(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return lines.stream().filter(l -> l.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .map(l -> l.substring(prefix.length()).trim()).toList();
        }
    }

    record Exchange(List<Head> heads, String body) {
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void theClientGetsA103WithTheLinkHeadersBeforeThe200(Server.Kind kind) throws Exception {
        Exchange exchange = get(SERVERS.get(kind).port(), "/app/early-hints.php?ms=700", "HTTP/1.1");
        assertEquals(2, exchange.heads.size(), exchange.heads.toString());
        Head hint = exchange.heads.get(0);
        Head last = exchange.heads.get(1);
        assertEquals(103, hint.status);
        assertEquals(List.of("</style.css>; rel=preload; as=style", "</app.js>; rel=preload; as=script"), hint.values("Link"));
        assertTrue(hint.values("X-Not-Hinted").isEmpty(), "only Link headers are hinted: " + hint.lines);
        if (kind == Server.Kind.JETTY) {
            // Tomcat 10.1.59 leaves the 103 in the connection's buffer until the final head follows it
            assertTrue(last.arrivedMillis - hint.arrivedMillis >= 500,
                    "the 103 went out as PHP asked, before the 700 ms pause: " + hint.arrivedMillis + " / " + last.arrivedMillis + " ms");
        }
        assertEquals(200, last.status);
        assertEquals(List.of("</style.css>; rel=preload; as=style", "</app.js>; rel=preload; as=script"), last.values("Link"),
                "PHP keeps the hinted headers for the final response, once each");
        assertEquals(List.of("final only"), last.values("X-Not-Hinted"));
        assertEquals("hinted=1 late=3", exchange.body, "a 103 after the final headers is refused (SAPI_HEADER_SEND_FAILED)");
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void aSecondHintReplacesTheLinksOfTheFirst(Server.Kind kind) throws Exception {
        Exchange exchange = get(SERVERS.get(kind).port(), "/app/early-hints.php?twice=1", "HTTP/1.1");
        assertEquals(3, exchange.heads.size(), exchange.heads.toString());
        assertEquals(List.of("</style.css>; rel=preload; as=style", "</app.js>; rel=preload; as=script", "</font.woff2>; rel=preload; as=font"),
                exchange.heads.get(1).values("Link"));
        assertEquals(3, exchange.heads.get(2).values("Link").size(), exchange.heads.get(2).lines().toString());
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void aClientThatAsksToCloseTheConnectionGetsItsResponseWithoutHanging(Server.Kind kind) throws Exception {
        Exchange exchange = get(SERVERS.get(kind).port(), "/app/early-hints.php", "HTTP/1.1", "Connection: close");
        Head last = exchange.heads.get(exchange.heads.size() - 1);
        assertEquals(200, last.status);
        assertEquals("hinted=1 late=3", exchange.body);
        // Jetty 12.0.16 would never send the final response after a 103 on such a connection
        assertEquals(kind == Server.Kind.JETTY ? 1 : 2, exchange.heads.size(), exchange.heads.toString());
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void theFinalResponseCarriesTheLinkHeadersPhpEndsWith(Server.Kind kind) throws Exception {
        Exchange exchange = get(SERVERS.get(kind).port(), "/app/early-hints.php?drop=1", "HTTP/1.1");
        Head last = exchange.heads.get(exchange.heads.size() - 1);
        assertEquals(103, exchange.heads.get(0).status);
        assertEquals(200, last.status);
        assertEquals(List.of("</other.css>; rel=preload; as=style"), last.values("Link"));
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void anHttp10ClientGetsNoInterimResponse(Server.Kind kind) throws Exception {
        Exchange exchange = get(SERVERS.get(kind).port(), "/app/early-hints.php", "HTTP/1.0");
        assertEquals(1, exchange.heads.size(), exchange.heads.toString());
        assertEquals(200, exchange.heads.get(0).status);
        assertFalse(exchange.body.isEmpty());
    }

    /** Reads heads until the final one, then its body (Content-Length or chunked); the connection may stay open. */
    static Exchange get(int port, String target, String protocol, String... headers) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            StringBuilder head = new StringBuilder("GET " + target + " " + protocol + "\r\nHost: 127.0.0.1\r\n");
            for (String h : headers) {
                head.append(h).append("\r\n");
            }
            socket.getOutputStream().write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            long start = System.nanoTime();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            List<Head> heads = new java.util.ArrayList<>();
            int parsed = 0;
            byte[] buffer = new byte[8192];
            int n;
            while ((n = readOrFail(in, buffer, received)) > 0) {
                received.write(buffer, 0, n);
                long now = (System.nanoTime() - start) / 1_000_000;
                String text = received.toString(StandardCharsets.ISO_8859_1);
                int end;
                // every head that is complete now arrived by now; a final one ends the heads
                while ((heads.isEmpty() || heads.get(heads.size() - 1).status < 200) && (end = text.indexOf("\r\n\r\n", parsed)) >= 0) {
                    List<String> lines = List.of(text.substring(parsed, end).split("\r\n"));
                    heads.add(new Head(Integer.parseInt(lines.get(0).substring(9, 12)), lines.subList(1, lines.size()), now));
                    parsed = end + 4;
                }
                if (!heads.isEmpty() && heads.get(heads.size() - 1).status >= 200) {
                    Head last = heads.get(heads.size() - 1);
                    String rest = text.substring(parsed);
                    List<String> length = last.values("Content-Length");
                    if (!length.isEmpty() && rest.length() >= Integer.parseInt(length.get(0))) {
                        return new Exchange(heads, rest);
                    }
                    if (last.values("Transfer-Encoding").contains("chunked") && rest.endsWith("0\r\n\r\n")) {
                        return new Exchange(heads, unchunk(rest));
                    }
                }
            }
            return new Exchange(heads, received.toString(StandardCharsets.ISO_8859_1).substring(parsed));
        }
    }

    private static int readOrFail(InputStream in, byte[] buffer, ByteArrayOutputStream received) throws IOException {
        try {
            return in.read(buffer);
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("no complete answer within 10 s; received: " + received.toString(StandardCharsets.ISO_8859_1), e);
        }
    }

    private static String unchunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, lineEnd).trim(), 16);
            if (size == 0) {
                return body.toString();
            }
            body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
