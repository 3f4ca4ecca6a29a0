package io.ephpm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster as a Tomcat user deploys it: the sample WAR's directory under a context XML, with
 * {@code ephpm-cluster.jar} in its {@code WEB-INF/lib} and the cluster set by {@code <Parameter>}s,
 * in one cluster with a launcher serving the same app. Writes on either are read on the other,
 * counters are exact across both, and undeploying the context stops its member without leaving a
 * thread behind in Tomcat.
 */
class ClusterOnTomcatTest {
    private static final int HITS_PER_NODE = 1_000;
    private static final int IN_FLIGHT = 8;
    private static final Duration CONVERGENCE = Duration.ofSeconds(10);
    private final NodeClient nodes = new NodeClient();

    @Test
    void aWebappOnTomcatAndALauncherShareTheTables(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path temp) throws Exception {
        String mode = SampleClient.expectedMode();
        String clusterName = "tomcat-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        int tomcatMember = ServerProcess.freePort();
        int launcherMember = ServerProcess.freePort();
        String members = "127.0.0.1:" + tomcatMember + ",127.0.0.1:" + launcherMember;
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String appKey = "base64:" + Base64.getEncoder().encodeToString(key); // the same app everywhere: one APP_KEY

        Path webapp = temp.resolve("srv/shop");
        Archives.unzip(Distributions.sampleWar(), webapp);
        Files.copy(Distributions.serverJar().resolveSibling("ephpm-cluster.jar"), webapp.resolve("WEB-INF/lib/ephpm-cluster.jar"));
        TomcatServer tomcat = TomcatServer.inNewBase(temp.resolve("catalina-base"));
        Files.writeString(tomcat.contextXml("shop"), """
                <Context docBase="%s">
                  <Parameter name="ephpm.workers" value="2"/>
                  <Parameter name="ephpm.status-path" value="/_ephpm/status"/>
                  <Parameter name="ephpm.env.APP_KEY" value="%s"/>
                  <Parameter name="ephpm.cluster" value="hazelcast"/>
                  <Parameter name="ephpm.cluster-name" value="%s"/>
                  <Parameter name="ephpm.cluster-members" value="%s"/>
                  <Parameter name="ephpm.cluster-port" value="%d"/>
                  <Parameter name="ephpm.cluster-address" value="127.0.0.1"/>
                </Context>
                """.formatted(webapp, appKey, clusterName, members, tomcatMember));

        Path app = SampleApp.copy(temp.resolve("launcher-app"));
        int launcherPort = ServerProcess.freePort();
        ServerProcess launcher = null;
        try {
            tomcat.start();
            launcher = ServerProcess.start("launcher", Distributions.launcherCommand(app, launcherPort, "--mode", mode,
                            "--workers", "2", "--task-workers", "0", "--status-path", "/_ephpm/status",
                            "--cluster", "hazelcast", "--cluster-name", clusterName, "--cluster-members", members,
                            "--cluster-port", Integer.toString(launcherMember), "--cluster-address", "127.0.0.1",
                            "--cluster-app", "shop"),
                    app, environment(mode, appKey), app.resolve("server.log"));
            URI onTomcat = tomcat.uri("/shop/");
            URI onLauncher = URI.create("http://127.0.0.1:" + launcherPort + "/");
            tomcat.process().awaitStatus(onTomcat.resolve("api/visits"), 200, Duration.ofSeconds(120));
            launcher.awaitStatus(onLauncher.resolve("api/visits"), 200, Duration.ofSeconds(120));
            for (URI base : List.of(onTomcat, onLauncher)) {
                nodes.awaitJson(base, "_ephpm/status", status -> status.path("cluster").path("members").asInt() == 2,
                        "the pool's status shows both members: " + base, CONVERGENCE);
                assertEquals("shop", nodes.getJson(base, "_ephpm/status").path("cluster").path("app").asText());
            }

            String fromTomcat = "tomcat-" + System.nanoTime();
            nodes.getJson(onTomcat, "api/visits?note=" + fromTomcat);
            nodes.awaitJson(onLauncher, "api/visits", board -> fromTomcat.equals(board.path("note").asText()), "Tomcat's note on the launcher", CONVERGENCE);
            String fromLauncher = "launcher-" + System.nanoTime();
            nodes.getJson(onLauncher, "api/visits?note=" + fromLauncher);
            nodes.awaitJson(onTomcat, "api/visits", board -> fromLauncher.equals(board.path("note").asText()), "the launcher's note on Tomcat", CONVERGENCE);

            CompletableFuture.allOf(
                    CompletableFuture.runAsync(() -> nodes.hit(onTomcat, "api/visits/hit", HITS_PER_NODE, IN_FLIGHT)),
                    CompletableFuture.runAsync(() -> nodes.hit(onLauncher, "api/visits/hit", HITS_PER_NODE, IN_FLIGHT)),
                    CompletableFuture.runAsync(() -> nodes.hit(onTomcat, "api/visits/cache-count?add=1", HITS_PER_NODE / 10, IN_FLIGHT)),
                    CompletableFuture.runAsync(() -> nodes.hit(onLauncher, "api/visits/cache-count?add=1", HITS_PER_NODE / 10, IN_FLIGHT))).get();
            for (URI base : List.of(onTomcat, onLauncher)) {
                nodes.awaitJson(base, "api/visits", board -> board.path("count").asInt() == 2 * HITS_PER_NODE,
                        "exactly " + 2 * HITS_PER_NODE + " visits counted on " + base, CONVERGENCE);
                nodes.awaitJson(base, "api/visits/cache-count", c -> c.path("count").asInt() == 2 * HITS_PER_NODE / 10,
                        "exactly " + 2 * HITS_PER_NODE / 10 + " on the cache counter of " + base, CONVERGENCE);
            }

            // undeployed, the webapp's member leaves the cluster and takes its threads with it
            Files.delete(tomcat.contextXml("shop"));
            tomcat.process().awaitStatus(onTomcat.resolve("api/visits"), 404, Duration.ofSeconds(60));
            nodes.awaitJson(onLauncher, "_ephpm/status", status -> status.path("cluster").path("members").asInt() == 1,
                    "the launcher sees Tomcat's member gone", CONVERGENCE);
            assertEquals(2 * HITS_PER_NODE, nodes.getJson(onLauncher, "api/visits").path("count").asInt(), "and keeps the count");
            tomcat.stopCleanly();
            String log = tomcat.process().log();
            assertFalse(log.contains("but has failed to stop it"), "Tomcat found threads the webapp left running:\n" + log);
            assertFalse(log.contains("but failed to remove it"), "Tomcat found thread-locals the webapp left behind:\n" + log);
            assertEquals(0, launcher.stop(Duration.ofSeconds(60)), "the launcher stops cleanly");
        } finally {
            tomcat.close();
            if (launcher != null) {
                launcher.close();
            }
        }
    }

    private static Map<String, String> environment(String mode, String appKey) {
        return mode.equals("octane") ? Map.of("APP_KEY", appKey, "EPHPM_OCTANE_PATH", System.getenv("EPHPM_OCTANE_PATH"))
                : Map.of("APP_KEY", appKey);
    }
}
