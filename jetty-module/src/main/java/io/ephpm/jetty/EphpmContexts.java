package io.ephpm.jetty;

import io.ephpm.servlet.OctaneServlet;
import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * Builds the Jetty 12 ee10 context that serves one {@link EphpmApp}: the document root as base
 * resource, Jetty's DefaultServlet named {@code default} for static files (Range, ETag), and
 * OctaneServlet at {@code /} for everything else.
 */
public final class EphpmContexts {
    public static final String SERVLET_NAME = "ephpm";

    private EphpmContexts() {
    }

    public static ServletContextHandler create(EphpmApp app) {
        ServletContextHandler context = new FailFastServletContextHandler(app.contextPath());
        context.setDisplayName("ePHPm " + app.appRoot());
        context.setBaseResourceAsPath(app.documentRoot());
        context.setClassLoader(EphpmContexts.class.getClassLoader());

        ServletHolder staticFiles = new ServletHolder("default", DefaultServlet.class);
        staticFiles.setInitParameter("dirAllowed", "false");
        staticFiles.setInitParameter("etags", "true");
        context.getServletHandler().addServlet(staticFiles);

        ServletHolder php = new ServletHolder(SERVLET_NAME, OctaneServlet.class);
        php.setAsyncSupported(true);
        php.setInitOrder(1);
        app.servletParameters().forEach(php::setInitParameter);
        context.addServlet(php, "/");
        return context;
    }
}
