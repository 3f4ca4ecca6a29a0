package io.ephpm.servlet;

import jakarta.servlet.ServletContext;
import java.lang.reflect.Method;
import java.util.OptionalLong;

/**
 * How Tomcat caches a webapp's static resources, read from the context's {@code WebResourceRoot}
 * by reflection (no compile dependency on Tomcat).
 */
final class TomcatResources {
    /** The context attribute under which Tomcat keeps the webapp's resources. */
    private static final String ATTRIBUTE = "org.apache.catalina.resources";
    private static final String RESOURCE_ROOT = "org.apache.catalina.WebResourceRoot";

    private TomcatResources() {
    }

    /**
     * How long Tomcat serves a cached resource before it looks at the file again ({@code <Resources
     * cacheTtl>}, 5 s by default); empty when this is not Tomcat or it does not cache.
     */
    static OptionalLong cacheTtlMillis(ServletContext context) {
        Object resources = context.getAttribute(ATTRIBUTE);
        if (resources == null) {
            return OptionalLong.empty();
        }
        try {
            Class<?> root = Class.forName(RESOURCE_ROOT, false, resources.getClass().getClassLoader());
            if (!root.isInstance(resources) || !(boolean) root.getMethod("isCachingAllowed").invoke(resources)) {
                return OptionalLong.empty();
            }
            long ttl = (long) root.getMethod("getCacheTtl").invoke(resources);
            return ttl > 0 ? OptionalLong.of(ttl) : OptionalLong.empty();
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return OptionalLong.empty(); // a Tomcat whose resources API differs: no caching assumed
        }
    }
}
