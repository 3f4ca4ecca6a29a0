package io.ephpm.servlet.soak;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The server side of the soak: embedded Jetty with OctaneServlet, in a JVM of its own so that its
 * memory, threads and file descriptors can be measured from outside. The arguments are the
 * servlet's settings as name=value (app-root among them). Prints "PORT n" when serving and stops
 * when its standard input closes.
 */
public final class SoakServer {
    private SoakServer() {
    }

    public static void main(String[] args) throws Exception {
        // a fixed-size pool, so that the thread count before and after the load can be compared
        Server server = new Server(new QueuedThreadPool(64, 64));
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setIdleTimeout(10_000);
        server.addConnector(connector);
        ServletHolder php = new ServletHolder("ephpm", io.ephpm.servlet.OctaneServlet.class);
        php.setAsyncSupported(true);
        php.setInitOrder(1);
        Path app = null;
        for (String setting : args) {
            int eq = setting.indexOf('=');
            php.setInitParameter(setting.substring(0, eq), setting.substring(eq + 1));
            if (setting.startsWith("app-root=")) {
                app = Path.of(setting.substring(eq + 1));
            }
        }
        if (app == null) {
            throw new IllegalArgumentException("app-root=DIR is required");
        }
        ServletContextHandler context = new ServletContextHandler("/");
        context.setBaseResourceAsPath(app.resolve("public"));
        ServletHolder defaultServlet = new ServletHolder("default", DefaultServlet.class);
        defaultServlet.setInitParameter("dirAllowed", "false");
        context.getServletHandler().addServlet(defaultServlet);
        context.addServlet(php, "/");
        server.setHandler(context);
        server.start();
        System.out.println("PORT " + connector.getLocalPort());
        System.out.flush();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            while (in.readLine() != null) {
                // keep serving until the parent closes our input
            }
        }
        server.stop();
    }
}
