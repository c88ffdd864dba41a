package io.jcmap.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The Linux namespaces the testkit compares processes by, as {@code /proc/PID/ns} names them. */
enum Namespace {
    /** Scopes the abstract socket name {@code cmap}. */
    NET,
    /** Scopes pids: a pid recorded in another one names another process here. */
    PID,
    /** Offsets CLOCK_BOOTTIME, and with it the start times in /proc/PID/stat. */
    TIME;

    private String file() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** For example {@code net:[unknown]}: what {@link #current} and {@link #of} say when /proc does not tell. */
    String unknown() {
        return file() + ":[unknown]";
    }

    /** This JVM's, for example {@code net:[4026531840]}. */
    String current() {
        return read(Path.of("/proc/self/ns", file()));
    }

    /** Another process's. */
    String of(long pid) {
        return read(Path.of("/proc", Long.toString(pid), "ns", file()));
    }

    private String read(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return unknown();
        }
    }
}
