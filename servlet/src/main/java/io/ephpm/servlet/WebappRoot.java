package io.ephpm.servlet;

import jakarta.servlet.ServletContext;
import jakarta.servlet.UnavailableException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;

/** The webapp's root directory on disk; a WAR the container did not unpack is unpacked here. */
final class WebappRoot {
    private WebappRoot() {
    }

    static Path resolve(ServletContext context) throws UnavailableException {
        String real = context.getRealPath("/");
        if (real != null) {
            return Path.of(real).toAbsolutePath().normalize();
        }
        Object tempdir = context.getAttribute(ServletContext.TEMPDIR);
        if (!(tempdir instanceof File dir)) {
            throw new UnavailableException("ePHPm: the container did not unpack this WAR and offers no temp directory;"
                    + " deploy it unpacked (Tomcat: unpackWARs=\"true\"; Jetty: extractWAR=true)");
        }
        Path target = dir.toPath().resolve("ephpm-webapp");
        try {
            copy(context, "/", target);
        } catch (IOException e) {
            throw new UnavailableException("ePHPm: unpacking the WAR into " + target + " failed: " + e.getMessage());
        }
        context.log("ePHPm: the container did not unpack the WAR; unpacked it into " + target);
        return target.toAbsolutePath().normalize();
    }

    private static void copy(ServletContext context, String path, Path target) throws IOException {
        Set<String> children = context.getResourcePaths(path);
        if (children == null) {
            return;
        }
        for (String child : children) {
            Path destination = target.resolve(child.substring(1));
            if (child.endsWith("/")) {
                Files.createDirectories(destination);
                copy(context, child, target);
            } else {
                Files.createDirectories(destination.getParent());
                try (InputStream in = context.getResourceAsStream(child)) {
                    if (in != null) {
                        Files.copy(in, destination, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }
}
