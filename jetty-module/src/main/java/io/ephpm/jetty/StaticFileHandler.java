package io.ephpm.jetty;

import io.ephpm.servlet.StaticFiles;
import org.eclipse.jetty.http.CompressedContentFormat;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.ResourceService;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Serves the static files of one app with Jetty's core {@link ResourceHandler}: ETag,
 * Last-Modified, 304, Range, HEAD, precompressed {@code .br}/{@code .gz} siblings chosen by
 * Accept-Encoding (with {@code Vary}), an in-memory cache of small files validated once a second
 * and memory-mapped large files. Which paths are static files is OctaneServlet's decision
 * ({@link StaticFiles}); this class only serves them.
 */
final class StaticFileHandler extends ResourceHandler {
    private final StaticFiles routes;

    StaticFileHandler(StaticFiles routes) {
        this.routes = routes;
        setDirAllowed(false);
        setEtags(true);
        setAcceptRanges(true);
        setUseFileMapping(true);
        setWelcomeFiles();
        setPrecompressedFormats(CompressedContentFormat.BR, CompressedContentFormat.GZIP);
    }

    /**
     * Whether this request is for a static file. A path with percent-escapes is left to the
     * servlet, so that the file this handler would open is always the file the router checked.
     *
     * @param pathInContext the request's path inside the context, as Jetty canonicalised it
     */
    boolean serves(Request request, String pathInContext) {
        String method = request.getMethod();
        return (HttpMethod.GET.is(method) || HttpMethod.HEAD.is(method))
                && pathInContext.indexOf('%') < 0
                && routes.isStaticFile(pathInContext);
    }

    /** Answers a request {@link #serves} accepted; the request must be scoped to the app's context. */
    void serve(Request request, Response response, Callback callback) {
        String cacheControl = routes.cacheControl(Request.getPathInContext(request));
        if (cacheControl != null) {
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, cacheControl);
        }
        // a part of a file is a part of the file itself, never of its compressed sibling: a download
        // resumed with another Accept-Encoding must fit the part it already has
        Request served = request.getHeaders().contains(HttpHeader.RANGE) ? new IdentityEncodingRequest(request) : request;
        try {
            if (!handle(served, response, callback)) {
                // the file went away (or its alias was refused) since the router saw it
                Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
            }
        } catch (Throwable failure) {
            Response.writeError(request, response, callback, failure);
        }
    }

    @Override
    protected ResourceService newResourceService() {
        return new NotModifiedKeepsHeaders();
    }

    /**
     * Jetty writes a 304 through its error handler, which replaces the response's Cache-Control
     * with no-store; a 304 must carry the Cache-Control a 200 would (RFC 9110, 15.4.5).
     */
    private static final class NotModifiedKeepsHeaders extends ResourceService {
        @Override
        protected void writeHttpError(Request request, Response response, Callback callback, int status) {
            if (status == HttpStatus.NOT_MODIFIED_304) {
                response.setStatus(status);
                response.write(true, null, callback);
            } else {
                super.writeHttpError(request, response, callback, status);
            }
        }
    }

    /** The request as if it accepted no content coding. */
    private static final class IdentityEncodingRequest extends Request.Wrapper {
        private final HttpFields headers;

        IdentityEncodingRequest(Request request) {
            super(request);
            headers = HttpFields.build(request.getHeaders()).remove(HttpHeader.ACCEPT_ENCODING).asImmutable();
        }

        @Override
        public HttpFields getHeaders() {
            return headers;
        }
    }
}
