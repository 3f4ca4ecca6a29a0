package io.ephpm.servlet;

import java.lang.management.ManagementFactory;

/** The machine's CPU load, or the container's where the JVM runs in one, as the JVM reports it. */
final class CpuLoad {
    private static final java.lang.management.OperatingSystemMXBean OS = ManagementFactory.getOperatingSystemMXBean();

    private CpuLoad() {
    }

    /** 0 to 1 since the previous call, negative when the platform does not say. */
    static double sinceLastCall() {
        return OS instanceof com.sun.management.OperatingSystemMXBean os ? os.getCpuLoad() : -1;
    }
}
