package io.ephpm.jetty.launcher;

import io.ephpm.jetty.EphpmApp;
import io.ephpm.jetty.EphpmContexts;
import io.ephpm.servlet.AppTables;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.server.handler.GracefulHandler;

/**
 * A Jetty 12 server with one ePHPm context. Stopping is graceful: new requests are refused while
 * queued and in-flight ones finish within the app's drain-timeout, then the server stops. Reloading starts a fresh context
 * (every worker boots again) before the old one drains, so requests keep being served; the app's
 * shared tables stay, as they would through Octane's reload on Swoole.
 */
final class EmbeddedServer {
    private static final long STOP_TIMEOUT_MILLIS = 30_000;
    /**
     * The listen backlog. Jetty leaves it to the JDK's 50, which a burst of a few hundred new
     * connections overflows while the CPU is busy; the kernel then drops handshakes, and those
     * clients wait a second or more for a retransmission. nginx asks for 511.
     */
    private static final int ACCEPT_QUEUE_SIZE = 1024;

    private final EphpmApp app;
    private final Server server = new Server();
    private final ContextHandlerCollection contexts = new ContextHandlerCollection();
    private final ServerConnector connector = new ServerConnector(server);
    private final AppTables tables = new AppTables();
    private ServletContextHandler current;

    EmbeddedServer(String host, int port, EphpmApp app) {
        this.app = app;
        connector.setHost(host);
        connector.setPort(port);
        connector.setAcceptQueueSize(ACCEPT_QUEUE_SIZE);
        server.addConnector(connector);
        server.setHandler(new GracefulHandler(contexts));
        server.setStopTimeout(STOP_TIMEOUT_MILLIS);
        server.setStopAtShutdown(true);
    }

    private ServletContextHandler newContext() {
        ServletContextHandler context = EphpmContexts.create(app);
        context.setAttribute(AppTables.ATTRIBUTE, tables);
        return context;
    }

    void start() throws Exception {
        current = newContext();
        contexts.addHandler(current);
        server.start();
    }

    int port() {
        return connector.getLocalPort();
    }

    synchronized void reload() throws Exception {
        ServletContextHandler fresh = newContext();
        fresh.setServer(server);
        fresh.start();
        if (!fresh.isAvailable()) {
            fresh.stop();
            throw new IllegalStateException("the reloaded app did not start; the running workers keep serving");
        }
        ServletContextHandler old = current;
        contexts.addHandler(fresh);
        contexts.manage(fresh); // so that stopping the server stops it, like the first context
        current = fresh;
        contexts.removeHandler(old);
        old.stop();
    }

    /**
     * The app drains first, within its own drain-timeout (PHP still running past it is stopped);
     * Jetty's graceful stop, which waits for in-flight requests up to its stop timeout, then finds
     * none left.
     */
    void stop() throws Exception {
        ServletContextHandler app;
        synchronized (this) {
            app = current;
        }
        if (app != null) {
            app.stop();
        }
        server.stop();
        tables.close();
    }

    void join() throws InterruptedException {
        server.join();
    }
}
