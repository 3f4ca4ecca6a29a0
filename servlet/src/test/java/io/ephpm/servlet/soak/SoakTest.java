package io.ephpm.servlet.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The short soak of the reliability suite: 200 connections of mixed traffic; -Dsoak.seconds=1800 for the long one. */
class SoakTest {

    @Test
    void twoHundredConnectionsOfMixedTrafficLeakNothing() throws Exception {
        long seconds = Long.getLong("soak.seconds", 60);
        Soak.Report report = Soak.run(Soak.Options.of(Duration.ofSeconds(seconds), 200));
        System.out.println(report.table());
        assertEquals(0, report.isolationViolations(), () -> "responses showed other requests' data: " + report.firstProblems());
        assertEquals(0, report.errors(), () -> "errors: " + report.firstProblems());
        assertTrue(report.requests() > 1000, "only " + report.requests() + " requests in " + seconds + " s");
        assertTrue(report.rssGrowthAfterWarmup() < 0.05, "RSS grew after warm-up:\n" + report.table());
        assertEquals(report.threadsBefore(), report.threadsAfter(), report.table() + report.firstProblems());
        assertEquals(report.fdsBefore(), report.fdsAfter(), report.table());
        assertEquals(report.uploadTempFilesBefore(), report.uploadTempFilesAfter(), report.table());
        assertEquals(0, report.uploadTempFilesAfter(), "upload temp files were left behind");
    }
}
