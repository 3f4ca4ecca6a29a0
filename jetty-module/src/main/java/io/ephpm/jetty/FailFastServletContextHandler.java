package io.ephpm.jetty;

import jakarta.servlet.UnavailableException;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * An ee10 context whose start fails, with the servlet's own message, when a servlet cannot
 * start. Jetty otherwise swallows a servlet's UnavailableException at startup and answers 404.
 */
class FailFastServletContextHandler extends ServletContextHandler {
    FailFastServletContextHandler(String contextPath) {
        super(contextPath, ServletContextHandler.NO_SESSIONS);
    }

    @Override
    protected void startContext() throws Exception {
        super.startContext();
        for (ServletHolder holder : getServletHandler().getServlets()) {
            UnavailableException failure = holder.getUnavailableException();
            if (failure != null) {
                throw new UnavailableException("servlet '" + holder.getName() + "' of " + getDisplayName()
                        + " could not start: " + failure.getMessage());
            }
        }
    }
}
