package io.ephpm.servlet;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import java.util.Set;

/**
 * Turns on the container's own precompressed-file support in a webapp that serves PHP: its
 * default servlet then answers {@code app.js} with {@code app.js.br} or {@code app.js.gz} beside
 * it, chosen by Accept-Encoding, with {@code Vary: Accept-Encoding}, as nginx's
 * {@code brotli_static}/{@code gzip_static} do. Tomcat's and Jetty's default servlets both read
 * the init-param {@code precompressed}; a value the webapp sets itself is left alone.
 */
public final class PrecompressedStaticFiles implements ServletContainerInitializer {
    static final String PARAMETER = "precompressed";
    /** In order of preference: Brotli is smaller. */
    public static final String FORMATS = "br=.br,gzip=.gz";

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        boolean servesPhp = context.getServletRegistrations().values().stream()
                .anyMatch(registration -> OctaneServlet.class.getName().equals(registration.getClassName()));
        ServletRegistration staticFiles = context.getServletRegistration("default");
        if (servesPhp && staticFiles != null && staticFiles.getInitParameter(PARAMETER) == null) {
            staticFiles.setInitParameter(PARAMETER, FORMATS);
        }
    }
}
