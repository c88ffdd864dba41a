package io.jcmap.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The network namespace of this JVM: the scope of the abstract socket name {@code cmap}. */
final class NetworkNamespace {

    static final String UNKNOWN = "net:[unknown]";
    private static final Path SELF = Path.of("/proc/self/ns/net");

    private NetworkNamespace() {
    }

    /** For example {@code net:[4026531840]}; {@code net:[unknown]} when /proc does not tell. */
    static String current() {
        try {
            return Files.readSymbolicLink(SELF).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return UNKNOWN;
        }
    }

    /** The network namespace of another process, {@code net:[unknown]} when /proc does not tell. */
    static String of(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "net")).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return UNKNOWN;
        }
    }

    /** The inode number alone, usable in file names. */
    static String currentInode() {
        String digits = current().replaceAll("\\D", "");
        return digits.isEmpty() ? "unknown" : digits;
    }
}
