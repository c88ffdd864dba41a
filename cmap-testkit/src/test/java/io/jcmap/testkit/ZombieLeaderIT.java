package io.jcmap.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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

    private Process startZombieLeader() throws Exception {
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
        return new ProcessBuilder(binary.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static String firstLine(Process process) throws Exception {
        String line = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        assertNotNull(line, "the helper printed its socket's inode");
        return line;
    }
}
