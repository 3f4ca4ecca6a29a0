package io.ephpm.jetty;

import io.ephpm.servlet.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One PHP app to serve: where it lives, the context path it is served at, and the
 * {@code OctaneServlet} init-params (servlet README names: {@code mode}, {@code workers},
 * {@code php.memory_limit}, {@code env.APP_ENV}, ...).
 *
 * @param contextPath       "/" or a path such as "/app", without a trailing slash
 * @param appRoot           the app's directory (Laravel's base path), a real path
 * @param documentRoot      the web root the container serves static files from, a real path
 * @param servletParameters init-params for OctaneServlet, with app-root and document-root filled in
 */
public record EphpmApp(String contextPath, Path appRoot, Path documentRoot, Map<String, String> servletParameters) {

    /**
     * @param documentRoot the web root; relative to the app root; empty means {@code <app>/public}
     *                     if that exists, else the app root
     * @throws IllegalArgumentException when a directory does not exist, the context path is malformed
     *                                  or a servlet parameter is invalid (the message names it)
     */
    public static EphpmApp of(String contextPath, Path appRoot, Optional<String> documentRoot, Map<String, String> servletParameters) {
        Path app = existingDirectory("app", appRoot);
        Path docroot = documentRoot.filter(d -> !d.isBlank())
                .map(d -> existingDirectory("document root", app.resolve(d.trim())))
                .orElseGet(() -> Files.isDirectory(app.resolve("public")) ? existingDirectory("document root", app.resolve("public")) : app);
        Map<String, String> parameters = new LinkedHashMap<>(servletParameters);
        parameters.put("app-root", app.toString());
        parameters.put("document-root", docroot.toString());
        // the servlet's own checks, now rather than as the context starts
        Settings.read(Settings.Parameters.of(parameters), docroot, System::getenv);
        return new EphpmApp(normalizeContextPath(contextPath), app, docroot, Collections.unmodifiableMap(parameters));
    }

    static String normalizeContextPath(String contextPath) {
        String path = contextPath == null ? "" : contextPath.trim();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.isEmpty()) {
            return "/";
        }
        if (!path.startsWith("/") || path.contains("//") || path.contains("?") || path.contains("#")) {
            throw new IllegalArgumentException("the context path must look like / or /app (was '" + contextPath + "')");
        }
        return path;
    }

    private static Path existingDirectory(String what, Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("the " + what + " " + dir + " is not a directory");
        }
        try {
            // the container reports real paths for the document root, so compare like with like
            return dir.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The mode as configured: classic unless set. */
    public String mode() {
        return servletParameters.getOrDefault("mode", "classic");
    }

    /** The number of PHP workers as configured, else the servlet's default: one per core. */
    public int workers() {
        String workers = servletParameters.get("workers");
        return workers == null || workers.isBlank() ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(workers.trim());
    }
}
