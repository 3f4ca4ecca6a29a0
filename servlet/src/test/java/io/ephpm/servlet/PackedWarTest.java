package io.ephpm.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A WAR the container serves without unpacking it: the servlet unpacks it itself, as PHP needs files on disk. */
class PackedWarTest {
    @TempDir
    Path temp;

    @Test
    void aWarTomcatDoesNotUnpackIsUnpackedByTheServlet() throws Exception {
        Path war = temp.resolve("packed.war");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(war))) {
            add(zip, "index.php", "<?php echo 'from a packed WAR: ', basename(__DIR__) === 'ephpm-webapp' ? 'unpacked' : __DIR__;");
            add(zip, "WEB-INF/web.xml", """
                    <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                      <servlet>
                        <servlet-name>ephpm</servlet-name>
                        <servlet-class>io.ephpm.servlet.OctaneServlet</servlet-class>
                        <init-param><param-name>workers</param-name><param-value>1</param-value></init-param>
                        <load-on-startup>1</load-on-startup>
                        <async-supported>true</async-supported>
                      </servlet>
                      <servlet-mapping><servlet-name>ephpm</servlet-name><url-pattern>/</url-pattern></servlet-mapping>
                    </web-app>
                    """);
        }
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(temp.resolve("tomcat").toString());
        tomcat.setHostname("127.0.0.1");
        tomcat.setPort(0);
        tomcat.getHost().setAutoDeploy(false);
        tomcat.getHost().setDeployOnStartup(false);
        ((org.apache.catalina.core.StandardHost) tomcat.getHost()).setUnpackWARs(false);
        Context context = tomcat.addWebapp("/packed", war.toString());
        context.setParentClassLoader(PackedWarTest.class.getClassLoader());
        tomcat.start();
        try {
            HttpResponse<String> r = Http.get("http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + "/packed/");
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("from a packed WAR: unpacked", r.body());
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    private static void add(ZipOutputStream zip, String name, String content) throws java.io.IOException {
        zip.putNextEntry(new ZipEntry(name));
        OutputStream out = zip;
        out.write(content.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }
}
