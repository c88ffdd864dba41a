package io.jcmap.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OwnerJvmTest {

    private static final OwnerJvm SELF = OwnerJvm.current();

    @Test
    void readsWhatItWrites() {
        assertEquals(Optional.of(SELF), OwnerJvm.parse(SELF.format()));
        assertEquals(Optional.of(new OwnerJvm(4242, Instant.parse("2026-12-06T04:00:36.360Z"), "pid:[4026531836]")),
                OwnerJvm.parse("4242 2026-12-06T04:00:36.360Z pid:[4026531836]\n"));
    }

    @Test
    void anythingElseNamesNoOwner() {
        assertEquals(Optional.empty(), OwnerJvm.parse(null));
        assertEquals(Optional.empty(), OwnerJvm.parse(""));
        assertEquals(Optional.empty(), OwnerJvm.parse("4242"));
        assertEquals(Optional.empty(), OwnerJvm.parse("x 2026-12-06T04:00:36.360Z pid:[1]"));
        assertEquals(Optional.empty(), OwnerJvm.parse("4242 yesterday pid:[1]"));
    }

    @Test
    void thisJvmHasNotEnded() {
        assertFalse(SELF.hasEnded());
    }

    @Test
    void aProcessThatExitedHasEnded() throws Exception {
        Process process = new ProcessBuilder("true").start();
        Instant started = process.info().startInstant().orElse(Instant.now());
        assertTrue(process.waitFor(10, TimeUnit.SECONDS));
        assertTrue(new OwnerJvm(process.pid(), started, SELF.pidNamespace()).hasEnded());
    }

    @Test
    void aReusedPidIsAnotherProcess() {
        assertTrue(new OwnerJvm(SELF.pid(), SELF.started().minusSeconds(1), SELF.pidNamespace()).hasEnded());
    }

    @Test
    void aJvmOfAnotherPidNamespaceIsNeverTakenForEnded() {
        assertFalse(new OwnerJvm(Integer.MAX_VALUE, SELF.started(), "pid:[1]").hasEnded());
    }

    @Test
    void aJvmWhoseStartWasUnknownCountsAsRunningWhileItsPidRuns() {
        assertFalse(new OwnerJvm(SELF.pid(), Instant.EPOCH, SELF.pidNamespace()).hasEnded());
    }
}
