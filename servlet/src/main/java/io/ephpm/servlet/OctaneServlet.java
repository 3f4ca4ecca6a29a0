package io.ephpm.servlet;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ephpm.php.PhpRequest;
import io.ephpm.php.PhpRuntime;
import io.ephpm.php.PhpRuntimeConfig;
import io.ephpm.php.PhpTables;
import io.ephpm.php.PhpThread;
import io.ephpm.php.StartupSettingConflictException;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.UnavailableException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Serves one PHP app: static files through the container's default servlet, everything else
 * through a pool of PHP threads, in classic, worker or octane mode.
 *
 * <p>Map it to {@code /} with {@code <async-supported>true</async-supported>}. Settings are
 * init-params, or context-params prefixed with {@code ephpm.}; see the module README.
 */
public class OctaneServlet extends HttpServlet {
    private static final Logger LOG = Logger.getLogger(OctaneServlet.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Set on a request whose PHP failed after the response was committed; its redispatch aborts the connection. */
    static final String ABORT_ATTRIBUTE = "io.ephpm.abort";
    /** Static files remembered as found (about 150 bytes each); beyond them, each is looked up per request. */
    private static final int RECENT_STATIC_FILES = 10_000;

    private transient Settings settings;
    private transient Router router;
    private transient VersionedAssets.Matcher versionedAssets;
    private transient StaticFileServlet staticFileServlet;
    private transient CgiVariables cgi;
    private transient WorkerPool pool;
    private transient ObjectName mbeanName;
    private transient AppTables ownTables;
    private transient boolean staticFilesNeedPathRewrite;
    private transient long postMaxSizeBytes;
    private transient BufferedBody.Policy bodyPolicy;

    @Override
    public void init() throws ServletException {
        try {
            start();
        } catch (ServletException | RuntimeException e) {
            // some containers (Jetty) log a servlet that fails to start only at debug level
            getServletContext().log("ePHPm: " + getServletName() + " cannot start: " + e.getMessage(), e);
            throw e;
        }
    }

    private void start() throws ServletException {
        ServletContext context = getServletContext();
        Path webappRoot = WebappRoot.resolve(context);
        try {
            settings = Settings.read(parameters(), webappRoot, System::getenv, OctaneWorkerScript::installed);
            if (settings.mode() == Mode.OCTANE && settings.workerScript().isEmpty()) {
                settings = OctaneWorkerScript.withDefault(settings, context);
            }
            postMaxSizeBytes = settings.postMaxSizeBytes();
            bodyPolicy = new BufferedBody.Policy((int) settings.bodyBufferBytes(), postMaxSizeBytes,
                    settings.bodyTimeout().toNanos(), settings.bodyMinRate(), spillDirectory(context),
                    BufferedBody.misreadsNonBlockingChunkedBodies(context.getServerInfo()));
        } catch (IllegalArgumentException e) {
            throw new UnavailableException(e.getMessage());
        }
        String documentRootInContext = documentRootInContext(webappRoot, settings.documentRoot());
        staticFilesNeedPathRewrite = !documentRootInContext.isEmpty();
        router = new Router(settings, documentRootInContext, staticFileTest(context));
        staticFileServlet = StaticFileServlet.of(context);
        versionedAssets = settings.versionedAssets().matcher();
        cgi = new CgiVariables(settings, "ePHPm (" + context.getServerInfo() + ")");

        PhpRuntimeConfig.Builder config = PhpRuntimeConfig.builder().ini(settings.processIni());
        settings.iniFile().ifPresent(config::iniFile);
        PhpRuntime runtime;
        try {
            runtime = PhpRuntime.start(config.build());
        } catch (StartupSettingConflictException e) {
            String setting = e.iniSetting().map(name -> "php." + name).orElse("ini-file");
            throw new UnavailableException("ePHPm setting '" + setting + "': " + e.getMessage());
        } catch (RuntimeException e) {
            throw new UnavailableException("The PHP runtime cannot start: " + e.getMessage());
        }
        String name = poolName(context);
        AppTables appTables = context.getAttribute(AppTables.ATTRIBUTE) instanceof AppTables hosts ? hosts : null;
        if (appTables == null) {
            ownTables = new AppTables();
            appTables = ownTables;
        }
        PhpTables tables;
        try {
            tables = appTables.tables(runtime, settings.tableMemoryBytes(),
                    settings.clusterEngine().isPresent() ? () -> ClusterTables.open(settings, context) : null);
        } catch (IllegalArgumentException e) {
            throw new UnavailableException(e.getMessage());
        } catch (RuntimeException e) {
            throw new UnavailableException("ePHPm: the app's cluster member cannot start: " + e);
        }
        pool = new WorkerPool(settings, runtime, tables, name, logSink(context),
                context.getServerInfo().startsWith("Apache Tomcat"));
        pool.start();
        registerMBean(context);
        context.log("ePHPm: serving " + settings.appRoot() + " in " + settings.mode().lowerCase() + " mode with "
                + settings.workers() + " PHP workers (PHP " + runtime.phpVersion() + ")");
    }

    /** The container's private temp directory for this webapp, else the JVM's. */
    private static Path spillDirectory(ServletContext context) {
        Object dir = context.getAttribute(ServletContext.TEMPDIR);
        if (dir instanceof java.io.File file && file.isDirectory()) {
            return file.toPath();
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    private Settings.Parameters parameters() {
        return new Settings.Parameters() {
            @Override
            public String get(String name) {
                String value = getInitParameter(name);
                return value != null ? value : getServletContext().getInitParameter(Settings.CONTEXT_PREFIX + name);
            }

            @Override
            public Iterable<String> names() {
                List<String> names = new ArrayList<>(Collections.list(getInitParameterNames()));
                for (String n : Collections.list(getServletContext().getInitParameterNames())) {
                    if (n.startsWith(Settings.CONTEXT_PREFIX)) {
                        names.add(n.substring(Settings.CONTEXT_PREFIX.length()));
                    }
                }
                return names;
            }
        };
    }

    /**
     * On Tomcat, a file found is trusted for the cacheTtl its DefaultServlet trusts its own copy:
     * then a static file costs no stat per request, as from the DefaultServlet alone.
     */
    private static Router.FileTest staticFileTest(ServletContext context) {
        OptionalLong ttl = TomcatResources.cacheTtlMillis(context);
        if (ttl.isEmpty()) {
            return Router.ON_DISK;
        }
        context.log("ePHPm: a static file found is trusted for Tomcat's cacheTtl, " + ttl.getAsLong() + " ms, then looked up again");
        return new RecentStaticFiles(ttl.getAsLong(), RECENT_STATIC_FILES);
    }

    private static String documentRootInContext(Path webappRoot, Path documentRoot) throws UnavailableException {
        Path root = webappRoot.toAbsolutePath().normalize();
        if (documentRoot.equals(root)) {
            return "";
        }
        if (documentRoot.startsWith(root)) {
            return "/" + root.relativize(documentRoot).toString().replace('\\', '/');
        }
        throw new UnavailableException("ePHPm setting 'document-root' (" + documentRoot + ") must be the webapp's root ("
                + root + ") or inside it, so that the container serves its static files; point the context's docBase"
                + " (Tomcat) or base resource (Jetty) at the document root instead");
    }

    private String poolName(ServletContext context) {
        String path = context.getContextPath();
        return "ephpm" + (path.isEmpty() ? "" : path.replace('/', '-'));
    }

    private PhpThread.LogSink logSink(ServletContext context) {
        return (thread, level, message) -> context.log("[" + thread.getName() + "] " + message);
    }

    private void registerMBean(ServletContext context) {
        try {
            String path = context.getContextPath().isEmpty() ? "/" : context.getContextPath();
            String base = "io.ephpm:type=WorkerPool,context=" + ObjectName.quote(path) + ",servlet=" + ObjectName.quote(getServletName());
            var server = ManagementFactory.getPlatformMBeanServer();
            mbeanName = new ObjectName(base);
            // the same context path can exist twice in one JVM (two hosts, two embedded servers)
            for (int instance = 2; server.isRegistered(mbeanName); instance++) {
                mbeanName = new ObjectName(base + ",instance=" + instance);
            }
            server.registerMBean(pool, mbeanName);
        } catch (JMException e) {
            LOG.log(Level.WARNING, "ePHPm: the pool's MBean could not be registered", e);
            mbeanName = null;
        }
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        Object abort = request.getAttribute(ABORT_ATTRIBUTE);
        if (abort != null) {
            // an exception after commit is the portable way to make the container drop the connection
            throw new ServletException("The response broke off after it had started (" + abort + "); the connection is aborted");
        }
        String path = request.getServletPath() + (request.getPathInfo() != null ? request.getPathInfo() : "");
        if (settings.statusPath().filter(path::equals).isPresent()) {
            writeStatus(response);
            return;
        }
        if (settings.metricsPath().filter(path::equals).isPresent()) {
            writeMetrics(response);
            return;
        }
        Route route = router.route(path);
        if (route instanceof Route.StaticFile file) {
            serveStatic(request, response, file, versionedAssets.cacheControl(path));
        } else if (route instanceof Route.Script script) {
            dispatch(request, response, script);
        } else {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }

    /** Hands the file to the container's default servlet, which knows ETag, Range, precompressed files and sendfile. */
    private void serveStatic(HttpServletRequest request, HttpServletResponse response, Route.StaticFile file,
                             String cacheControl) throws ServletException, IOException {
        if (cacheControl != null) {
            response.setHeader("Cache-Control", cacheControl);
        }
        HttpServletRequest inContext = !staticFilesNeedPathRewrite ? request : new HttpServletRequestWrapper(request) {
            @Override
            public String getServletPath() {
                return file.pathInContext();
            }

            @Override
            public String getPathInfo() {
                return null;
            }
        };
        staticFileServlet.serve(inContext, response);
    }

    private void dispatch(HttpServletRequest request, HttpServletResponse response, Route.Script script) throws IOException {
        if (pool.isBootFailing()) {
            unavailable(response, "The PHP app failed to boot; the server log names the cause");
            return;
        }
        long postMax = postMaxSizeBytes;
        if (postMax > 0 && request.getContentLengthLong() > postMax) {
            // refused before a byte of the body is read, instead of PHP discarding it all
            response.setHeader("Connection", "close");
            response.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                    "The request body exceeds post_max_size (" + postMax + " bytes)");
            return;
        }
        PhpRequest.Builder php;
        try {
            php = cgi.build(request, script);
        } catch (IllegalArgumentException e) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
            return;
        }
        AsyncContext async = request.startAsync(request, response);
        async.setTimeout(0);
        if (!hasBody(request)) {
            submit(new PendingRequest(async, php.build()));
            return;
        }
        // the body is read off the PHP threads, which see the request only once it is all in
        long declaredLength = request.getContentLengthLong();
        BufferedBody body = BufferedBody.of(async, bodyPolicy, arrived -> {
            if (declaredLength < 0) {
                php.variable("CONTENT_LENGTH", Long.toString(arrived.length()));
            }
            submit(new PendingRequest(async, php.body(arrived).build()));
        });
        pool.readingBody(body);
        body.start();
    }

    /**
     * Whether a body follows the headers. HTTP/1 announces one with Content-Length or
     * Transfer-Encoding; HTTP/2 and later may send one without either.
     */
    private static boolean hasBody(HttpServletRequest request) {
        long length = request.getContentLengthLong();
        if (length >= 0) {
            return length > 0;
        }
        return request.getHeader("Transfer-Encoding") != null || !request.getProtocol().startsWith("HTTP/1");
    }

    private void submit(PendingRequest pending) {
        if (!pool.submit(pending)) {
            pending.expire();
            sendUnavailable(pending, pool.isBootFailing() ? "The PHP app failed to boot" : "The app is shutting down");
        }
    }

    static void sendUnavailable(PendingRequest pending, String message) {
        try {
            unavailable(pending.response, message);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "ePHPm: could not send 503", e);
        }
        try {
            pending.async.complete();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "ePHPm: async context already completed", e);
        }
    }

