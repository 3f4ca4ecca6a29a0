package io.ephpm.e2e;

import java.nio.file.Path;

/**
 * The sample WAR on a Jetty 12 distribution with the ephpm module installed and enabled: the webapp
 * uses the module's ePHPm and JNA from $JETTY_BASE/lib/ephpm instead of its own WEB-INF/lib copies.
 */
class JettyModuleWarDeploymentTest extends JettyWarDeploymentTest {
    @Override
    JettyBase createBase(Path base) throws Exception {
        return JettyBase.install(base).addModules("http,ee10-deploy,ephpm");
    }
}
