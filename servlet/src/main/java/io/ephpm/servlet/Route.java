package io.ephpm.servlet;

import java.nio.file.Path;

/** Where a request goes: a static file the container serves, a PHP script, or nowhere. */
sealed interface Route {
    /** A file under the document root; pathInContext is relative to the webapp's resource root. */
    record StaticFile(String pathInContext) implements Route {
    }

    /**
     * A PHP script. scriptPath is its path under the document root as a URL path ("/index.php"),
     * pathInfo what follows it ("/users/7") or "".
     */
    record Script(Path file, String scriptPath, String pathInfo) implements Route {
    }

    record NotFound() implements Route {
    }
}