    private static void unavailable(HttpServletResponse response, String message) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.reset();
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setHeader("Retry-After", "1");
        response.setContentType("text/plain;charset=UTF-8");
        response.getOutputStream().write((message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private void writeStatus(HttpServletResponse response) throws IOException {
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        Map<String, Object> status = pool.snapshot();
        JSON.writeValue(response.getOutputStream(), status);
    }

    private void writeMetrics(HttpServletResponse response) throws IOException {
        response.setContentType(PoolMetrics.CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-store");
        pool.metrics().write(response.getOutputStream());
    }

    @Override
    public void destroy() {
        if (staticFileServlet != null) {
            staticFileServlet.destroy();
        }
        if (pool != null) {
            getServletContext().log("ePHPm: draining " + settings.appRoot() + " (up to " + settings.drainTimeout().toSeconds() + " s)");
            pool.stop(settings.drainTimeout());
            getServletContext().log("ePHPm: stopped the PHP workers of " + settings.appRoot());
        }
        if (ownTables != null) {
            ownTables.close();
        }
        if (mbeanName != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(mbeanName);
            } catch (JMException e) {
                LOG.log(Level.FINE, "ePHPm: MBean already gone", e);
            }
        }
        if (settings != null) {
            OctaneWorkerScript.deleteExtracted(settings);
        }
        PhpRuntime.release(getServletContext().getClassLoader());
    }

    /** For tests and tools: the pool's numbers. */
    public Map<String, Object> status() {
        return pool.snapshot();
    }
}
