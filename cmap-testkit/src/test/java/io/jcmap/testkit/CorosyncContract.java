package io.jcmap.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Behaviour every backend must show, checked with the real corosync-cmapctl. Subclasses pick the
 * backend explicitly; nothing here is skipped.
 */
@Tag("integration")
@ExtendWith(LeakCheckExtension.class)
abstract class CorosyncContract {

    private static final Duration PAUSED_CLIENT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration FAIL_FAST_LIMIT = Duration.ofSeconds(5);

    abstract Backend backend();

    /** Resources other than the process and /dev/shm that close() must remove. */
    abstract void assertBackendResourcesRemoved(Corosync closed);

    Corosync start(CorosyncConfig config) {
        return backend().start(config);
    }

    @Test
    void servesTheConfiguredClusterNameOverShmByDefault() {
        CorosyncConfig config = CorosyncConfig.defaults();
        try (Corosync corosync = start(config)) {
            assertEquals(backend(), corosync.backend());
            assertEquals(config, corosync.config());
            assertEquals(IpcType.SHM, corosync.ipcType());
            assertTrue(corosync.isRunning());
            assertTrue(ProcessState.isAlive(corosync.pid()));
            assertEquals(config.clusterName(), cmapGet(corosync, "totem.cluster_name"));
            assertEquals("shm", cmapGet(corosync, "system.qb_ipc_type"));
            assertTrue(corosync.log().contains("ready to provide service"), corosync.log());
            assertEquals(Optional.empty(), corosync.cmapSocket());
        }
    }

    /**
     * Forced to filesystem sockets, corosync serves CMAP on a socket file only, across a kill and
     * a restart, and the file is gone after close (libqb leaves it behind when killed).
     */
    @Test
    void servesCmapOnASocketFileOnlyWhenForcedToFilesystemSockets() throws Exception {
        CorosyncConfig config = CorosyncConfig.builder().filesystemSockets(true).build();
        Path socket;
        try (Corosync corosync = start(config)) {
            socket = corosync.cmapSocket().orElseThrow();
            assertTrue(Files.readAttributes(socket, BasicFileAttributes.class).isOther(), socket + " is a socket");
            assertEquals(config.clusterName(), cmapGet(corosync, "totem.cluster_name"));
            ProcessResult abstractName = CmapCtl.run(Duration.ofSeconds(10),
                    CmapCtl.command("-g", "totem.cluster_name"));
            assertFalse(abstractName.succeeded(), "the abstract name cmap is not served: " + abstractName);

            corosync.kill();
            assertTrue(Files.exists(socket), "SIGKILL leaves the socket file");
            corosync.restart();
            assertEquals(config.clusterName(), cmapGet(corosync, "totem.cluster_name"));
            corosync.kill();
        }
        assertFalse(Files.exists(socket), socket + " is removed by close");
    }

    @Test
    void servesOverSocketsInSocketMode() {
        CorosyncConfig config = CorosyncConfig.builder().ipcType(IpcType.SOCKET).build();
        try (Corosync corosync = start(config)) {
            assertEquals(IpcType.SOCKET, corosync.ipcType());
            assertEquals("socket", cmapGet(corosync, "system.qb_ipc_type"));
            assertEquals(config.clusterName(), cmapGet(corosync, "totem.cluster_name"));
        }
    }

    @Test
    void mergesExtraConfigIntoTheGeneratedSections() {
        CorosyncConfig config = CorosyncConfig.builder()
                .extraConfig("logging {\n  logger_subsys {\n    subsys: QUORUM\n    debug: on\n  }\n}\n")
                .extraConfig("system {\n  sched_rr: no\n}\n")
                .build();
        try (Corosync corosync = start(config)) {
            assertEquals("on", cmapGet(corosync, "logging.logger_subsys.QUORUM.debug"));
            assertEquals("no", cmapGet(corosync, "system.sched_rr"));
            assertEquals("yes", cmapGet(corosync, "logging.to_stderr"));
            assertEquals("shm", cmapGet(corosync, "system.qb_ipc_type"));
        }
    }

