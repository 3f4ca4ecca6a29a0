package io.ephpm.servlet;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The container's servlet for static files (the one named {@code default}), as {@link OctaneServlet}
 * reaches it for a request the {@link Router} found to be a static file.
 */
interface StaticFileServlet {
    /** The name both Jetty and Tomcat give their static-file servlet. */
    String NAME = "default";

    /** Serves the file the request names, with the container's ETag, Range, precompressed files and zero-copy path. */
    void serve(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException;

    void destroy();

    /**
     * On Tomcat, an instance of its own {@code DefaultServlet} called in place, so that the request
     * reaches it as it came (Tomcat's sendfile needs that); elsewhere, a forward to the named servlet.
     */
    static StaticFileServlet of(ServletContext context) throws ServletException {
        StaticFileServlet inPlace = InPlaceTomcatDefaultServlet.create(context);
        return inPlace != null ? inPlace : new ForwardToDefaultServlet(context);
    }
}
