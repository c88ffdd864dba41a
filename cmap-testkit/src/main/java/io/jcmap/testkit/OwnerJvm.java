package io.jcmap.testkit;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The JVM that started a testkit corosync, recorded beside it (a file in a local instance's
 * private directory, a label on a container), so that a later JVM can tell a corosync whose JVM
 * was killed (SIGKILL runs no shutdown hook) from one still in use.
 *
 * @param pid          the JVM's pid, in the pid namespace {@code pidNamespace}
 * @param started      when the process of that pid started: a pid is reused, a start time not
 * @param pidNamespace the JVM's pid namespace, for example {@code pid:[4026531836]}
 */
record OwnerJvm(long pid, Instant started, String pidNamespace) {

    /** This JVM. */
    static OwnerJvm current() {
        ProcessHandle self = ProcessHandle.current();
        return new OwnerJvm(self.pid(), self.info().startInstant().orElse(Instant.EPOCH), Namespace.PID.current());
    }

    /** One line: pid, start time and pid namespace, as {@link #parse} reads them. */
    String format() {
        return pid + " " + started + " " + pidNamespace;
    }

    /** What {@link #format} wrote; empty for anything else (an instance of an older testkit has none). */
    static Optional<OwnerJvm> parse(String text) {
        String[] fields = text == null ? new String[0] : text.strip().split(" ");
        if (fields.length != 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(new OwnerJvm(Long.parseLong(fields[0]), Instant.parse(fields[1]), fields[2]));
        } catch (NumberFormatException | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether this JVM has surely ended: it shares our pid namespace (else its pid names some
     * other process here, or none), both namespaces are known, and no process of its pid runs
     * that started when it did. A JVM whose start time /proc does not tell counts as running.
     */
    boolean hasEnded() {
        String ours = Namespace.PID.current();
        if (ours.equals(Namespace.PID.unknown()) || !ours.equals(pidNamespace)) {
            return false;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return true;
        }
        if (started.equals(Instant.EPOCH)) {
            return false; // its start time was not known: a process of its pid may be it
        }
        return process.get().info().startInstant().map(start -> !start.equals(started)).orElse(false);
    }
}