    @Test
    void killEndsTheProcessAndRestartBringsItBack() {
        CorosyncConfig config = CorosyncConfig.defaults();
        try (Corosync corosync = start(config)) {
            long killed = corosync.pid();

            corosync.kill();

            assertFalse(corosync.isRunning());
            assertFalse(ProcessState.isAlive(killed));
            assertFalse(ShmFiles.ownedBy(killed).isEmpty(), "SIGKILL leaves the blackbox files, like a crash");
            ProcessResult whileDead = corosync.cmapctl("-g", "totem.cluster_name");
            assertFalse(whileDead.succeeded(), whileDead.toString());
            assertFalse(whileDead.timedOut(), whileDead.toString());
            assertThrows(IllegalStateException.class, corosync::pause);

            corosync.restart();

            assertTrue(corosync.isRunning());
            assertNotEquals(killed, corosync.pid());
            assertEquals(config.clusterName(), cmapGet(corosync, "totem.cluster_name"));
            assertEquals(java.util.List.of(), ShmFiles.ownedBy(killed), "restart cleans the dead pid's files");
            assertTrue(corosync.log().contains("killed pid " + killed), corosync.log());
        }
    }

    @Test
    void pauseMakesClientsWaitUntilResume() {
        try (Corosync corosync = start(CorosyncConfig.builder().ipcType(IpcType.SOCKET).build())) {
            long pid = corosync.pid();

            corosync.pause();

            assertTrue(ProcessState.isStopped(pid));
            assertTrue(corosync.isRunning(), "a paused process still exists");
            ProcessResult whilePaused = corosync.cmapctl(PAUSED_CLIENT_TIMEOUT, "-g", "totem.cluster_name");
            assertTrue(whilePaused.timedOut(), whilePaused.toString());

            corosync.resume();

            assertFalse(ProcessState.isStopped(pid));
            assertEquals(pid, corosync.pid());
            assertEquals(corosync.clusterName(), cmapGet(corosync, "totem.cluster_name"));
        }
    }

    @Test
    void restartOfARunningInstanceKeepsTheConfiguration() {
        CorosyncConfig config = CorosyncConfig.builder().ipcType(IpcType.SOCKET).build();
        try (Corosync corosync = start(config)) {
            long first = corosync.pid();

            corosync.restart();

            assertNotEquals(first, corosync.pid());
            assertFalse(ProcessState.isAlive(first));
            assertEquals(config, corosync.config());
            assertEquals("socket", cmapGet(corosync, "system.qb_ipc_type"));
            assertEquals(config.clusterName(), cmapGet(corosync, "totem.cluster_name"));
            assertEquals(2, corosync.log().split("ready to provide service", -1).length - 1, corosync.log());
        }
    }

    @Test
    void closeStopsCorosyncAndRemovesItsFiles() {
        Corosync corosync = start(CorosyncConfig.defaults());
        long pid = corosync.pid();
        assertEquals(corosync.clusterName(), cmapGet(corosync, "totem.cluster_name"));
        assertFalse(ShmFiles.ownedBy(pid).isEmpty(), "a running corosync has its blackbox in /dev/shm");

        corosync.close();
        corosync.close();

        assertFalse(corosync.isRunning());
        assertFalse(ProcessState.isAlive(pid));
        assertEquals(java.util.List.of(), ShmFiles.ownedBy(pid));
        assertFalse(CmapOwnership.isOwned(), "cmap is free again");
        assertFalse(corosync.cmapctl("-g", "totem.cluster_name").succeeded());
        assertTrue(corosync.log().contains("Corosync Cluster Engine exiting normally"), corosync.log());
        assertThrows(IllegalStateException.class, corosync::restart);
        assertBackendResourcesRemoved(corosync);
    }

    /**
     * A test interrupted by a timeout (assertTimeoutPreemptively, or code that restores the
     * interrupt status) closes its instance in try-with-resources on the interrupted thread: the
     * close must still stop corosync and remove its files, and keep the interrupt status.
     */
    @Test
    void closeOnAnInterruptedThreadStillStopsItAndKeepsTheInterruptStatus() {
        Corosync corosync = start(CorosyncConfig.defaults());
        long pid = corosync.pid();
        corosync.pause();

        boolean interruptedAfterClose;
        Thread.currentThread().interrupt();
        try {
            corosync.close();
        } finally {
            interruptedAfterClose = Thread.interrupted();
        }

        assertTrue(interruptedAfterClose, "close() keeps the interrupt status");
        assertFalse(ProcessState.isAlive(pid), "corosync pid " + pid + " stopped");
        assertEquals(java.util.List.of(), ShmFiles.ownedBy(pid));
        assertFalse(CmapOwnership.isOwned(), "cmap is free again");
        assertBackendResourcesRemoved(corosync);
    }

