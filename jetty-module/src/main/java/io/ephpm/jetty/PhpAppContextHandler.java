package io.ephpm.jetty;

import io.ephpm.servlet.StaticFiles;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ContextRequest;
import org.eclipse.jetty.util.Callback;

/**
 * The ee10 context of one PHP app. A request for a static file is answered at Jetty's core
 * ({@link StaticFileHandler}) as soon as the context has matched it: it never becomes a servlet
 * request, is never dispatched to OctaneServlet nor forwarded to the default servlet, which is
 * where a static file's time went. Every other request takes the servlet path.
 */
final class PhpAppContextHandler extends FailFastServletContextHandler {
    private final StaticFileHandler staticFiles;

    PhpAppContextHandler(String contextPath, StaticFiles routes) {
        super(contextPath);
        staticFiles = new StaticFileHandler(routes);
        addBean(staticFiles);
    }

    @Override
    protected void doStart() throws Exception {
        staticFiles.setServer(getServer());
        super.doStart();
    }

    @Override
    protected ContextRequest wrapRequest(Request request, Response response) {
        String pathInContext = getContext().getPathInContext(request.getHttpURI().getCanonicalPath());
        if (staticFiles.serves(request, pathInContext)) {
            return new StaticFileRequest(this, request);
        }
        return super.wrapRequest(request, response);
    }

    @Override
    protected boolean handleByContextHandler(String pathInContext, ContextRequest request, Response response, Callback callback) {
        if (request instanceof StaticFileRequest) {
            staticFiles.serve(request, response, callback);
            return true;
        }
        return super.handleByContextHandler(pathInContext, request, response, callback);
    }

    /** A request this context answers with a static file, scoped to the context (its path, alias checks, MIME types). */
    private static final class StaticFileRequest extends ContextRequest {
        StaticFileRequest(PhpAppContextHandler context, Request request) {
            super(context.getContext(), request);
        }
    }
}
