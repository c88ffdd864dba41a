package io.jcmap.testkit;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * Removes what a JVM killed with SIGKILL (or halted) left of its testkit corosync: no shutdown
 * hook ran, so its corosync kept running, owning {@code cmap}, and its files stayed. Each instance
 * records the JVM that started it ({@link OwnerJvm}); one whose JVM has surely ended is removed
 * before the next start, which holds the instance lock of this network namespace. Anything else
 * owning {@code cmap} is left alone, and the start fails naming it ({@link CmapOwnership}).
 */
final class Leftovers {

    /** In a local instance's private directory: the {@link OwnerJvm} that started it. */
    static final String OWNER_FILE = "owner";
    /** In a local instance's private directory: the pid of each corosync it started, a line each. */
    static final String PIDS_FILE = "pids";
    /** The start of a local instance's private directory's name, in {@code java.io.tmpdir}. */
    static final String LOCAL_DIR_PREFIX = "jcmap-corosync-";
    /** On a testkit container: the {@link OwnerJvm} that started it. */
    static final String OWNER_LABEL = CorosyncContainer.LABEL + ".owner";

    private static final Logger LOG = LoggerFactory.getLogger(Leftovers.class);
    private static final Duration EXIT_WAIT = Duration.ofSeconds(10);
    private static final String COROSYNC_COMM = "corosync";

    private Leftovers() {
    }

    /**
     * Removes the leftovers that would stand in the way of a start of {@code backend}: local
     * instances in this network namespace, and testkit containers (on Docker, which the container
     * backend needs anyway, or the local one only when such a container's corosync runs here).
     */
    static void removeBefore(Backend backend) {
        removeLocal();
        if (backend == Backend.CONTAINER
                || (containerCorosyncRunsHere() && DockerClientFactory.instance().isDockerAvailable())) {
            removeContainers(DockerClientFactory.instance().client());
        }
    }

    /** Local testkit corosync processes in this network namespace whose JVM has ended, with their files. */
    static void removeLocal() {
        String ourNetwork = Namespace.NET.current();
        for (long pid : corosyncProcesses()) {
            Matcher local = CmapOwnership.LOCAL_LEFTOVER.matcher(CmapOwnership.commandLine(pid));
            if (!local.matches() || !Namespace.NET.of(pid).equals(ourNetwork)) {
                continue;
            }
            Path dir = Path.of(local.group(1));
            Optional<OwnerJvm> owner = readOwner(dir);
            if (owner.isPresent() && owner.get().hasEnded()) {
                LOG.warn("jcmap-testkit: removing corosync pid {} and {}, left running by JVM pid {} (started {} "
                        + "ticks after boot), which ended without closing it", pid, dir, owner.get().pid(),
                        owner.get().startTicks());
                kill(pid);
                ShmFiles.deleteOwnedBy(pid);
                FileTrees.delete(dir);
            }
        }
        removeDeadLocal();
    }

    /**
     * The private directories, and the {@code /dev/shm} files of the corosync pids they record, of
     * local instances whose JVM has ended while their corosync was no longer running (killed by a
     * test, or crashed). Best effort: a failure is logged, not thrown, as these are in no start's way.
     */
    static void removeDeadLocal() {
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(temp, LOCAL_DIR_PREFIX + "*")) {
            for (Path dir : dirs) {
                Optional<OwnerJvm> owner = readOwner(dir);
                List<Long> pids = readPids(dir);
                if (owner.isEmpty() || !owner.get().hasEnded() || pids.stream().anyMatch(pid -> runsIn(pid, dir))) {
                    continue;
                }
                LOG.warn("jcmap-testkit: removing {} and the /dev/shm files of its corosync pids {}, left by JVM "
                        + "pid {}, which ended without closing it", dir, pids, owner.get().pid());
                pids.stream().filter(pid -> !ProcessState.isAlive(pid)).forEach(ShmFiles::deleteOwnedBy);
                FileTrees.delete(dir);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("jcmap-testkit: cannot remove what ended instances left in {}: {}", temp, e.toString());
        }
    }

