package io.ephpm.servlet;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.logging.Logger;

/** Forwards a static file to the container's {@code default} servlet through its named dispatcher. */
final class ForwardToDefaultServlet implements StaticFileServlet {
    private static final Logger LOG = Logger.getLogger(ForwardToDefaultServlet.class.getName());

    private final ServletContext context;
    private volatile RequestDispatcher dispatcher;

    ForwardToDefaultServlet(ServletContext context) {
        this.context = context;
    }

    @Override
    public void serve(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        RequestDispatcher container = dispatcher();
        if (container == null) {
            LOG.warning("ePHPm: the container has no servlet named '" + NAME + "' to serve static files");
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        container.forward(request, response);
    }

    /** Looked up at the first static file: a container may register its default servlet late. */
    private RequestDispatcher dispatcher() {
        RequestDispatcher found = dispatcher;
        if (found == null) {
            found = context.getNamedDispatcher(NAME);
            dispatcher = found;
        }
        return found;
    }

    @Override
    public void destroy() {
    }
}
