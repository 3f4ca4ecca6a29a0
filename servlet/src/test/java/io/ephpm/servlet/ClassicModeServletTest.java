package io.ephpm.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.List;
import java.util.Map;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.ServerConnector;

/** Classic mode (one PHP request per HTTP request) in real Jetty and Tomcat, under the context path /app. */
class ClassicModeServletTest {
    private static Map<Server.Kind, Server> SERVERS;
    @TempDir
    static Path temp;
    private static TestApp app;

    @BeforeAll
    static void start() throws Exception {
        app = TestApp.copy(temp.resolve("app"));
        SERVERS = Server.startEach("/app", app.documentRoot, Map.of(
                "mode", "classic",
                "app-root", app.root.toString(),
                "workers", "2",
                "request-timeout", "2",
                "status-path", "/_ephpm/status",
                "env.APP_GREETING", "hello from the servlet config",
                "php.memory_limit", "96M"));
    }

    @AfterAll
    static void stop() throws Exception {
        Server.closeAll(SERVERS);
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void frontControllerSeesCgiVariablesUnderTheContextPath(Server.Kind kind) throws Exception {
        Server server = SERVERS.get(kind);
        HttpResponse<String> r = Http.send(Http.request(server.url("/users/7?tab=posts&x%5B%5D=1")).header("X-Nonce", "n1").build());
        assertEquals(200, r.statusCode(), r.body());
        Map<String, Object> d = Json.parse(r.body());
        Map<String, Object> s = Json.map(d, "server");
        assertEquals("/app/users/7?tab=posts&x%5B%5D=1", s.get("REQUEST_URI"));
        assertEquals("tab=posts&x%5B%5D=1", s.get("QUERY_STRING"));
        assertEquals("/app/index.php", s.get("SCRIPT_NAME"));
        assertEquals(app.documentRoot.resolve("index.php").toString(), s.get("SCRIPT_FILENAME"));
        assertEquals(app.documentRoot.toString(), s.get("DOCUMENT_ROOT"));
        assertEquals("127.0.0.1", s.get("REMOTE_ADDR"));
        assertEquals(Integer.toString(server.port()), s.get("SERVER_PORT"));
        assertEquals("HTTP/1.1", s.get("SERVER_PROTOCOL"));
        assertEquals("CGI/1.1", s.get("GATEWAY_INTERFACE"));
        assertEquals("n1", s.get("HTTP_X_NONCE"));
        assertEquals("http", s.get("REQUEST_SCHEME"));
        assertFalse(s.containsKey("HTTPS"));
        assertEquals(Map.of("tab", "posts", "x", List.of("1")), d.get("get"));
        assertEquals("hello from the servlet config", d.get("env"));
        assertEquals("96M", d.get("ini_memory_limit"));
        assertEquals("classic", Json.map(d, "worker").get("mode"));
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void scriptsGetPathInfo(Server.Kind kind) throws Exception {
        Map<String, Object> s = Json.map(Json.parse(Http.get(SERVERS.get(kind).url("/index.php/extra/path")).body()), "server");
        assertEquals("/app/index.php", s.get("SCRIPT_NAME"));
        assertEquals("/extra/path", s.get("PATH_INFO"));
        assertEquals("/app/index.php/extra/path", s.get("PHP_SELF"));
        HttpResponse<String> hello = Http.get(SERVERS.get(kind).url("/hello.php"));
        assertEquals("Hello from PHP", hello.body(), "a .php file runs; its source is never sent");
        assertEquals("sub index /app/sub/index.php", Http.get(SERVERS.get(kind).url("/sub/")).body());
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void documentUriIsTheScriptWithoutThePathInfo(Server.Kind kind) throws Exception {
        Map<String, Object> s = Json.map(Json.parse(Http.get(SERVERS.get(kind).url("/parity.php/extra/path")).body()), "server");
        assertEquals("/app/parity.php", s.get("DOCUMENT_URI"));
        assertEquals("/extra/path", s.get("PATH_INFO"));
        assertEquals("/app/parity.php/extra/path", s.get("PHP_SELF"));
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void basicAuthorizationGivesRemoteUserAndAuthType(Server.Kind kind) throws Exception {
        String credentials = Base64.getEncoder().encodeToString("ada:s3cr:et".getBytes(StandardCharsets.ISO_8859_1));
        HttpResponse<String> r = Http.send(Http.request(SERVERS.get(kind).url("/parity.php"))
                .header("Authorization", "Basic " + credentials).build());
        Map<String, Object> s = Json.map(Json.parse(r.body()), "server");
        assertEquals("ada", s.get("REMOTE_USER"));
        assertEquals("Basic", s.get("AUTH_TYPE"));
        assertEquals("ada", s.get("PHP_AUTH_USER"));
        assertEquals("s3cr:et", s.get("PHP_AUTH_PW"));
        for (String other : List.of("Bearer abc.def", "Basic !!notbase64", "Basic " + Base64.getEncoder().encodeToString("nocolon".getBytes()))) {
            Map<String, Object> none = Json.map(Json.parse(Http.send(Http.request(SERVERS.get(kind).url("/parity.php"))
                    .header("Authorization", other).build()).body()), "server");
            assertFalse(none.containsKey("REMOTE_USER") || none.containsKey("AUTH_TYPE"), other + " gave " + none);
        }
    }

    /** A login made in the container (here a single-sign-on filter, as Spring Security's wrapper shows it) is REMOTE_USER. */
    @Test
    void theContainersLoginIsRemoteUser(@TempDir Path appDir) throws Exception {
        TestApp own = TestApp.copy(appDir);
        org.eclipse.jetty.server.Server jetty = new org.eclipse.jetty.server.Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.setBaseResourceAsPath(own.documentRoot);
        FilterHolder login = new FilterHolder((Filter) (request, response, chain) -> chain.doFilter(
                new HttpServletRequestWrapper((HttpServletRequest) request) {
                    @Override
                    public String getRemoteUser() {
                        return "sso-user";
                    }

                    @Override
                    public String getAuthType() {
                        return HttpServletRequest.FORM_AUTH;
                    }
                }, response));
        login.setAsyncSupported(true);
        context.addFilter(login, "/*", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder php = new ServletHolder("ephpm", OctaneServlet.class);
        php.setAsyncSupported(true);
        Map.of("mode", "classic", "app-root", own.root.toString(), "workers", "1").forEach(php::setInitParameter);
        context.addServlet(php, "/");
        jetty.setHandler(context);
        jetty.start();
        try {
            String credentials = Base64.getEncoder().encodeToString("someone-else:pw".getBytes(StandardCharsets.ISO_8859_1));
            HttpResponse<String> r = Http.send(Http.request("http://127.0.0.1:" + connector.getLocalPort() + "/parity.php")
                    .header("Authorization", "Basic " + credentials).build());
            Map<String, Object> s = Json.map(Json.parse(r.body()), "server");
            assertEquals("sso-user", s.get("REMOTE_USER"));
            assertEquals("FORM", s.get("AUTH_TYPE"));
            assertEquals("someone-else", s.get("PHP_AUTH_USER"), "PHP reads the Authorization header itself, as under php-fpm");
        } finally {
            context.stop();
            jetty.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void getallheadersGivesTheRequestHeadersAsPhpFpmNamesThem(Server.Kind kind) throws Exception {
        HttpResponse<String> r = Http.send(Http.request(SERVERS.get(kind).url("/parity.php"))
                .header("x-forwarded-for", "10.0.0.1")
                .header("Accept-Language", "de")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("body")).build());
        assertEquals(200, r.statusCode(), r.body());
        Map<String, Object> d = Json.parse(r.body());
        Map<String, Object> headers = Json.map(d, "headers");
        assertEquals("10.0.0.1", headers.get("X-Forwarded-For"));
        assertEquals("de", headers.get("Accept-Language"));
        assertEquals("text/plain", headers.get("Content-Type"));
        assertEquals("4", headers.get("Content-Length"));
        assertEquals("127.0.0.1:" + SERVERS.get(kind).port(), headers.get("Host"));
        assertEquals(headers, d.get("apache"));
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void serverAndDateHeadersOfPhpReplaceTheContainers(Server.Kind kind) throws Exception {
        String date = "Wed, 01 Jan 2020 00:00:00 GMT";
        HttpResponse<String> r = Http.get(SERVERS.get(kind).url("/parity.php?server=app%2F1.0&date="
                + java.net.URLEncoder.encode(date, StandardCharsets.UTF_8)));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(List.of("app/1.0"), r.headers().allValues("Server"));
        assertEquals(List.of(date), r.headers().allValues("Date"));
        HttpResponse<String> plain = Http.get(SERVERS.get(kind).url("/parity.php"));
        assertTrue(plain.headers().allValues("Date").size() <= 1, plain.headers().toString());
        assertTrue(plain.headers().allValues("Server").size() <= 1, plain.headers().toString());
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void staticFilesAreServedByTheContainerWithRangesAndValidators(Server.Kind kind) throws Exception {
        Server server = SERVERS.get(kind);
        HttpResponse<String> css = Http.get(server.url("/style.css"));
        assertEquals(200, css.statusCode());
        assertEquals("body { color: #333; }\n", css.body());
        assertTrue(css.headers().firstValue("Content-Type").orElse("").startsWith("text/css"));
        String etag = css.headers().firstValue("ETag").orElseThrow();
        assertTrue(css.headers().firstValue("Last-Modified").isPresent());
        HttpResponse<String> range = Http.send(Http.request(server.url("/style.css")).header("Range", "bytes=0-3").build());
        assertEquals(206, range.statusCode());
        assertEquals("body", range.body());
        HttpResponse<String> notModified = Http.send(Http.request(server.url("/style.css")).header("If-None-Match", etag).build());
        assertEquals(304, notModified.statusCode());
        assertEquals("token\n", Http.get(server.url("/.well-known/acme.txt")).body());
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void hiddenAndOutsideFilesAreNeverServed(Server.Kind kind) throws Exception {
        Server server = SERVERS.get(kind);
        for (String path : List.of("/.env", "/%2eenv", "/sub/../.env", "/WEB-INF/web.xml", "/..%2f.env", "/%2e%2e/.env")) {
            HttpResponse<String> r = Http.get(server.url(path));
            assertTrue(r.statusCode() == 404 || r.statusCode() == 400, path + " answered " + r.statusCode());
            assertFalse(r.body().contains("APP_KEY"), path + " leaked the .env file");
        }
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void formsJsonAndUploads(Server.Kind kind) throws Exception {
        Server server = SERVERS.get(kind);
        HttpResponse<String> form = Http.send(Http.request(server.url("/"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("name=Ada&tags[]=a&tags[]=b")).build());
        assertEquals(Map.of("name", "Ada", "tags", List.of("a", "b")), Json.parse(form.body()).get("post"));

        HttpResponse<String> json = Http.send(Http.request(server.url("/"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":5}")).build());
        assertEquals(Map.of("id", 5), Json.parse(json.body()).get("input"));

        String boundary = "ephpmBoundary42";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nreport\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"a.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\nfile content\r\n--" + boundary + "--\r\n";
        HttpResponse<String> upload = Http.send(Http.request(server.url("/"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        Map<String, Object> d = Json.parse(upload.body());
        assertEquals(Map.of("title", "report"), d.get("post"));
        Map<String, Object> doc = Json.map(Json.map(d, "uploads"), "doc");
        assertEquals("a.txt", doc.get("name"));
        assertEquals(12, doc.get("size"));
        assertEquals("d10b4c3ff123b26dc068d43a8bef2d23", doc.get("md5"));
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void headersCookiesAndStatusComeFromPhp(Server.Kind kind) throws Exception {
        HttpResponse<String> r = Http.get(SERVERS.get(kind).url("/cookies.php"));
        assertEquals(201, r.statusCode());
        assertEquals(List.of("a=1", "b=2; path=/; HttpOnly"), r.headers().allValues("Set-Cookie"));
        assertEquals(List.of("one", "two"), r.headers().allValues("X-Multi"));
        assertEquals("cookies set", r.body());
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void flushedEventsArriveOneByOne(Server.Kind kind) throws Exception {
        HttpResponse<InputStream> r = Http.CLIENT.send(Http.request(SERVERS.get(kind).url("/stream.php?events=4")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals("text/event-stream", r.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        List<Long> arrivals = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        try (InputStream in = r.body()) {
            byte[] buffer = new byte[1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                String piece = new String(buffer, 0, n, StandardCharsets.UTF_8);
                text.append(piece);
                for (int i = 0; i < piece.split("\n\n").length; i++) {
                    arrivals.add(System.nanoTime());
                }
            }
        }
        assertEquals("data: event 0\n\ndata: event 1\n\ndata: event 2\n\ndata: event 3\n\n", text.toString());
        assertEquals(4, arrivals.size(), "events arrived in " + arrivals.size() + " pieces");
        long spreadMillis = (arrivals.get(3) - arrivals.get(0)) / 1_000_000;
        assertTrue(spreadMillis >= 450, "the events arrived within " + spreadMillis + " ms: they were buffered");
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void aClientLeavingATenMegabyteStreamLeavesTheWorkerServing(Server.Kind kind) throws Exception {
        Server server = SERVERS.get(kind);
        HttpResponse<InputStream> r = Http.CLIENT.send(Http.request(server.url("/big.php?mb=10")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            assertEquals(65536, in.readNBytes(65536).length);
        }
        for (int i = 0; i < 4; i++) {
            assertEquals("Hello from PHP", Http.get(server.url("/hello.php")).body());
        }
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void fatalErrorsAre500AndTimeouts504(Server.Kind kind) throws Exception {
        Server server = SERVERS.get(kind);
        assertEquals(500, Http.get(server.url("/fatal.php")).statusCode());
        long start = System.nanoTime();
        assertEquals(504, Http.get(server.url("/loop.php")).statusCode());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 3500, "the timeout took " + millis + " ms with request-timeout=2");
        assertEquals("Hello from PHP", Http.get(server.url("/hello.php")).body());
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void setTimeLimitAndIniSetChangeTheTimeLimitAsInPhpFpm(Server.Kind kind) throws Exception {
        Server server = SERVERS.get(kind);
        HttpResponse<String> r = Http.get(server.url("/time-limit.php"));
        assertEquals(200, r.statusCode(), r.body());
        Map<String, Object> d = Json.parse(r.body());
        assertEquals(true, d.get("set_time_limit"));
        assertEquals("5", d.get("ini_set"), "ini_set() returns the value set_time_limit() left");
        assertEquals("7", d.get("now"));

        String token = java.util.UUID.randomUUID().toString().replace("-", "");
        assertEquals(504, Http.get(server.url("/timeout.php?token=" + token)).statusCode());
        Path record = Path.of(System.getProperty("java.io.tmpdir"), "ephpm-timeout-" + token);
        double seconds = Double.parseDouble(java.nio.file.Files.readString(record));
        java.nio.file.Files.delete(record);
        assertTrue(seconds < 1.9, "set_time_limit(1) stopped the script after " + seconds + " s, not at request-timeout=2");
        assertEquals("Hello from PHP", Http.get(server.url("/hello.php")).body());
    }

    @ParameterizedTest
    @EnumSource(Server.Kind.class)
    void statusIsPublishedAsJsonAndJmx(Server.Kind kind) throws Exception {
        Server server = SERVERS.get(kind);
        Http.get(server.url("/hello.php"));
        HttpResponse<String> r = Http.get(server.url("/_ephpm/status"));
        assertEquals(200, r.statusCode());
        Map<String, Object> status = Json.parse(r.body());
        assertEquals("classic", status.get("mode"));
        assertEquals(2, Json.map(status, "workers").get("total"));
        assertTrue(((Number) status.get("requests")).longValue() >= 1);
        var names = ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName("io.ephpm:type=WorkerPool,*"), null);
        assertTrue(names.size() >= 2, names.toString());
        ObjectName name = names.iterator().next();
        assertNotNull(ManagementFactory.getPlatformMBeanServer().getAttribute(name, "Requests"));
    }
}
