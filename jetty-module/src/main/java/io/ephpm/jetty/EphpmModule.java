package io.ephpm.jetty;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What {@code etc/ephpm.xml} calls: adds the app set by {@code ephpm.app}, if any, to the server's contexts. */
public final class EphpmModule {
    private static final Logger LOG = LoggerFactory.getLogger(EphpmModule.class);

    private EphpmModule() {
    }

    public static void deploy(ContextHandlerCollection contexts, Map<String, String> properties) {
        Path jettyBase = Path.of(properties.getOrDefault("jetty.base", ".")).toAbsolutePath().normalize();
        Optional<EphpmApp> app = ModuleProperties.read(properties, jettyBase);
        if (app.isEmpty()) {
            LOG.info("ePHPm: ephpm.app is not set; OctaneServlet is available to deployed webapps");
            return;
        }
        ServletContextHandler context = EphpmContexts.create(app.get());
        contexts.addHandler(context);
        LOG.info("ePHPm: {} at {} in {} mode", app.get().appRoot(), app.get().contextPath(), app.get().mode());
    }
}
