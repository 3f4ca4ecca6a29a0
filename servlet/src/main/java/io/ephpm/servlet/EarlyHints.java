package io.ephpm.servlet;

import io.ephpm.php.PhpResponse.Header;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends a 103 Early Hints response ahead of the final one, the way the container running us supports
 * it; Jakarta Servlet 6.0 has no API for it. Found at run time, so that this module needs neither
 * container: Jetty 12's ee10 {@code sendError(103)} and Tomcat's {@code sendEarlyHints()} (10.1.34 and
 * later, 11) each send the response's current headers as a 103, and leave them set. Elsewhere, and to
 * HTTP/1.0 clients (which know no interim responses), nothing is sent.
 *
 * <p>Two container limits: Jetty 12.0.16 never sends the final response after a 103 on a connection
 * the request asked to close, so no 103 is sent there; Tomcat 10.1.59 leaves the 103 in the connection's
 * buffer, so the client gets it together with the final response's head.
 */
final class EarlyHints {
    private static final Logger LOG = Logger.getLogger(EarlyHints.class.getName());

    /** Whether the response keeps the hinted headers afterwards, so that the final ones must replace them. */
    enum Sent {
        NOTHING, HEADERS_KEPT
    }

    private EarlyHints() {
    }

    /** @param replace the response holds Link headers of an earlier hint, which these replace */
    static Sent send(HttpServletRequest request, HttpServletResponse response, List<Header> links,
                     boolean replace) throws IOException {
        if (response.isCommitted() || "HTTP/1.0".equals(request.getProtocol())) {
            return Sent.NOTHING;
        }
        try {
            if (isJetty(response)) {
                String connection = request.getHeader("Connection");
                if (connection != null && connection.toLowerCase(Locale.ROOT).contains("close")) {
                    LOG.fine("ePHPm: no 103 on a connection the request asked to close (Jetty would not send the final response)");
                    return Sent.NOTHING;
                }
                setLinks(response, links, replace);
                response.sendError(103);
                return Sent.HEADERS_KEPT;
            }
            Method tomcat = publicMethod(unwrap(response), "sendEarlyHints");
            if (tomcat != null) {
                setLinks(response, links, replace);
                tomcat.invoke(unwrap(response));
                return Sent.HEADERS_KEPT;
            }
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException("the container failed to send a 103 response", cause);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "ePHPm: this container's early hints could not be reached; no 103 is sent", e);
            return Sent.NOTHING;
        }
        LOG.fine(() -> "ePHPm: " + response.getClass().getName() + " has no known way to send a 103 response; it is skipped");
        return Sent.NOTHING;
    }

    /** Jetty 12's ee10 responses answer sendError(102 or 103) with an interim response of their current headers. */
    private static boolean isJetty(HttpServletResponse response) {
        return unwrap(response).getClass().getName().startsWith("org.eclipse.jetty.ee10.");
    }

    private static void setLinks(HttpServletResponse response, List<Header> links, boolean replace) {
        boolean first = true;
        for (Header link : links) {
            if (first && replace) {
                response.setHeader(link.name(), link.value());
            } else {
                response.addHeader(link.name(), link.value());
            }
            first = false;
        }
    }

    private static ServletResponse unwrap(ServletResponse response) {
        while (response instanceof ServletResponseWrapper wrapper) {
            response = wrapper.getResponse();
        }
        return response;
    }

    private static Method publicMethod(Object target, String name) {
        try {
            Method method = target.getClass().getMethod(name);
            return java.lang.reflect.Modifier.isPublic(method.getDeclaringClass().getModifiers()) ? method : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
