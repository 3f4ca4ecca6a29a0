package io.ephpm.servlet;

import jakarta.servlet.Servlet;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.UnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;

/**
 * An instance of Tomcat's {@code DefaultServlet}, of the class and with the init-params of the
 * context's {@code default} servlet, that {@link OctaneServlet} calls in place.
 *
 * <p>Tomcat's {@code DefaultServlet} sends a file with sendfile only when the request and response
 * reaching it are Tomcat's own, unwrapped ones, and a forward always wraps them; called in place,
 * it gets them as they came, and no dispatch runs (in a profile of a 5-byte file the forward's
 * own machinery cost nearly as much as the servlet it reached).
 */
final class InPlaceTomcatDefaultServlet implements StaticFileServlet {
    static final String TOMCAT_DEFAULT_SERVLET = "org.apache.catalina.servlets.DefaultServlet";

    private final Servlet servlet;

    private InPlaceTomcatDefaultServlet(Servlet servlet) {
        this.servlet = servlet;
    }

    /** Null when the context's default servlet is not Tomcat's (or a subclass of it), or there is none. */
    static InPlaceTomcatDefaultServlet create(ServletContext context) throws ServletException {
        ServletRegistration registration = context.getServletRegistration(NAME);
        if (registration == null || registration.getClassName() == null) {
            return null;
        }
        Class<?> type;
        try {
            type = Class.forName(registration.getClassName(), false, context.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
        if (!isTomcatDefaultServlet(type) || !Servlet.class.isAssignableFrom(type)) {
            return null;
        }
        Servlet servlet;
        try {
            servlet = (Servlet) type.getConstructor().newInstance();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new UnavailableException("ePHPm: Tomcat's " + type.getName() + " for static files cannot be created: " + e);
        }
        servlet.init(config(context, Map.copyOf(registration.getInitParameters())));
        return new InPlaceTomcatDefaultServlet(servlet);
    }

    private static boolean isTomcatDefaultServlet(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(TOMCAT_DEFAULT_SERVLET)) {
                return true;
            }
        }
        return false;
    }

    private static ServletConfig config(ServletContext context, Map<String, String> initParameters) {
        return new ServletConfig() {
            @Override
            public String getServletName() {
                return NAME;
            }

            @Override
            public ServletContext getServletContext() {
                return context;
            }

            @Override
            public String getInitParameter(String name) {
                return initParameters.get(name);
            }

            @Override
            public Enumeration<String> getInitParameterNames() {
                return Collections.enumeration(initParameters.keySet());
            }
        };
    }

    @Override
    public void serve(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        servlet.service(request, response);
    }

    @Override
    public void destroy() {
        servlet.destroy();
    }
}
