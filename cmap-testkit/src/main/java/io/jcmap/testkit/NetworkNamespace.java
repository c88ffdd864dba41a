package io.jcmap.testkit;

/** The network namespace of this JVM: the scope of the abstract socket name {@code cmap}. */
final class NetworkNamespace {

    static final String UNKNOWN = Namespace.NET.unknown();

    private NetworkNamespace() {
    }

    /** For example {@code net:[4026531840]}; {@code net:[unknown]} when /proc does not tell. */
    static String current() {
        return Namespace.NET.current();
    }

    /** The network namespace of another process, {@code net:[unknown]} when /proc does not tell. */
    static String of(long pid) {
        return Namespace.NET.of(pid);
    }

    /** The inode number alone, usable in file names. */
    static String currentInode() {
        String digits = current().replaceAll("\\D", "");
        return digits.isEmpty() ? "unknown" : digits;
    }
}
