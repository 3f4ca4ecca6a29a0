package io.ephpm.jetty.launcher;

import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.Set;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** The mode the app's worker pool runs in, as OctaneServlet reports it over JMX: {@code auto} resolved. */
final class RunningMode {
    private RunningMode() {
    }

    static Optional<String> of(String contextPath) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            Set<ObjectName> pools = server.queryNames(
                    new ObjectName("io.ephpm:type=WorkerPool,context=" + ObjectName.quote(contextPath) + ",*"), null);
            if (pools.size() != 1) {
                return Optional.empty();
            }
            return Optional.of(String.valueOf(server.getAttribute(pools.iterator().next(), "Mode")));
        } catch (JMException e) {
            return Optional.empty();
        }
    }
}
