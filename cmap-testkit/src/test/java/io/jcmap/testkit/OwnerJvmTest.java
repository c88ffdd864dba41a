package io.jcmap.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        // sh forks a child and execs into a sleep that never waits for it: the child, which exits only
        // once told, after the exec, stays a zombie. A child exiting at once (sleep 0) could be reaped by
        // sh before its exec, and then never became one (a CI run of 2026-12-06)
        Process parent = new ProcessBuilder("sh", "-c", "exec 3<&0; read line <&3 & echo $!; exec sleep 60").start();
        try {
            long zombie = Long.parseLong(new BufferedReader(new InputStreamReader(parent.getInputStream(),
                    StandardCharsets.UTF_8)).readLine());
            long ticks = ProcessState.startTicks(zombie).orElseThrow();
            Path parentName = Path.of("/proc", Long.toString(parent.pid()), "comm");
            Await.until(() -> commandName(parentName).equals("sleep"), Duration.ofSeconds(10),
                    () -> "sh has become the sleep that does not reap");
            parent.getOutputStream().write('\n');
            parent.getOutputStream().flush();
            Await.until(() -> ProcessState.of(zombie).filter(state -> state == 'Z').isPresent(), Duration.ofSeconds(10),
                    () -> "pid " + zombie + " is a zombie");
            assertTrue(new OwnerJvm(zombie, ticks, SELF.bootId(), SELF.pidNamespace(), SELF.timeNamespace())
                    .hasEnded());
        } finally {
            parent.destroyForcibly();
        }
    }

    private static String commandName(Path comm) {
        try {
            return Files.readString(comm).strip();
        } catch (IOException e) {
            return "";
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
