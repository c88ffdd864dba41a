package io.jcmap.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OwnerJvmTest {

    private static final OwnerJvm SELF = OwnerJvm.current();

    @Test
    void readsWhatItWrites() {
        assertEquals(Optional.of(SELF), OwnerJvm.parse(SELF.format()));
        assertEquals(Optional.of(new OwnerJvm(4242, 1234567, "b0", "pid:[4026531836]", "time:[4026531834]")),
                OwnerJvm.parse("4242 1234567 b0 pid:[4026531836] time:[4026531834]\n"));
    }

    @Test
    void knowsItsOwnStart() {
        assertNotEquals(OwnerJvm.UNKNOWN, SELF.startTicks());
        assertFalse(SELF.bootId().isEmpty());
    }

    @Test
    void anythingElseNamesNoOwner() {
        assertEquals(Optional.empty(), OwnerJvm.parse(null));
        assertEquals(Optional.empty(), OwnerJvm.parse(""));
        assertEquals(Optional.empty(), OwnerJvm.parse("4242"));
        assertEquals(Optional.empty(), OwnerJvm.parse("x 1 b pid:[1] time:[1]"));
        // what the first version of the testkit wrote: never taken for ended
        assertEquals(Optional.empty(), OwnerJvm.parse("4242 2026-12-06T04:00:36.360Z pid:[4026531836]"));
    }

    @Test
    void thisJvmHasNotEnded() {
        assertFalse(SELF.hasEnded());
    }

    @Test
    void aProcessThatExitedHasEnded() throws Exception {
        Process process = new ProcessBuilder("sleep", "0.2").start();
        long ticks = ProcessState.startTicks(process.pid()).orElseThrow();
        assertTrue(process.waitFor(10, TimeUnit.SECONDS));
        assertTrue(new OwnerJvm(process.pid(), ticks, SELF.bootId(), SELF.pidNamespace(), SELF.timeNamespace())
                .hasEnded());
    }

    @Test
    void aProcessThatExitedButIsNotYetReapedHasEnded() throws Exception {
        // sh forks a child and execs into a sleep that never waits for it: the child stays a zombie
        Process parent = new ProcessBuilder("sh", "-c", "sleep 0 & echo $!; exec sleep 60").start();
        try {
            long zombie = Long.parseLong(new BufferedReader(new InputStreamReader(parent.getInputStream(),
                    StandardCharsets.UTF_8)).readLine());
            long ticks = ProcessState.startTicks(zombie).orElseThrow();
            Await.until(() -> ProcessState.of(zombie).filter(state -> state == 'Z').isPresent(), Duration.ofSeconds(10),
                    () -> "pid " + zombie + " is a zombie");
            assertTrue(new OwnerJvm(zombie, ticks, SELF.bootId(), SELF.pidNamespace(), SELF.timeNamespace())
                    .hasEnded());
        } finally {
            parent.destroyForcibly();
        }
    }

    @Test
    void aReusedPidIsAnotherProcess() {
        assertTrue(new OwnerJvm(SELF.pid(), SELF.startTicks() - 1, SELF.bootId(), SELF.pidNamespace(),
                SELF.timeNamespace()).hasEnded());
    }

    @Test
    void aJvmOfAnotherPidNamespaceIsNeverTakenForEnded() {
        assertFalse(new OwnerJvm(Integer.MAX_VALUE, 1, SELF.bootId(), "pid:[1]", SELF.timeNamespace()).hasEnded());
    }

    @Test
    void aJvmOfAnotherBootOrMachineIsNeverTakenForEnded() {
        // the initial pid namespace has the same inode on every Linux machine
        assertFalse(new OwnerJvm(Integer.MAX_VALUE, 1, "another-boot", SELF.pidNamespace(), SELF.timeNamespace())
                .hasEnded());
    }

    @Test
    void aJvmOfAnotherTimeNamespaceIsNeverTakenForEnded() {
        assertFalse(new OwnerJvm(Integer.MAX_VALUE, 1, SELF.bootId(), SELF.pidNamespace(), "time:[1]").hasEnded());
    }

    @Test
    void aJvmWhoseStartWasUnknownCountsAsRunning() {
        assertFalse(new OwnerJvm(Integer.MAX_VALUE, OwnerJvm.UNKNOWN, SELF.bootId(), SELF.pidNamespace(),
                SELF.timeNamespace()).hasEnded());
    }
}
