package io.jcmap.client.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What this JVM holds of the operating system and the heap that a CMAP connection could leak.
 *
 * @param openFds       entries of {@code /proc/self/fd}
 * @param socketFds     those of them that are sockets
 * @param shmFds        those of them that are files below {@code /dev/shm}
 * @param shmMappings   lines of {@code /proc/self/maps} naming a libqb file below {@code /dev/shm}
 * @param shmEntries    entries of {@code /dev/shm} the server made for this process's connections
 *                      ({@code qb-<server pid>-<our pid>-...}); empty when no server pid is given
 * @param clientThreads live threads whose name starts with {@code jcmap-}
 */
record Footprint(int openFds, int socketFds, int shmFds, int shmMappings, Set<String> shmEntries, int clientThreads) {
    private static final Path FDS = Path.of("/proc/self/fd");
    private static final Path MAPS = Path.of("/proc/self/maps");
    private static final Path SHM = Path.of("/dev/shm");
    private static final String LIBQB_SHM = "/dev/shm/qb-";
    private static final long OUR_PID = ProcessHandle.current().pid();

    /** The footprint now; {@code serverPid} selects the server's {@code /dev/shm} entries for us (0: none). */
    static Footprint take(long serverPid) {
        List<String> targets = fdTargets();
        int sockets = (int) targets.stream().filter(t -> t.startsWith("socket:")).count();
        int shmFiles = (int) targets.stream().filter(t -> t.startsWith("/dev/shm/")).count();
        return new Footprint(targets.size(), sockets, shmFiles, countShmMappings(), shmEntries(serverPid), countClientThreads());
    }

    /** True when nothing the client could have leaked is above {@code baseline}. */
    boolean withinBaseline(Footprint baseline) {
        return openFds <= baseline.openFds && socketFds <= baseline.socketFds && shmFds <= baseline.shmFds
                && shmMappings <= baseline.shmMappings && baseline.shmEntries.containsAll(shmEntries)
                && clientThreads <= baseline.clientThreads;
    }

    private static List<String> fdTargets() {
        try (Stream<Path> fds = Files.list(FDS)) {
            return fds.map(Footprint::target).filter(t -> !t.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String target(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            return ""; // closed while listing, e.g. the directory stream's own descriptor
        }
    }

    private static int countShmMappings() {
        try (Stream<String> lines = Files.lines(MAPS)) {
            return (int) lines.filter(line -> line.contains(LIBQB_SHM)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> shmEntries(long serverPid) {
        if (serverPid == 0) {
            return Set.of();
        }
        String prefix = "qb-" + serverPid + "-" + OUR_PID + "-";
        try (Stream<Path> entries = Files.list(SHM)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix))
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int countClientThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive).filter(t -> t.getName().startsWith("jcmap-"))
                .count();
    }

    /** Heap in use after full collections, in bytes. */
    static long usedHeapAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
