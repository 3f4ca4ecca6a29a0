package io.ephpm.jetty;

import io.ephpm.servlet.OctaneServlet;
import io.ephpm.servlet.PrecompressedStaticFiles;
import io.ephpm.servlet.Settings;
import io.ephpm.servlet.StaticFiles;
import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * Builds the Jetty 12 ee10 context that serves one {@link EphpmApp}: the document root as base
 * resource, static files answered at Jetty's core ({@link PhpAppContextHandler}), OctaneServlet at
 * {@code /} for everything else, and Jetty's DefaultServlet named {@code default} for the few
 * static files the core leaves to the servlet (percent-escaped paths).
 */
public final class EphpmContexts {
    public static final String SERVLET_NAME = "ephpm";

    private EphpmContexts() {
    }

    public static ServletContextHandler create(EphpmApp app) {
        Settings settings = Settings.read(Settings.Parameters.of(app.servletParameters()), app.documentRoot(), System::getenv);
        ServletContextHandler context = new PhpAppContextHandler(app.contextPath(), StaticFiles.of(settings));
        context.setDisplayName("ePHPm " + app.appRoot());
        context.setBaseResourceAsPath(app.documentRoot());
        context.setClassLoader(EphpmContexts.class.getClassLoader());

        ServletHolder staticFiles = new ServletHolder("default", DefaultServlet.class);
        staticFiles.setInitParameter("dirAllowed", "false");
        staticFiles.setInitParameter("etags", "true");
        staticFiles.setInitParameter("precompressed", PrecompressedStaticFiles.FORMATS);
        context.getServletHandler().addServlet(staticFiles);

        ServletHolder php = new ServletHolder(SERVLET_NAME, OctaneServlet.class);
        php.setAsyncSupported(true);
        php.setInitOrder(1);
        app.servletParameters().forEach(php::setInitParameter);
        context.addServlet(php, "/");
        return context;
    }
}
