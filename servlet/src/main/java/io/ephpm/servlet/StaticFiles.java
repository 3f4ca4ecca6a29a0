package io.ephpm.servlet;

/**
 * Which request paths are static files and how long browsers may cache them: the decision
 * {@link OctaneServlet} makes, for a container that serves static files ahead of the servlet
 * (the Jetty module answers them at Jetty's core), so that the two can never disagree.
 */
public final class StaticFiles {
    private final Router router;
    private final String statusPath;
    private final VersionedAssets.Matcher versionedAssets;

    private StaticFiles(Router router, Settings settings) {
        this.router = router;
        this.statusPath = settings.statusPath().orElse(null);
        this.versionedAssets = settings.versionedAssets().matcher();
    }

    /** For a context whose resource root is the app's document root. */
    public static StaticFiles of(Settings settings) {
        return new StaticFiles(new Router(settings, ""), settings);
    }

    /**
     * Whether OctaneServlet would hand this path to the container's static-file servlet.
     *
     * @param path the decoded request path inside the context, like "/build/app.css"
     */
    public boolean isStaticFile(String path) {
        return !path.equals(statusPath) && router.route(path) instanceof Route.StaticFile;
    }

    /** The Cache-Control value for a static file at this path, or null when it is not a versioned asset. */
    public String cacheControl(String path) {
        return versionedAssets.cacheControl(path);
    }
}
