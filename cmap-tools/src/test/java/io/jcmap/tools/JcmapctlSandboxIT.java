package io.jcmap.tools;

import io.jcmap.testkit.CorosyncConfig;
import io.jcmap.tools.Tools.Run;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.jcmap.tools.Tools.assertContains;
import static io.jcmap.tools.Tools.c;
import static io.jcmap.tools.Tools.j;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --sandbox}: a private corosync for one command. No testkit extension here: the sandbox
 * itself must find the network namespace free, start corosync, and leave nothing behind.
 */
@Tag("integration")
class JcmapctlSandboxIT {
    private static final String NO_CONNECTION = "Failed to initialize the cmap API. Error CS_ERR_LIBRARY\n";
    private static final Path PID_LOCK = Path.of("/var/run/corosync.pid");

    @TempDir
    Path dir;

    @Test
    void runsTheCommandAgainstAPrivateCorosyncAndStopsIt() {
        assertEquals(NO_CONNECTION, c("-g", "totem.cluster_name").err(), "no corosync before");
        Run listing = j("--sandbox");
        assertEquals(0, listing.exit(), listing::toString);
        assertEquals("", listing.err());
        assertContains(listing.out(), "\ntotem.cluster_name (str) = jcmap-");
        assertContains(listing.out(), "\nsystem.qb_ipc_type (str) = shm\n");
        assertContains(listing.out(), "\nruntime.members.1.status (str) = joined\n");
        assertEquals(NO_CONNECTION, c("-g", "totem.cluster_name").err(), "no corosync after");
    }

    @Test
    void runsAnyCommandWithItsExitStatusOverEitherTransport() {
        assertEquals(new Run(0, "system.qb_ipc_type (str) = socket\n", "").toString(),
                j("--sandbox", "--sandbox-ipc", "socket", "-g", "system.qb_ipc_type").toString());
        assertEquals(new Run(1, "", "Can't get key no.such.key. Error CS_ERR_NOT_EXIST\n").toString(),
                j("--sandbox", "-g", "no.such.key").toString());
        assertEquals(new Run(1, "", "jcmapctl: --sandbox-ipc must be 'shm' or 'socket', not 'pipe'\n").toString(),
                j("--sandbox", "--sandbox-ipc", "pipe").toString());
    }

    @Test
    void saysSoWhenAnotherCorosyncOwnsCmap() throws Exception {
        Process foreign = startForeignCorosync();
        try {
            Run run = j("--sandbox");
            assertEquals(1, run.exit(), run::toString);
            assertEquals("", run.out());
            assertContains(run.err(), "jcmapctl: cannot start the sandbox corosync: Another corosync already owns the "
                    + "IPC name 'cmap' in this network namespace");
            assertContains(run.err(), "pid " + foreign.pid() + " ");
            assertContains(run.err(), "\njcmapctl: to use that corosync instead, run the command without --sandbox\n");
            assertEquals("totem.cluster_name (str) = foreign\n", j("-g", "totem.cluster_name").out(),
                    "the foreign corosync is untouched");
        } finally {
            new ProcessBuilder("kill", "-TERM", Long.toString(foreign.pid())).inheritIO().start().waitFor();
            boolean stopped = foreign.waitFor(10, TimeUnit.SECONDS);
            stop(foreign); // no testkit start removes a corosync it did not start: it would fail the classes after this one
            assertTrue(stopped, "the foreign corosync stops on SIGTERM");
        }
    }

    /** SIGKILL (also ends a stopped process) and the wait for the process's end. */
    private static void stop(Process process) throws InterruptedException {
        process.destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the foreign corosync ended on SIGKILL");
    }

    /** A corosync started behind the testkit's back, as a user might have one running. */
    private Process startForeignCorosync() throws IOException, InterruptedException {
        Path config = dir.resolve("corosync.conf");
        Files.writeString(config, CorosyncConfig.builder().clusterName("foreign").build().render(dir));
        Path pidFile = dir.resolve("corosync.pid");
        Files.createFile(pidFile);
        try {
            Files.createFile(PID_LOCK);
        } catch (FileAlreadyExistsException e) {
            // the mount point is there
        }
        // its own mount namespace, so that its lock on /var/run/corosync.pid clashes with no other
        Process process = new ProcessBuilder("unshare", "--mount", "--", "sh", "-c",
                "mount --bind \"$1\" " + PID_LOCK + " && exec /usr/sbin/corosync -f -c \"$2\"", "sh",
                pidFile.toString(), config.toString()).redirectErrorStream(true).start();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Tools.thread(() -> copy(process.getInputStream(), log));
        try {
            Tracker.awaitOut(() -> {
                synchronized (log) {
                    return log.toString().contains("ready to provide service") || !process.isAlive();
                }
            }, () -> "corosync did not get ready:\n" + log);
            assertTrue(process.isAlive(), () -> "corosync exited:\n" + log);
        } catch (AssertionError e) {
            stop(process); // ready a moment later, it would own cmap for the classes after this one
            throw e;
        }
        return process;
    }

    private static void copy(InputStream in, ByteArrayOutputStream log) {
        byte[] buffer = new byte[4096];
        int read;
        try (in) {
            while ((read = in.read(buffer)) > 0) {
                synchronized (log) {
                    log.write(buffer, 0, read);
                }
            }
        } catch (IOException e) {
            // it exited
        }
    }
}
