package io.ephpm.servlet.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The short soaks of the reliability suite: 200 connections of mixed traffic; -Dsoak.seconds=1800 for the long ones. */
class SoakTest {
    private static final long SECONDS = Long.getLong("soak.seconds", 60);

    @Test
    void plainPhpWorkersUnderTwoHundredConnectionsLeakNothing() throws Exception {
        check(Soak.run(Soak.Options.of(Duration.ofSeconds(SECONDS), 200), new PlainWorkload()), 1000);
    }

    @Test
    void theSampleLaravelAppUnderTwoHundredConnectionsLeaksNothing() throws Exception {
        check(Soak.run(Soak.Options.of(Duration.ofSeconds(SECONDS), 200), new SampleWorkload()), 200);
    }

    private static void check(Soak.Report report, long minimumRequests) {
        System.out.println(report.table());
        assertEquals(0, report.isolationViolations(), () -> "responses showed other requests' data: " + report.firstProblems());
        assertEquals(0, report.errors(), () -> "errors: " + report.firstProblems());
        assertTrue(report.requests() > minimumRequests, "only " + report.requests() + " requests in " + SECONDS + " s");
        assertTrue(report.rssGrowthAfterWarmup() < 0.05, "RSS grew after warm-up:\n" + report.table());
        assertEquals(report.threadsBefore(), report.threadsAfter(), report.table() + report.firstProblems());
        // Not equal: in octane mode a worker opens its database on first use, so a worker replaced
        // during the load may hold fewer descriptors than its predecessor did. A leak grows.
        assertTrue(report.fdsAfter() <= report.fdsBefore(), "the server holds more file descriptors after the load:\n" + report.table());
        assertEquals(report.uploadTempFilesBefore(), report.uploadTempFilesAfter(), report.table());
        assertEquals(0, report.uploadTempFilesAfter(), "upload temp files were left behind");
    }
}
