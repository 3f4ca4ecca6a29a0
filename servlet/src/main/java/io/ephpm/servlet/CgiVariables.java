package io.ephpm.servlet;

import io.ephpm.php.PhpRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Enumeration;
import java.util.Locale;

/**
 * Describes a servlet request to PHP the way nginx's fastcgi_params describe it to php-fpm:
 * CGI/1.1 variables plus one HTTP_* variable per request header.
 */
final class CgiVariables {
    private final Settings settings;
    private final String serverSoftware;

    CgiVariables(Settings settings, String serverSoftware) {
        this.settings = settings;
        this.serverSoftware = serverSoftware;
    }

    /** The request's variables; the caller adds the body, and CONTENT_LENGTH for a chunked one once it is read. */
    PhpRequest.Builder build(HttpServletRequest request, Route.Script script) {
        String contextPath = request.getContextPath();
        String query = request.getQueryString();
        String scriptName = contextPath + script.scriptPath();
        String pathInfo = script.pathInfo();

        PhpRequest.Builder b = PhpRequest.builder()
                .variable("GATEWAY_INTERFACE", "CGI/1.1")
                .variable("SERVER_SOFTWARE", serverSoftware)
                .variable("SERVER_PROTOCOL", request.getProtocol())
                .variable("REQUEST_SCHEME", request.getScheme())
                .variable("SERVER_NAME", request.getServerName())
                .variable("SERVER_ADDR", nullToEmpty(request.getLocalAddr()))
                .variable("SERVER_PORT", Integer.toString(request.getLocalPort()))
                .variable("REMOTE_ADDR", nullToEmpty(request.getRemoteAddr()))
                .variable("REMOTE_PORT", Integer.toString(request.getRemotePort()))
                .variable("REQUEST_METHOD", request.getMethod())
                .rawVariable("REQUEST_URI", request.getRequestURI() + (query != null ? "?" + query : ""))
                .rawVariable("QUERY_STRING", query != null ? query : "")
                .variable("DOCUMENT_ROOT", settings.documentRoot().toString())
                // nginx's try_files $fastcgi_script_name: the script's URI, without the path info
                .variable("DOCUMENT_URI", scriptName)
                .variable("SCRIPT_NAME", scriptName)
                .variable("SCRIPT_FILENAME", script.file().toString())
                .variable("PHP_SELF", scriptName + pathInfo)
                .variable("REDIRECT_STATUS", "200");
        if (!pathInfo.isEmpty()) {
            b.variable("PATH_INFO", pathInfo);
            b.variable("PATH_TRANSLATED", settings.documentRoot() + pathInfo);
        }
        addAuthentication(b, request);
        if (request.isSecure()) {
            b.variable("HTTPS", "on");
        }
        String contentType = request.getContentType();
        if (contentType != null) {
            b.rawVariable("CONTENT_TYPE", contentType);
        }
        long contentLength = request.getContentLengthLong();
        if (contentLength >= 0) {
            b.variable("CONTENT_LENGTH", Long.toString(contentLength));
        }
        Enumeration<String> names = request.getHeaderNames();
        while (names.hasMoreElements()) {
            String name = names.nextElement();
            // like nginx: names with '_' could impersonate '-' names; "Proxy" is the httpoxy vector
            if (name.indexOf('_') >= 0 || name.equalsIgnoreCase("Proxy")) {
                continue;
            }
            b.header(name, joinedValues(request, name));
        }
        return b;
    }

    /**
     * REMOTE_USER and AUTH_TYPE: the container's login when the container authenticated the request;
     * otherwise the user named in a Basic Authorization header, which nginx passes to php-fpm as
     * {@code $remote_user} whether or not it checked the password (the application checks it).
     */
    private static void addAuthentication(PhpRequest.Builder b, HttpServletRequest request) {
        String user = request.getRemoteUser();
        String type = request.getAuthType();
        if (user == null) {
            user = basicAuthUser(request.getHeader("Authorization"));
            type = "Basic";
        }
        if (user == null) {
            return;
        }
        b.rawVariable("REMOTE_USER", user);
        if (type != null) {
            b.variable("AUTH_TYPE", cgiAuthType(type));
        }
    }

    /** The user part of {@code Basic base64(user:password)}, as bytes in ISO-8859-1 chars; null if there is none. */
    private static String basicAuthUser(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        byte[] credentials;
        try {
            credentials = Base64.getDecoder().decode(authorization.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
        String decoded = new String(credentials, StandardCharsets.ISO_8859_1);
        int colon = decoded.indexOf(':');
        String user = colon > 0 ? decoded.substring(0, colon) : null;
        return user != null && user.indexOf('\0') < 0 ? user : null;
    }

    /** The servlet API names the schemes in capitals (BASIC, DIGEST); CGI spells the scheme as in the header. */
    private static String cgiAuthType(String servletAuthType) {
        return switch (servletAuthType) {
            case HttpServletRequest.BASIC_AUTH -> "Basic";
            case HttpServletRequest.DIGEST_AUTH -> "Digest";
            default -> servletAuthType;
        };
    }

    private static String joinedValues(HttpServletRequest request, String name) {
        Enumeration<String> values = request.getHeaders(name);
        String first = values.hasMoreElements() ? values.nextElement() : "";
        if (!values.hasMoreElements()) {
            return first;
        }
        String separator = name.toLowerCase(Locale.ROOT).equals("cookie") ? "; " : ", ";
        StringBuilder joined = new StringBuilder(first);
        while (values.hasMoreElements()) {
            joined.append(separator).append(values.nextElement());
        }
        return joined.toString();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
