package io.ephpm.servlet;

import io.ephpm.php.PhpRequest;
import jakarta.servlet.http.HttpServletRequest;
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
                .variable("DOCUMENT_URI", scriptName + pathInfo)
                .variable("SCRIPT_NAME", scriptName)
                .variable("SCRIPT_FILENAME", script.file().toString())
                .variable("PHP_SELF", scriptName + pathInfo)
                .variable("REDIRECT_STATUS", "200");
        if (!pathInfo.isEmpty()) {
            b.variable("PATH_INFO", pathInfo);
            b.variable("PATH_TRANSLATED", settings.documentRoot() + pathInfo);
        }
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
