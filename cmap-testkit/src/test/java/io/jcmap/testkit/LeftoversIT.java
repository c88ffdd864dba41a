package io.jcmap.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.exception.NotFoundException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.DockerClientFactory;

/**
 * A JVM killed with SIGKILL runs no shutdown hook: its corosync keeps running and owns
 * {@code cmap}. The next start removes it, with its files, once it is sure that JVM has ended;
 * a corosync whose JVM still runs is left alone.
 */
@Tag("integration")
@ExtendWith(LeakCheckExtension.class)
class LeftoversIT {

    static final String READY = "READY";

    /**
     * Child JVM: starts a corosync of the backend named by args[0], says which, and waits to be
     * killed. With args[1] "killed", the local corosync is killed first, as a test may leave it.
     */
    public static void main(String[] args) throws Exception {
        Corosync corosync = args[0].equals("local")
                ? LocalCorosync.start(CorosyncConfig.defaults())
                : CorosyncContainer.startNew(CorosyncConfig.defaults());
        if (args.length > 1 && args[1].equals("killed")) {
            corosync.kill(); // its /dev/shm files stay until close(), which the killed JVM never runs
        }
        String where = corosync instanceof LocalCorosync local ? local.privateDir().toString()
                : ((CorosyncContainer) corosync).getContainerId();
        System.out.println(READY + " " + corosync.pid() + " " + where);
        System.out.flush();
        System.in.readAllBytes(); // until the parent closes it, or kills us
        corosync.close();
    }

    /** A child JVM with its corosync running. */
    private record Child(Process process, long corosyncPid, String where) {
        static Child start(String... arguments) throws Exception {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            List<String> command = new java.util.ArrayList<>(List.of(java.toString(), "-cp",
                    System.getProperty("java.class.path"), LeftoversIT.class.getName()));
            command.addAll(List.of(arguments));
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            String line = out.readLine();
            assertNotNull(line, "the child JVM ended before its corosync was ready");
            String[] fields = line.split(" ");
            assertEquals(READY, fields[0], line);
            return new Child(process, Long.parseLong(fields[1]), fields[2]);
        }

        /** SIGKILL: no shutdown hook runs, and the corosync stays. */
        void killJvm() throws InterruptedException {
            killJvmOnly();
            assertTrue(ProcessState.isAlive(corosyncPid), "its corosync is left running");
            assertTrue(CmapOwnership.isOwned(), "and owns cmap");
        }

        void killJvmOnly() throws InterruptedException {
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the child JVM was killed");
        }

        void closeGently() throws Exception {
            process.getOutputStream().close();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the child JVM closed its corosync and ended");
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aLocalCorosyncLeftByAKilledJvmIsRemovedByTheNextStart() throws Exception {
        Child child = leftByAKilledJvmThenNextStarted("local", () -> LocalCorosync.start(CorosyncConfig.defaults()));

        assertFalse(Files.exists(Path.of(child.where())), "its private directory was removed");
    }

    /**
     * corosync logs into a pipe to its JVM: with the JVM killed, a line killed it with SIGPIPE
     * (a review, 2026-12-07), leaving its files to nobody. A configuration reload makes it log.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aLocalCorosyncThatLogsAfterItsJvmWasKilledKeepsRunningAndIsRemovedByTheNextStart() throws Exception {
        Child child = Child.start("local");
        try {
            child.killJvm();
            ProcessResult reload = HelperProcess.run(CmapCtl.DEFAULT_TIMEOUT, List.of("/usr/sbin/corosync-cfgtool", "-R"));
            assertTrue(reload.succeeded(), "corosync-cfgtool -R: " + reload);
            ProcessResult read = CmapCtl.run(CmapCtl.DEFAULT_TIMEOUT, CmapCtl.command("-g", "totem.cluster_name"));
            assertTrue(read.succeeded(), "corosync still answers after logging the reload: " + read);

            nextLocalStartRemovesWhatItLeft(child);
        } finally {
            removeIfLeft(child, "local");
        }
    }

    /** A test killed its corosync, then its JVM was killed: the dead instance's files are removed too. */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void theFilesOfACorosyncKilledBeforeItsJvmAreRemovedByTheNextStart() throws Exception {
        Child child = Child.start("local", "killed");
        try {
            child.killJvmOnly();
            assertFalse(ProcessState.isAlive(child.corosyncPid()), "its corosync was killed before");
            assertFalse(ShmFiles.ownedBy(child.corosyncPid()).isEmpty(), "and left its /dev/shm files");

            nextLocalStartRemovesWhatItLeft(child);
        } finally {
            removeIfLeft(child, "local");
        }
    }

    /** Starts the next local corosync, and checks that what {@code child} left is gone. */
    private static void nextLocalStartRemovesWhatItLeft(Child child) {
        try (Corosync started = LocalCorosync.start(CorosyncConfig.defaults())) {
            assertTrue(started.isRunning());
        }
        assertFalse(ProcessState.isAlive(child.corosyncPid()), "the leftover corosync is gone");
        assertEquals(List.of(), ShmFiles.ownedBy(child.corosyncPid()), "its /dev/shm files were removed");
        assertFalse(Files.exists(Path.of(child.where())), "its private directory was removed");
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aContainerLeftByAKilledJvmIsRemovedByTheNextStart() throws Exception {
        Child child = leftByAKilledJvmThenNextStarted("container",
                () -> CorosyncContainer.startNew(CorosyncConfig.defaults()));

        assertThrows(NotFoundException.class,
                () -> DockerClientFactory.instance().client().inspectContainerCmd(child.where()).exec(),
                "the leftover container was removed");
    }

    /**
     * Starts a corosync of {@code backend} in a child JVM, kills that JVM, and starts the next
     * corosync with {@code next}; checks that the leftover is gone with its {@code /dev/shm} files.
     */
    private static Child leftByAKilledJvmThenNextStarted(String backend, Supplier<Corosync> next) throws Exception {
        Child child = Child.start(backend);
        try {
            child.killJvm();

            try (Corosync started = next.get()) {
                assertTrue(started.isRunning());
            }

            assertFalse(ProcessState.isAlive(child.corosyncPid()), "the leftover corosync was stopped");
            assertEquals(List.of(), ShmFiles.ownedBy(child.corosyncPid()), "its /dev/shm files were removed");
            return child;
        } finally {
            removeIfLeft(child, backend);
        }
    }

    /** What a failed test would leave: a corosync outliving the test's network namespace, or a container. */
    private static void removeIfLeft(Child child, String backend) {
        child.process().destroyForcibly();
        if (backend.equals("container")) {
            try {
                DockerClientFactory.instance().client().removeContainerCmd(child.where()).withForce(true).exec();
            } catch (NotFoundException e) {
                // removed, as it should be
            }
        } else {
            if (ProcessState.isAlive(child.corosyncPid())) {
                Signal.KILL.sendTo(child.corosyncPid());
            }
            FileTrees.delete(Path.of(child.where()));
        }
        ShmFiles.deleteOwnedBy(child.corosyncPid());
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aCorosyncWhoseJvmStillRunsIsLeftAlone() throws Exception {
        Child child = Child.start("local");
        try {
            Leftovers.removeLocal();

            assertTrue(ProcessState.isAlive(child.corosyncPid()), "the live JVM's corosync still runs");
            assertTrue(Files.exists(Path.of(child.where())), "and keeps its directory");
        } finally {
            child.closeGently();
        }
    }
}
