package io.ephpm.php;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

/**
 * A classloader of its own with ePHPm and JNA in it, as a webapp with them in WEB-INF/lib: it
 * releases the runtime as an undeploy does (libephpm unmapped), and when the container starts the
 * servlet again in the same classloader, the runtime maps libephpm again and works.
 */
class ReleaseTest {
    @Test
    void aClassloaderThatReleasedTheRuntimeCanStartItAgain() throws Exception {
        URL ephpm = PhpRuntime.class.getProtectionDomain().getCodeSource().getLocation();
        URL jna = com.sun.jna.Native.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader webapp = new URLClassLoader("webapp", new URL[] {ephpm, jna}, ClassLoader.getPlatformClassLoader())) {
            Class<?> runtimeClass = webapp.loadClass(PhpRuntime.class.getName());
            assertNotSame(PhpRuntime.class, runtimeClass);
            Object first = call(runtimeClass, null, "startDefault");
            call(runtimeClass, first, "checkOpcacheRestart"); // a call into libephpm

            call(runtimeClass, null, "release", webapp);

            Object again = call(runtimeClass, null, "startDefault");
            call(runtimeClass, again, "checkOpcacheRestart");
            assertEquals(call(runtimeClass, first, "phpVersion"), call(runtimeClass, again, "phpVersion"), "the same PHP, joined");
            call(runtimeClass, null, "release", webapp);
        }
    }

    private static Object call(Class<?> type, Object target, String name, Object... arguments) throws Exception {
        for (Method method : type.getMethods()) {
            if (method.getName().equals(name) && method.getParameterCount() == arguments.length) {
                try {
                    return method.invoke(target, arguments);
                } catch (InvocationTargetException e) {
                    if (e.getCause() instanceof Exception cause) {
                        throw cause;
                    }
                    throw new AssertionError(name + " failed", e.getCause());
                }
            }
        }
        throw new NoSuchMethodException(name);
    }
}