    @Test
    void closeOfAPausedInstanceStillStopsIt() {
        Corosync corosync = start(CorosyncConfig.defaults());
        long pid = corosync.pid();
        corosync.pause();

        corosync.close();

        assertFalse(ProcessState.isAlive(pid));
        assertEquals(java.util.List.of(), ShmFiles.ownedBy(pid));
    }

    @Test
    void failsFastWhenAnotherCorosyncOwnsCmap() throws Exception {
        try (RawCorosync other = RawCorosync.start()) {
            long started = System.nanoTime();

            CorosyncTestkitException e = assertThrows(CorosyncTestkitException.class,
                    () -> start(CorosyncConfig.defaults()).close());

            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertTrue(took.compareTo(FAIL_FAST_LIMIT) < 0, "took " + took);
            assertTrue(e.getMessage().contains("already owns the IPC name 'cmap'"), e.getMessage());
            assertTrue(e.getMessage().contains("pid " + other.pid() + " ("), e.getMessage());
            assertTrue(e.getMessage().contains("ip netns exec"), e.getMessage());
            assertEquals("raw", CmapCtl.run(Duration.ofSeconds(10),
                    CmapCtl.command("-g", "totem.cluster_name")).stdout()
                    .replaceFirst("^totem.cluster_name \\(str\\) = ", "").strip(), "the other corosync is untouched");
        }
    }

    @Test
    void aSecondInstanceWaitsUntilTheFirstIsClosed() throws Exception {
        Corosync first = start(CorosyncConfig.defaults());
        try {
            CorosyncConfig impatient = CorosyncConfig.builder().lockTimeout(Duration.ofMillis(300)).build();
            CorosyncTestkitException e = assertThrows(CorosyncTestkitException.class, () -> start(impatient).close());
            assertTrue(e.getMessage().contains("timed out after PT0.3S"), e.getMessage());
            assertTrue(e.getMessage().contains(first.clusterName()), e.getMessage());

            CorosyncConfig patient = CorosyncConfig.defaults();
            CompletableFuture<Corosync> second = CompletableFuture.supplyAsync(() -> start(patient));
            // without the wait it would fail within FAIL_FAST_LIMIT ("already owns the IPC name")
            assertThrows(TimeoutException.class, () -> second.get(FAIL_FAST_LIMIT.toMillis(), TimeUnit.MILLISECONDS),
                    "the second instance did not wait while the first held the lock");
            first.close();
            try (Corosync next = second.get(60, TimeUnit.SECONDS)) {
                assertEquals(patient.clusterName(), cmapGet(next, "totem.cluster_name"));
            }
        } finally {
            first.close();
        }
    }

    @Test
    void failsWithTheCapturedLogWhenCorosyncExitsDuringStartup() {
        CorosyncConfig broken = CorosyncConfig.builder().extraConfig("totem {\n  transport: nonsense\n}\n").build();

        CorosyncTestkitException e = assertThrows(CorosyncTestkitException.class, () -> start(broken).close());

        assertTrue(e.getMessage().contains("before it was ready"), e.getMessage());
        assertTrue(e.getMessage().contains("Invalid transport type"), e.getMessage());
        assertFalse(CmapOwnership.isOwned());
    }

    @Test
    void failsWhenNotReadyWithinTheStartupTimeout() {
        CorosyncConfig hasty = CorosyncConfig.builder().startupTimeout(Duration.ofMillis(1)).build();

        CorosyncTestkitException e = assertThrows(CorosyncTestkitException.class, () -> start(hasty).close());

        assertTrue(e.getMessage().contains("was not ready to provide service within PT0.001S"), e.getMessage());
        assertFalse(CmapOwnership.isOwned(), "the unready corosync was stopped");
    }

    static String cmapGet(Corosync corosync, String key) {
        ProcessResult result = corosync.cmapctl("-g", key);
        assertTrue(result.succeeded(), result.toString());
        String prefix = key + " (str) = ";
        String line = result.stdout().strip();
        assertTrue(line.startsWith(prefix), line);
        return line.substring(prefix.length());
    }
}
