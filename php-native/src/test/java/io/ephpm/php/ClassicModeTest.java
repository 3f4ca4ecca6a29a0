package io.ephpm.php;

import static io.ephpm.php.Php.get;
import static io.ephpm.php.Php.post;
import static io.ephpm.php.Php.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Platform;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClassicModeTest {
    private static Php.Worker php;

    @BeforeAll
    static void start() {
        assertTrue(Platform.isLinux());
        php = Php.Worker.classic();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        php.close();
    }

    private static Map<String, Object> dump(PhpRequest request) {
        CapturedResponse r = php.call(request);
        assertEquals(200, r.status(), r.body());
        return Json.parse(r.body());
    }

    @Test
    void helloWorld() {
        CapturedResponse r = php.call(get("hello.php", ""));
        assertEquals(Outcome.OK, r.outcome());
        assertEquals(200, r.status());
        assertEquals("Hello, world", r.body());
        assertEquals(List.of("text/html; charset=UTF-8"), r.header("Content-type"));
        assertEquals(1, r.headerCalls());
    }

    @Test
    void queryStringWithNestedKeys() {
        Map<String, Object> d = dump(get("dump.php", "a=1&b[x]=2&b[y][]=3&b[y][]=4&sp=a+b%20c&u=%C3%A9"));
        assertEquals(Map.of("a", "1", "b", Map.of("x", "2", "y", List.of("3", "4")), "sp", "a b c", "u", "é"), d.get("get"));
        assertEquals("ephpm", d.get("sapi"));
    }

    @Test
    void urlEncodedForm() {
        Map<String, Object> d = dump(post("dump.php", "application/x-www-form-urlencoded",
                utf8("name=Ada+Lovelace&tags[]=math&tags[]=poetry&nested[a][b]=deep")));
        assertEquals(Map.of("name", "Ada Lovelace", "tags", List.of("math", "poetry"), "nested", Map.of("a", Map.of("b", "deep"))),
                d.get("post"));
        @SuppressWarnings("unchecked")
        Map<String, Object> server = (Map<String, Object>) d.get("server");
        assertEquals("POST", server.get("REQUEST_METHOD"));
        assertEquals("application/x-www-form-urlencoded", server.get("CONTENT_TYPE"));
    }

    @Test
    void jsonBodyIsReadableFromPhpInput() {
        String json = "{\"id\":42,\"tags\":[\"a\",\"b\"]}";
        Map<String, Object> d = dump(post("dump.php", "application/json", utf8(json)));
        assertEquals(json, d.get("input"));
        assertEquals(List.of(), d.get("post"));
    }

    @Test
    void cookiesAndRequestOrder() {
        PhpRequest request = Php.request("GET", "dump.php", "shared=from-get")
                .header("Cookie", "session=abc123; theme=dark; shared=from-cookie").build();
        Map<String, Object> d = dump(request);
        assertEquals(Map.of("session", "abc123", "theme", "dark", "shared", "from-cookie"), d.get("cookie"));
        // request_order defaults to GP: cookies are not part of $_REQUEST
        assertEquals(Map.of("shared", "from-get"), d.get("request"));
    }

    @Test
    void basicAuthIsParsedByPhp() {
        PhpRequest request = Php.request("GET", "dump.php", "")
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(utf8("ada:secret"))).build();
        @SuppressWarnings("unchecked")
        Map<String, Object> server = (Map<String, Object>) dump(request).get("server");
        assertEquals("ada", server.get("PHP_AUTH_USER"));
        assertEquals("secret", server.get("PHP_AUTH_PW"));
    }

    @Test
    void serverVariablesFollowCgi() {
        @SuppressWarnings("unchecked")
        Map<String, Object> server = (Map<String, Object>) dump(Php.request("GET", "dump.php", "q=1")
                .header("X-Nonce", "n-1").build()).get("server");
        assertEquals("/dump.php?q=1", server.get("REQUEST_URI"));
        assertEquals("q=1", server.get("QUERY_STRING"));
        assertEquals("CGI/1.1", server.get("GATEWAY_INTERFACE"));
        assertEquals("HTTP/1.1", server.get("SERVER_PROTOCOL"));
        assertEquals("n-1", server.get("HTTP_X_NONCE"));
        assertEquals("/dump.php", server.get("PHP_SELF"));
    }

    @Test
    void repeatedHeadersAndCookiesStaySeparate() {
        CapturedResponse r = php.call(get("headers.php", "case=cookies"));
        assertEquals(List.of("first=one", "second=two; path=/app; HttpOnly"), r.header("Set-Cookie"));
        assertEquals(List.of("a", "b"), r.header("X-Multi"));
    }

    @Test
    void statusCodes() {
        CapturedResponse notFound = php.call(get("headers.php", "case=status"));
        assertEquals(404, notFound.status());
        assertEquals("404", notFound.body());
        assertEquals(503, php.call(get("headers.php", "case=status-line")).status());
    }

    @Test
    void locationRedirects() {
        CapturedResponse r = php.call(get("headers.php", "case=redirect"));
        assertEquals(302, r.status());
        assertEquals(List.of("/elsewhere"), r.header("Location"));
        CapturedResponse created = php.call(get("headers.php", "case=created-redirect"));
        assertEquals(201, created.status());
    }

    @Test
    void headerRemoveAndHeadersSent() {
        CapturedResponse r = php.call(get("headers.php", "case=remove"));
        assertEquals(List.of("yes"), r.header("X-Keep"));
        assertEquals(List.of(), r.header("X-Gone"));
        assertEquals("not-sent sent", r.body());
    }

    @Test
    void headersAfterFlushAreTooLate() {
        CapturedResponse r = php.call(get("headers.php", "case=late-header"));
        assertEquals(List.of(), r.header("X-Too-Late"));
        assertTrue(r.body().startsWith("body first sent-at-line-"), r.body());
        assertEquals(1, r.headerCalls());
    }

    @Test
    void noOutputStillSendsHeaders() {
        CapturedResponse r = php.call(get("headers.php", "case=empty"));
        assertEquals(200, r.status());
        assertEquals("", r.body());
        assertEquals(1, r.headerCalls());
    }

    @Test
    void headRequestsSendNoBody() {
        CapturedResponse r = php.call(Php.request("HEAD", "hello.php", "").build());
        assertEquals(200, r.status());
        assertEquals("", r.body());
    }

    @Test
    void environmentIsOnlyWhatWasConfigured() {
        Map<String, Object> d = dump(get("dump.php", ""));
        assertEquals("configured", d.get("env"));
        assertEquals(false, d.get("home"), "the JVM's environment must not leak into PHP");
        assertEquals(List.of(), d.get("env_super"), "variables_order GPCS leaves $_ENV empty, as php.ini-production does");
        assertFalse(System.getenv().isEmpty());
    }

    @Test
    void includePathIsDebians() {
        // the build's own default is ".:", whose empty entry costs a failed stat() on every lookup
        assertEquals(".:/usr/share/php", dump(get("dump.php", "")).get("include_path"));
    }
}
