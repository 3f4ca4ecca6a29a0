package io.ephpm.servlet;

import jakarta.servlet.Servlet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.ServerConnector;

/** OctaneServlet running in a real embedded Jetty 12 (ee10) or Tomcat, serving a document root at a context path. */
abstract class Server implements AutoCloseable {
    enum Kind {
        JETTY, TOMCAT
    }

    final String contextPath;
    final Path documentRoot;
    final Map<String, String> initParams;

    Server(String contextPath, Path documentRoot, Map<String, String> initParams) {
        this.contextPath = contextPath;
        this.documentRoot = documentRoot;
        this.initParams = new LinkedHashMap<>(initParams);
    }

    static Server start(Kind kind, String contextPath, Path documentRoot, Map<String, String> initParams) throws Exception {
        Server server = kind == Kind.JETTY ? new Jetty(contextPath, documentRoot, initParams)
                : new TomcatServer(contextPath, documentRoot, initParams);
        server.start();
        return server;
    }

    /** The same webapp in each kind of container, for tests that run against both. */
    static java.util.Map<Kind, Server> startEach(String contextPath, Path documentRoot, Map<String, String> initParams)
            throws Exception {
        java.util.Map<Kind, Server> servers = new java.util.EnumMap<>(Kind.class);
        for (Kind kind : Kind.values()) {
            servers.put(kind, start(kind, contextPath, documentRoot, initParams));
        }
        return servers;
    }

    static void closeAll(java.util.Map<Kind, Server> servers) throws Exception {
        for (Server server : servers.values()) {
            server.close();
        }
    }

    abstract void start() throws Exception;

    abstract int port();

    /** Undeploys and deploys the webapp again, in the same JVM. */
    abstract void redeploy() throws Exception;

    abstract OctaneServlet servlet();

    String url(String path) {
        return "http://127.0.0.1:" + port() + contextPath + path;
    }

    /** GETs the path, expects a 200 and returns its JSON body. */
    Map<String, Object> json(String path) throws Exception {
        java.net.http.HttpResponse<String> r = Http.get(url(path));
        org.junit.jupiter.api.Assertions.assertEquals(200, r.statusCode(), r.body());
        return Json.parse(r.body());
    }

    static final class Jetty extends Server {
        private org.eclipse.jetty.server.Server server;
        private final org.eclipse.jetty.server.handler.ContextHandlerCollection contexts =
                new org.eclipse.jetty.server.handler.ContextHandlerCollection();
        private ServletContextHandler context;
        private ServletHolder holder;

        Jetty(String contextPath, Path documentRoot, Map<String, String> initParams) {
            super(contextPath, documentRoot, initParams);
        }

        @Override
        void start() throws Exception {
            server = new org.eclipse.jetty.server.Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setPort(0);
            connector.setHost("127.0.0.1");
            server.addConnector(connector);
            contexts.addHandler(newContext());
            server.setHandler(contexts);
            server.start();
        }

        private ServletContextHandler newContext() {
            context = new ServletContextHandler(contextPath.isEmpty() ? "/" : contextPath);
            context.setBaseResourceAsPath(documentRoot);
            ServletHolder defaultServlet = new ServletHolder("default", DefaultServlet.class);
            defaultServlet.setInitParameter("dirAllowed", "false");
            defaultServlet.setInitParameter("etags", "true");
            context.getServletHandler().addServlet(defaultServlet);
            holder = new ServletHolder("ephpm", OctaneServlet.class);
            holder.setAsyncSupported(true);
            holder.setInitOrder(1);
            initParams.forEach(holder::setInitParameter);
            context.addServlet(holder, "/");
            return context;
        }

        @Override
        int port() {
            return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        }

        @Override
        void redeploy() throws Exception {
            ServletContextHandler old = context;
            old.stop();
            contexts.removeHandler(old);
            ServletContextHandler fresh = newContext();
            contexts.addHandler(fresh);
            fresh.start();
        }

        @Override
        OctaneServlet servlet() {
            try {
                return (OctaneServlet) holder.getServlet();
            } catch (jakarta.servlet.ServletException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Why the servlet failed to start, or null. */
        jakarta.servlet.UnavailableException unavailableException() {
            return holder.getUnavailableException();
        }

        @Override
        public void close() throws Exception {
            context.stop(); // a context added to a running server is not stopped with it
            server.stop();
        }
    }

    static final class TomcatServer extends Server {
        private Tomcat tomcat;
        private Context context;
        private Wrapper wrapper;
        private Path baseDir;
        private final java.util.function.Consumer<Context> configure;

        TomcatServer(String contextPath, Path documentRoot, Map<String, String> initParams) {
            this(contextPath, documentRoot, initParams, context -> { });
        }

        private TomcatServer(String contextPath, Path documentRoot, Map<String, String> initParams,
                             java.util.function.Consumer<Context> configure) {
            super(contextPath, documentRoot, initParams);
            this.configure = configure;
        }

        /** A Tomcat whose context is configured further before it starts, as a context XML would (its Resources, say). */
        static TomcatServer start(String contextPath, Path documentRoot, Map<String, String> initParams,
                                  java.util.function.Consumer<Context> configure) throws Exception {
            TomcatServer server = new TomcatServer(contextPath, documentRoot, initParams, configure);
            server.start();
            return server;
        }

        @Override
        void start() throws Exception {
            tomcat = new Tomcat();
            baseDir = Files.createTempDirectory("ephpm-tomcat");
            tomcat.setBaseDir(baseDir.toString());
            tomcat.setHostname("127.0.0.1");
            tomcat.setPort(0);
            tomcat.getConnector().setProperty("address", "127.0.0.1");
            deploy();
            tomcat.start();
        }

        private void deploy() {
            context = tomcat.addContext(contextPath, documentRoot.toString());
            // by class name, as conf/web.xml declares it
            Wrapper defaultServlet = Tomcat.addServlet(context, "default", org.apache.catalina.servlets.DefaultServlet.class.getName());
            defaultServlet.addInitParameter("listings", "false");
            Map.of("css", "text/css", "txt", "text/plain", "html", "text/html", "bin", "application/octet-stream")
                    .forEach(context::addMimeMapping);
            wrapper = Tomcat.addServlet(context, "ephpm", OctaneServlet.class.getName());
            wrapper.setAsyncSupported(true);
            wrapper.setLoadOnStartup(1);
            initParams.forEach(wrapper::addInitParameter);
            context.addServletMappingDecoded("/", "ephpm");
            configure.accept(context);
        }

        @Override
        int port() {
            return tomcat.getConnector().getLocalPort();
        }

        /** Adds a valve to the webapp's pipeline, which sees each request after the servlets are done with it. */
        void addValve(org.apache.catalina.Valve valve) {
            context.getPipeline().addValve(valve);
        }

        @Override
        void redeploy() throws Exception {
            tomcat.getHost().removeChild(context);
            deploy();
        }

        @Override
        OctaneServlet servlet() {
            try {
                Servlet servlet = wrapper.allocate();
                wrapper.deallocate(servlet);
                return (OctaneServlet) servlet;
            } catch (jakarta.servlet.ServletException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws Exception {
            tomcat.stop();
            tomcat.destroy();
            DirectoryTree.delete(baseDir);
            baseDir.toFile().deleteOnExit(); // after redeploy(), Tomcat winding down can recreate the empty base
        }
    }
}
