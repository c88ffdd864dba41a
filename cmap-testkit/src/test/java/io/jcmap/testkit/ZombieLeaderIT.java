package io.jcmap.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * After SIGKILL, corosync's leader thread can turn zombie while its other threads are still
 * exiting and holding its sockets, {@code cmap} among them. A leftover corosync counts as gone,
 * and its owner of {@code cmap} as found, only when every thread is considered. A compiled
 * helper ({@code zombie-leader.c}, needs gcc) holds that state for as long as the test needs.
 */
@Tag("integration")
class ZombieLeaderIT {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void aProcessWhoseLeaderIsAZombieIsAliveUntilItsLastThreadEnds() throws Exception {
        Process process = startZombieLeader();
        try {
            long inode = Long.parseLong(firstLine(process));
            long pid = process.pid();
            Await.until(() -> !ProcessState.isAliveLeader(pid), Duration.ofSeconds(10),
                    () -> "the helper's leader thread turned zombie");

            assertTrue(ProcessState.isAlive(pid), "a thread still runs, holding the socket");
            String owners = CmapOwnership.describeOwners(Set.of(inode));
            assertTrue(owners.startsWith("pid " + pid + " ("), owners);

            process.getOutputStream().close();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the helper ended once stdin closed");
            assertFalse(ProcessState.isAlive(pid));
        } finally {
            process.destroyForcibly();
        }
    }

    /**
     * A start that finds {@code cmap} still held by a process on its way out (its leader a
     * zombie, its last thread not yet gone, as a corosync killed by anyone but this testkit)
     * waits until that process has ended, instead of failing at once: nothing can be done about
     * such an owner, and it lets go by itself. The helper's thread lets go a second later.
     */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aStartWaitsForAnOwnerOfCmapThatIsExiting() throws Exception {
        Process process = startZombieLeader("cmap");
        try {
            firstLine(process);
            long pid = process.pid();
            Await.until(() -> !ProcessState.isAliveLeader(pid), Duration.ofSeconds(10),
                    () -> "the helper's leader thread turned zombie");
            assertTrue(CmapOwnership.isOwned(), "the exiting helper owns cmap");

            Thread.ofPlatform().daemon().start(() -> {
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
                try {
                    process.getOutputStream().close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            try (LocalCorosync corosync = LocalCorosync.start(CorosyncConfig.defaults())) {
                assertFalse(ProcessState.isAlive(pid), "the start waited until the helper had ended");
                assertTrue(corosync.isRunning());
            }
        } finally {
            process.destroyForcibly();
        }
    }

    private Process startZombieLeader(String... arguments) throws Exception {
        Path source = dir.resolve("zombie-leader.c");
        try (InputStream in = ZombieLeaderIT.class.getResourceAsStream("zombie-leader.c")) {
            assertNotNull(in, "zombie-leader.c is on the test class path");
            Files.copy(in, source);
        }
        Path binary = dir.resolve("zombie-leader");
        Process gcc = new ProcessBuilder("gcc", "-pthread", "-o", binary.toString(), source.toString())
                .redirectErrorStream(true).start();
        String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(gcc.waitFor(60, TimeUnit.SECONDS), "gcc ended");
        assertEquals(0, gcc.exitValue(), () -> "gcc failed:\n" + output);
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static String firstLine(Process process) throws Exception {
        String line = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        assertNotNull(line, "the helper printed its socket's inode");
        return line;
    }
}
