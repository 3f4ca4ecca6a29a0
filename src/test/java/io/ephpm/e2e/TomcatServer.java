package io.ephpm.e2e;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A stock Tomcat distribution run as {@code bin/catalina.sh run} over a fresh CATALINA_BASE: its own
 * HTTP port, no shutdown port, and a 1 s background check so that deploys and undeploys of
 * webapps/ happen within seconds.
 */
final class TomcatServer implements AutoCloseable {
    private static final String ACCESS_LOG = "access.log";
    /** The URL path, and the file Tomcat sent with sendfile ("-" for none): the request attribute its DefaultServlet sets. */
    private static final String ACCESS_LOG_PATTERN = "%U %{org.apache.tomcat.sendfile.filename}r";
    private final Path home = Distributions.tomcatHome();
    private final Path base;
    private final int port;
    private ServerProcess process;

    private TomcatServer(Path base, int port) {
        this.base = base;
        this.port = port;
    }

    static TomcatServer inNewBase(Path base) throws IOException {
        TomcatServer tomcat = new TomcatServer(base, ServerProcess.freePort());
        tomcat.createBase();
        return tomcat;
    }

    private void createBase() throws IOException {
        for (String dir : List.of("conf/Catalina/localhost", "logs", "temp", "webapps", "work")) {
            Files.createDirectories(base.resolve(dir));
        }
        try (Stream<Path> files = Files.list(home.resolve("conf"))) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                Files.copy(file, base.resolve("conf").resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path serverXml = base.resolve("conf/server.xml");
        String xml = Files.readString(serverXml)
                .replace("prefix=\"localhost_access_log\" suffix=\".txt\"",
                        "prefix=\"" + ACCESS_LOG + "\" suffix=\"\" rotatable=\"false\" buffered=\"false\"")
                .replace("pattern=\"%h %l %u %t &quot;%r&quot; %s %b\"", "pattern=\"" + ACCESS_LOG_PATTERN + "\"")
                .replace("<Server port=\"8005\"", "<Server port=\"-1\"")
                .replace("<Connector port=\"8080\"", "<Connector port=\"" + port + "\" address=\"127.0.0.1\"")
                .replace("<Engine name=\"Catalina\" defaultHost=\"localhost\">",
                        "<Engine name=\"Catalina\" defaultHost=\"localhost\" backgroundProcessorDelay=\"1\">");
        if (!xml.contains("port=\"" + port + "\"") || !xml.contains("backgroundProcessorDelay=\"1\"")
                || !xml.contains("prefix=\"" + ACCESS_LOG + "\"") || !xml.contains(ACCESS_LOG_PATTERN)) {
            throw new IllegalStateException("unexpected server.xml in " + home);
        }
        Files.writeString(serverXml, xml);
    }

    Path base() {
        return base;
    }

    Path webapps() {
        return base.resolve("webapps");
    }

    Path contextXml(String contextName) {
        return base.resolve("conf/Catalina/localhost").resolve(contextName + ".xml");
    }

    /** The file the last request for this URL path had Tomcat send with sendfile, or "-" when it had none. */
    String fileSentWithSendfile(String urlPath) throws IOException {
        String sent = null;
        for (String line : Files.readAllLines(base.resolve("logs").resolve(ACCESS_LOG))) {
            if (line.startsWith(urlPath + " ")) {
                sent = line.substring(urlPath.length() + 1);
            }
        }
        if (sent == null) {
            throw new AssertionError("Tomcat's access log has no request for " + urlPath);
        }
        return sent;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    ServerProcess process() {
        return process;
    }

    ServerProcess start() throws IOException {
        process = ServerProcess.start("Tomcat", List.of("/bin/sh", home.resolve("bin/catalina.sh").toString(), "run"), base,
                Map.of("CATALINA_HOME", home.toString(),
                        "CATALINA_BASE", base.toString(),
                        "JAVA_HOME", ServerProcess.javaHome(),
                        "CATALINA_OPTS", "-Xmx512m " + Distributions.phpHomeOption()),
                base.resolve("logs/console.log"));
        return process;
    }

    /** Stops Tomcat with SIGTERM (its shutdown hook) and checks that it stopped by itself, its webapps undeployed. */
    void stopCleanly() throws InterruptedException {
        process.stop(Duration.ofSeconds(60));
        String log = process.log();
        if (!log.contains("Stopping service [Catalina]")) {
            throw new AssertionError("Tomcat did not stop its service:\n" + log);
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }
}
