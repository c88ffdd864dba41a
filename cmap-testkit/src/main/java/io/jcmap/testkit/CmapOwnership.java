package io.jcmap.testkit;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Who owns the libqb IPC name {@code cmap} in this network namespace. libqb binds it as an
 * abstract Unix socket ({@code @cmap} in {@code /proc/net/unix}, padded with NULs shown as '@'),
 * or, when {@code /etc/libqb/force-filesystem-sockets} exists, as {@code cmap} in libqb's socket
 * directory: {@code /var/run} upstream, {@code /tmp} in Debian's packages.
 */
final class CmapOwnership {

    static final Path PROC_NET_UNIX = Path.of("/proc/net/unix");
    static final Path FORCE_FILESYSTEM_SOCKETS = Path.of("/etc/libqb/force-filesystem-sockets");

    private static final Pattern ABSTRACT_CMAP = Pattern.compile("@cmap@*");
    private static final Set<String> FILESYSTEM_CMAP = Set.of("/var/run/cmap", "/run/cmap", "/tmp/cmap");
    private static final int INODE_FIELD = 6;
    private static final int PATH_FIELD = 7;
    private static final int FIELDS_WITH_PATH = 8;
    static final Path PROC = Path.of("/proc");
    /** A local testkit corosync's command line; group 1 is its private directory. */
    static final Pattern LOCAL_LEFTOVER =
            Pattern.compile(".*corosync -f -c (\\S*/jcmap-corosync-\\d+)/" + CorosyncConfig.CONFIG_FILE_NAME);
    static final String CONTAINER_LEFTOVER =
            "corosync -f -c " + CorosyncContainer.CONTAINER_DIR + "/" + CorosyncConfig.CONFIG_FILE_NAME;
    static final Pattern PID = Pattern.compile("\\d+");
    /** How long a start waits for owners of {@code cmap} that are on their way out. */
    static final Duration EXITING_OWNER_WAIT = Duration.ofSeconds(10);

    private CmapOwnership() {
    }

    /**
     * Fails with a clear message when some process already owns {@code cmap}. An owner on its
     * way out is waited for first ({@link #awaitExitingOwners}).
     */
    static void requireFree() {
        Set<Long> inodes = owningInodes();
        if (!inodes.isEmpty() && awaitExitingOwners(inodes)) {
            inodes = owningInodes();
        }
        if (!inodes.isEmpty()) {
            throw new CorosyncTestkitException("Another corosync already owns the IPC name 'cmap' in this "
                    + "network namespace (" + NetworkNamespace.current() + "): " + describeOwners(inodes)
                    + ". Only one corosync per network namespace can serve CMAP. Stop it, or run the tests "
                    + "in their own network namespace: ip netns add jcmap && ip netns exec jcmap ip link set "
                    + "lo up && ip netns exec jcmap <test command>");
        }
    }

    /**
     * Waits up to {@link #EXITING_OWNER_WAIT} for the processes holding the sockets to end, when
     * every one of them is on its way out: its leader thread is a zombie while its other threads
     * still hold its descriptors, as for a moment after a SIGKILL sent by anyone (a slow or loaded
     * machine makes the moment longer). Such an owner cannot be stopped, and lets go by itself;
     * its command line and namespaces are gone with its leader, so neither {@link Leftovers} nor
     * anyone can tell what it was.
     *
     * @return whether it waited them out; false at once when any owner still runs or none is visible
     */
    static boolean awaitExitingOwners(Set<Long> inodes) {
        List<Long> owners;
        try {
            owners = owners(inodes);
        } catch (IOException e) {
            return false;
        }
        if (owners.isEmpty() || owners.stream().anyMatch(ProcessState::isAliveLeader)) {
            return false;
        }
        try {
            Await.until(() -> owners.stream().noneMatch(ProcessState::isAlive), EXITING_OWNER_WAIT,
                    () -> "the exiting owners of cmap " + owners + " have ended");
            return true;
        } catch (CorosyncTestkitException e) {
            return false; // still there: named as owners by the failure
        }
    }

    static boolean isOwned() {
        return !owningInodes().isEmpty();
    }

    static Set<Long> owningInodes() {
        try {
            return owningInodes(Files.readString(PROC_NET_UNIX), Files.exists(FORCE_FILESYSTEM_SOCKETS));
        } catch (IOException e) {
            throw new CorosyncTestkitException("cannot read " + PROC_NET_UNIX + ": " + e.getMessage(), e);
        }
    }

