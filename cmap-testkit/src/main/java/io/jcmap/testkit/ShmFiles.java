package io.jcmap.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The entries a corosync server leaves in {@code /dev/shm}: per-connection directories
 * {@code qb-<server pid>-<client pid>-<fd>-<random>} and named rings such as
 * {@code qb-corosync-<server pid>-blackbox-data}. A clean exit removes them; SIGKILL does not.
 */
final class ShmFiles {

    static final Path DIRECTORY = Path.of("/dev/shm");

    private ShmFiles() {
    }

    static boolean belongsTo(String name, long pid) {
        return Pattern.matches("qb-(?:[A-Za-z][A-Za-z0-9_]*-)?" + pid + "-.*", name);
    }

    static Set<String> names() {
        try (Stream<Path> entries = Files.list(DIRECTORY)) {
            return entries.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new CorosyncTestkitException("cannot list " + DIRECTORY + ": " + e.getMessage(), e);
        }
    }

    static List<Path> ownedBy(long pid) {
        return names().stream().filter(name -> belongsTo(name, pid)).map(DIRECTORY::resolve).sorted().toList();
    }

    static void deleteOwnedBy(long pid) {
        for (Path entry : ownedBy(pid)) {
            FileTrees.delete(entry);
        }
    }
}
