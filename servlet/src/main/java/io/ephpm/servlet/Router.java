package io.ephpm.servlet;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * try_files for a PHP app: an existing file under the document root is static; a {@code .php}
 * script runs (with PATH_INFO after it); everything else goes to the front controller.
 *
 * <p>Dotfiles and dot-directories (except {@code /.well-known/}), WEB-INF, META-INF and anything
 * outside the document root are never reachable, and PHP source is never static.
 */
final class Router {
    /** try_files' own question, on the file system: one stat per request, as nginx makes. */
    static final FileTest ON_DISK = (path, file) -> Files.isRegularFile(file);

    private final Mode mode;
    private final Path documentRoot;
    private final String documentRootInContext;
    private final String frontController;
    private final Path frontControllerFile;
    private final FileTest staticFiles;

    /**
     * @param documentRootInContext where the document root sits inside the webapp's resource root,
     *                              as a URL path: "" when they are the same directory
     */
    Router(Settings settings, String documentRootInContext) {
        this(settings, documentRootInContext, ON_DISK);
    }

    /** @param staticFiles decides whether a path that names no PHP script is a static file */
    Router(Settings settings, String documentRootInContext, FileTest staticFiles) {
        this.staticFiles = staticFiles;
        this.mode = settings.mode();
        this.documentRoot = settings.documentRoot();
        this.documentRootInContext = documentRootInContext;
        this.frontController = "/" + settings.frontController();
        this.frontControllerFile = settings.frontControllerFile();
    }

    Route route(String path) {
        if (path == null || path.isEmpty()) {
            path = "/";
        }
        if (!path.startsWith("/") || isHidden(path)) {
            return new Route.NotFound();
        }
        Path target = documentRoot.resolve(path.substring(1)).normalize();
        if (!target.startsWith(documentRoot)) {
            return new Route.NotFound();
        }
        Route.Script script = findScript(path);
        if (script != null) {
            if (mode == Mode.CLASSIC || script.scriptPath().equals(frontController)) {
                return script;
            }
            return frontController("");
        }
        if (staticFiles.isFile(path, target)) {
            return new Route.StaticFile(documentRootInContext + path);
        }
        if (mode == Mode.CLASSIC && Files.isDirectory(target)) {
            Path index = target.resolve("index.php");
            if (Files.isRegularFile(index)) {
                return new Route.Script(index, (path.endsWith("/") ? path : path + "/") + "index.php", "");
            }
        }
        if (mode == Mode.CLASSIC && !Files.isRegularFile(frontControllerFile)) {
            return new Route.NotFound();
        }
        return frontController("");
    }

    private Route.Script frontController(String pathInfo) {
        return new Route.Script(frontControllerFile, frontController, pathInfo);
    }

    /** The first path segment naming an existing .php file is the script; the rest is PATH_INFO. */
    private Route.Script findScript(String path) {
        int start = 1;
        while (start <= path.length()) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = path.length();
            }
            if (end - start >= 4 && path.regionMatches(true, end - 4, ".php", 0, 4)) {
                String scriptPath = path.substring(0, end);
                Path file = documentRoot.resolve(scriptPath.substring(1)).normalize();
                if (file.startsWith(documentRoot) && Files.isRegularFile(file)) {
                    return new Route.Script(file, scriptPath, path.substring(end));
                }
                return null;
            }
            start = end + 1;
        }
        return null;
    }

    /** Whether a path under the document root names a file the container serves. */
    @FunctionalInterface
    interface FileTest {
        /**
         * @param path a URL path under the document root with no hidden or dot segments, like "/build/app.css"
         * @param file the file it names under the document root
         */
        boolean isFile(String path, Path file);
    }

    static boolean isHidden(String path) {
        int start = 0;
        while (start <= path.length()) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = path.length();
            }
            if (isHiddenSegment(path, start, end)) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    private static boolean isHiddenSegment(String path, int start, int end) {
        int length = end - start;
        if (length > 0 && path.charAt(start) == '.') {
            return !(length == 11 && path.startsWith(".well-known", start));
        }
        if (length == 7 && path.regionMatches(true, start, "WEB-INF", 0, 7)
                || length == 8 && path.regionMatches(true, start, "META-INF", 0, 8)) {
            return true;
        }
        for (int i = start; i < end; i++) {
            char c = path.charAt(i);
            if (c == '\0' || c == '\\') {
                return true;
            }
        }
        return false;
    }
}
