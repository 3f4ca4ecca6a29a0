package io.ephpm.servlet;

import jakarta.servlet.ServletContext;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * try_files' test on Tomcat, answered by the resource cache its {@code DefaultServlet} serves
 * from (a {@code WebResourceRoot}, reached by reflection: no compile dependency on Tomcat).
 *
 * <p>A static file then costs no file-system call, as with the {@code DefaultServlet} alone, and
 * the routing and the serving agree on what exists: a file Tomcat does not yet see (its cache
 * revalidates every {@code cacheTtl}, 5 s by default) or will not serve (a symbolic link while
 * {@code allowLinking} is false) goes to PHP instead of being a 404, as nginx's try_files does with
 * {@code open_file_cache} and {@code disable_symlinks}. Used only when the webapp's files all come
 * from its directory and Tomcat caches them; otherwise the file system is asked.
 */
final class TomcatResourceCache implements Router.FileTest {
    /** The context attribute under which Tomcat keeps the webapp's resources. */
    static final String ATTRIBUTE = "org.apache.catalina.resources";
    private static final String RESOURCE_ROOT = "org.apache.catalina.WebResourceRoot";
    private static final String RESOURCE = "org.apache.catalina.WebResource";

    private final Object resources;
    private final MethodHandle getResource;
    private final MethodHandle isFile;
    private final String documentRootInContext;
    private final long ttlMillis;

    private TomcatResourceCache(Object resources, MethodHandle getResource, MethodHandle isFile,
                                String documentRootInContext, long ttlMillis) {
        this.resources = resources;
        this.getResource = getResource;
        this.isFile = isFile;
        this.documentRootInContext = documentRootInContext;
        this.ttlMillis = ttlMillis;
    }

    /**
     * Empty when the context is not Tomcat's, its resources are not cached, or some of them come
     * from elsewhere than the webapp's directory (resource JARs, pre- or post-resources), where the
     * file system under the document root would answer differently.
     */
    static Optional<TomcatResourceCache> of(ServletContext context, String documentRootInContext) {
        Object resources = context.getAttribute(ATTRIBUTE);
        if (resources == null) {
            return Optional.empty();
        }
        try {
            ClassLoader loader = resources.getClass().getClassLoader();
            Class<?> root = Class.forName(RESOURCE_ROOT, false, loader);
            Class<?> resource = Class.forName(RESOURCE, false, loader);
            if (!root.isInstance(resources)) {
                return Optional.empty();
            }
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            if (!(boolean) lookup.findVirtual(root, "isCachingAllowed", MethodType.methodType(boolean.class)).invoke(resources)) {
                return Optional.empty();
            }
            for (String sets : new String[] {"getPreResources", "getJarResources", "getPostResources"}) {
                Object found = lookup.findVirtual(root, sets, MethodType.methodType(root.getMethod(sets).getReturnType()))
                        .invoke(resources);
                if (found == null || Array.getLength(found) > 0) {
                    return Optional.empty();
                }
            }
            long ttl = (long) lookup.findVirtual(root, "getCacheTtl", MethodType.methodType(long.class)).invoke(resources);
            MethodHandle getResource = lookup.findVirtual(root, "getResource", MethodType.methodType(resource, String.class))
                    .asType(MethodType.methodType(Object.class, Object.class, String.class));
            MethodHandle isFile = lookup.findVirtual(resource, "isFile", MethodType.methodType(boolean.class))
                    .asType(MethodType.methodType(boolean.class, Object.class));
            return Optional.of(new TomcatResourceCache(resources, getResource, isFile, documentRootInContext, ttl));
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return Optional.empty(); // a Tomcat whose resources API differs: the file system answers
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            return Optional.empty();
        }
    }

    long ttlMillis() {
        return ttlMillis;
    }

    @Override
    public boolean isFile(String path, Path file) {
        String inContext = documentRootInContext.isEmpty() ? path : documentRootInContext + path;
        try {
            Object resource = (Object) getResource.invokeExact(resources, inContext);
            return (boolean) isFile.invokeExact(resource);
        } catch (IllegalArgumentException e) {
            return false; // a path Tomcat refuses to look up, and would not serve
        } catch (IllegalStateException e) {
            return Files.isRegularFile(file); // the context is stopping
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
