package io.jcmap.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The time limit of a corosync-cmapctl run is checked before anything starts. */
class CmapCtlTest {
    private static final List<String> TRUE = List.of("/bin/true");

    @Test
    void aTimeoutThatCannotBeWaitedIsRefused() {
        // zero killed the process at once and reported a time-out; a huge one overflowed the wait
        for (Duration timeout : List.of(Duration.ZERO, Duration.ofMillis(-1), CorosyncConfig.LONGEST_WAIT.plusSeconds(1))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CmapCtl.run(timeout, TRUE));
            assertTrue(e.getMessage().contains("cmapctl timeout"), e.getMessage());
        }
    }

    @Test
    void aCommandWithinItsTimeoutRunsToItsEnd() {
        ProcessResult result = CmapCtl.run(Duration.ofSeconds(30), TRUE);
        assertEquals(0, result.exitCode());
        assertFalse(result.timedOut());
    }
}
