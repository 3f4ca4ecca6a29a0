package io.ephpm.servlet.soak;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The server side of the soak: embedded Jetty with OctaneServlet in worker mode, in a JVM of its
 * own so that its memory, threads and file descriptors can be measured from outside.
 * Prints "PORT n" when serving and stops when its standard input closes.
 */
public final class SoakServer {
    private SoakServer() {
    }

    public static void main(String[] args) throws Exception {
        Path app = Path.of(args[0]);
        Path uploads = Path.of(args[1]);
        Path sessions = Path.of(args[2]);
        int workers = Integer.parseInt(args[3]);
        // a fixed-size pool, so that the thread count before and after the load can be compared
        Server server = new Server(new org.eclipse.jetty.util.thread.QueuedThreadPool(64, 64));
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setIdleTimeout(2000);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.setBaseResourceAsPath(app.resolve("public"));
        ServletHolder defaultServlet = new ServletHolder("default", DefaultServlet.class);
        defaultServlet.setInitParameter("dirAllowed", "false");
        context.getServletHandler().addServlet(defaultServlet);
        ServletHolder php = new ServletHolder("ephpm", io.ephpm.servlet.OctaneServlet.class);
        php.setAsyncSupported(true);
        php.setInitOrder(1);
        Map.of("mode", "worker", "app-root", app.toString(), "worker-script", "worker.php", "workers", Integer.toString(workers),
                        "queue-timeout", "60", "php.upload_tmp_dir", uploads.toString(), "php.session.save_path", sessions.toString(),
                        "php.post_max_size", "16M", "php.upload_max_filesize", "16M")
                .forEach(php::setInitParameter);
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