    /**
     * Whether {@code pid} is a corosync of the instance in {@code dir}, left to a start in its
     * network namespace. Its comm first, as in {@link #corosyncProcesses()}: the pid may be reused.
     */
    private static boolean runsIn(long pid, Path dir) {
        if (!COROSYNC_COMM.equals(comm(CmapOwnership.PROC.resolve(Long.toString(pid))))) {
            return false;
        }
        Matcher local = CmapOwnership.LOCAL_LEFTOVER.matcher(CmapOwnership.commandLine(pid));
        return local.matches() && Path.of(local.group(1)).equals(dir);
    }

    private static List<Long> readPids(Path dir) {
        try {
            return Files.readAllLines(dir.resolve(PIDS_FILE)).stream().map(String::strip)
                    .filter(line -> line.matches("\\d+")).map(Long::parseLong).toList();
        } catch (IOException e) {
            return List.of(); // none started yet, or an older testkit's
        }
    }

    /** Testkit containers whose JVM has ended, and the {@code /dev/shm} files of their corosync. */
    static void removeContainers(DockerClient docker) {
        for (Container container : docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(CorosyncContainer.LABEL, "true")).exec()) {
            Optional<OwnerJvm> owner = OwnerJvm.parse(container.getLabels().get(OWNER_LABEL));
            if (owner.isEmpty() || !owner.get().hasEnded()) {
                continue;
            }
            try {
                InspectContainerResponse.ContainerState state = docker.inspectContainerCmd(container.getId()).exec()
                        .getState();
                Long pid = state.getPidLong();
                // its corosync as this JVM sees it: not so when dockerd's pid namespace is not ours
                boolean visible = pid != null && pid > 0
                        && CmapOwnership.commandLine(pid).endsWith(CmapOwnership.CONTAINER_LEFTOVER);
                if (visible && Boolean.TRUE.equals(state.getRunning())
                        && !Namespace.NET.of(pid).equals(Namespace.NET.current())) {
                    continue; // not in our way, nor under our instance lock: left to a start in its namespace
                }
                LOG.warn("jcmap-testkit: removing container {} (corosync pid {}), left by JVM pid {} (started {} "
                        + "ticks after boot), which ended without closing it", container.getId(), pid,
                        owner.get().pid(), owner.get().startTicks());
                docker.removeContainerCmd(container.getId()).withForce(true).exec();
                if (visible) {
                    awaitExit(pid);
                    ShmFiles.deleteOwnedBy(pid);
                }
            } catch (NotFoundException e) {
                // removed meanwhile
            }
        }
    }

    private static boolean containerCorosyncRunsHere() {
        String ourNetwork = Namespace.NET.current();
        for (long pid : corosyncProcesses()) {
            if (CmapOwnership.commandLine(pid).endsWith(CmapOwnership.CONTAINER_LEFTOVER)
                    && Namespace.NET.of(pid).equals(ourNetwork)) {
                return true;
            }
        }
        return false;
    }

    private static Optional<OwnerJvm> readOwner(Path dir) {
        try {
            return OwnerJvm.parse(Files.readString(dir.resolve(OWNER_FILE)));
        } catch (IOException e) {
            return Optional.empty(); // an older testkit's, or a directory we do not see
        }
    }

    private static void kill(long pid) {
        try {
            Signal.KILL.sendTo(pid);
        } catch (CorosyncTestkitException e) {
            if (ProcessState.isAlive(pid)) {
                throw e;
            } // else it exited meanwhile
        }
        awaitExit(pid);
    }

    private static void awaitExit(long pid) {
        Await.until(() -> !ProcessState.isAlive(pid), EXIT_WAIT,
                () -> "the leftover corosync pid " + pid + " has exited");
    }

    /**
     * The processes named corosync. Their comm first: reading a command line takes the process's
     * memory lock, and blocks while any process of the host hangs holding it (a stuck FUSE or NFS
     * page fault), which would hang every start.
     */
    private static List<Long> corosyncProcesses() {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(CmapOwnership.PROC,
                p -> CmapOwnership.PID.matcher(p.getFileName().toString()).matches())) {
            List<Long> pids = new ArrayList<>();
            for (Path entry : entries) {
                if (COROSYNC_COMM.equals(comm(entry))) {
                    pids.add(Long.parseLong(entry.getFileName().toString()));
                }
            }
            return pids;
        } catch (IOException e) {
            throw new CorosyncTestkitException("cannot list the processes in " + CmapOwnership.PROC + ": "
                    + e.getMessage(), e);
        }
    }

    private static String comm(Path process) {
        try {
            return Files.readString(process.resolve("comm")).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