    /** Socket inodes bound to {@code cmap} in a {@code /proc/net/unix} listing. */
    static Set<Long> owningInodes(String procNetUnix, boolean filesystemSockets) {
        Set<Long> inodes = new TreeSet<>();
        procNetUnix.lines().skip(1).forEach(line -> {
            String[] fields = line.strip().split("\\s+", FIELDS_WITH_PATH);
            if (fields.length < FIELDS_WITH_PATH) {
                return;
            }
            String path = fields[PATH_FIELD];
            boolean cmap = ABSTRACT_CMAP.matcher(path).matches()
                    || (filesystemSockets && FILESYSTEM_CMAP.contains(path));
            if (cmap) {
                inodes.add(Long.parseLong(fields[INODE_FIELD]));
            }
        });
        return inodes;
    }

    /** "pid 123 (/usr/sbin/corosync -f ...)" for every process holding one of the sockets. */
    static String describeOwners(Set<Long> inodes) {
        List<String> owners = new ArrayList<>();
        try {
            for (long pid : owners(inodes)) {
                String commandLine = commandLine(pid);
                owners.add("pid " + pid + " (" + commandLine + ")" + leftoverHint(Long.toString(pid), commandLine));
            }
        } catch (IOException e) {
            return "socket inodes " + inodes + " (owners unknown: " + e.getMessage() + ")";
        }
        return owners.isEmpty() ? "socket inodes " + inodes + " (owner not visible)" : String.join(", ", owners);
    }

    /** The pids of the processes holding one of the sockets, their exiting threads included. */
    static List<Long> owners(Set<Long> inodes) throws IOException {
        Set<String> links = inodes.stream().map(inode -> "socket:[" + inode + "]").collect(Collectors.toSet());
        List<Long> owners = new ArrayList<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC,
                p -> PID.matcher(p.getFileName().toString()).matches())) {
            for (Path process : processes) {
                if (holdsAny(process, links)) {
                    owners.add(Long.parseLong(process.getFileName().toString()));
                }
            }
        }
        return owners;
    }

    /**
     * Says so when the owner is a corosync this testkit started: it holds the instance lock of
     * this network namespace now, so that instance's JVM ended without closing it (killed with
     * SIGKILL, or halted), and no shutdown hook ran. Empty for any other command line.
     */
    static String leftoverHint(String pid, String commandLine) {
        Matcher local = LOCAL_LEFTOVER.matcher(commandLine);
        if (local.matches()) {
            return ": a jcmap-testkit corosync left by a JVM that was killed before it could close it; "
                    + "remove it with: kill " + pid + "; rm -rf " + local.group(1) + " /dev/shm/qb-" + pid
                    + "-* /dev/shm/qb-*-" + pid + "-*";
        }
        if (commandLine.endsWith(CONTAINER_LEFTOVER)) {
            return ": a jcmap-testkit container left by a JVM that was killed before it could close it; "
                    + "remove it with: docker rm -f $(docker ps -aq --filter label=" + CorosyncContainer.LABEL
                    + "=true)";
        }
        return "";
    }

    /**
     * Whether the process holds one of the sockets. A zombie leader has no descriptors of its own;
     * its threads still exiting hold them, so those are looked at too.
     */
    private static boolean holdsAny(Path process, Set<String> links) {
        if (holdsAnyIn(process.resolve("fd"), links)) {
            return true;
        }
        long pid = Long.parseLong(process.getFileName().toString());
        if (ProcessState.isAliveLeader(pid)) {
            return false; // its threads share the descriptors just looked at
        }
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(ProcessState.threads(pid))) {
            for (Path thread : threads) {
                if (holdsAnyIn(thread.resolve("fd"), links)) {
                    return true;
                }
            }
        } catch (IOException e) {
            // the process exited while we looked
        }
        return false;
    }

    private static boolean holdsAnyIn(Path fdDirectory, Set<String> links) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDirectory)) {
            for (Path fd : fds) {
                try {
                    if (links.contains(Files.readSymbolicLink(fd).toString())) {
                        return true;
                    }
                } catch (IOException e) {
                    // the descriptor closed while we looked
                }
            }
        } catch (IOException e) {
            // the process exited while we looked, or is not ours to inspect
        }
        return false;
    }

    /** A process's command line, its arguments separated by spaces; "?" when it cannot be read. */
    static String commandLine(long pid) {
        return commandLine(PROC.resolve(Long.toString(pid)));
    }

    private static String commandLine(Path process) {
        try {
            return new String(Files.readAllBytes(process.resolve("cmdline"))).replace('\0', ' ').strip();
        } catch (IOException e) {
            return "?";
        }
    }
}
