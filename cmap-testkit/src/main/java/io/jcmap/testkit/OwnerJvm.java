package io.jcmap.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The JVM that started a testkit corosync, recorded beside it (a file in a local instance's
 * private directory, a label on a container), so that a later JVM can tell a corosync whose JVM
 * was killed (SIGKILL runs no shutdown hook) from one still in use.
 *
 * <p>The start is the kernel's own, {@code starttime} of {@code /proc/PID/stat} in clock ticks
 * since boot, not {@code ProcessHandle.Info.startInstant()}: each JVM computes that instant from
 * the btime of {@code /proc/stat} it read when it started, which moves with every step of the
 * wall clock, so two JVMs can compute different instants for one live process.
 *
 * @param pid           the JVM's pid, in the pid namespace {@code pidNamespace}
 * @param startTicks    {@code starttime} of that pid, {@link #UNKNOWN} when /proc did not tell:
 *                      a pid is reused, a start time not
 * @param bootId        the kernel's boot id: pids and namespace inodes only mean something on it
 * @param pidNamespace  the JVM's pid namespace, for example {@code pid:[4026531836]}
 * @param timeNamespace the JVM's time namespace, which offsets {@code starttime}
 */
record OwnerJvm(long pid, long startTicks, String bootId, String pidNamespace, String timeNamespace) {

    static final long UNKNOWN = -1;
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");
    private static final Path MOUNTS = Path.of("/proc/self/mountinfo");
    private static final int FIELDS = 5;
    private static final Path SELF = Path.of("/proc/self");

    /** This JVM. */
    static OwnerJvm current() {
        long pid = ProcessHandle.current().pid();
        long ticks = procIsOurs() ? ProcessState.startTicks(pid).orElse(UNKNOWN) : UNKNOWN;
        return new OwnerJvm(pid, ticks, currentBootId(), Namespace.PID.current(), Namespace.TIME.current());
    }

    /** One line, as {@link #parse} reads it. */
    String format() {
        return pid + " " + startTicks + " " + bootId + " " + pidNamespace + " " + timeNamespace;
    }

    /** What {@link #format} wrote; empty for anything else (an instance of an older testkit). */
    static Optional<OwnerJvm> parse(String text) {
        String[] fields = text == null ? new String[0] : text.strip().split(" ");
        if (fields.length != FIELDS) {
            return Optional.empty();
        }
        try {
            return Optional.of(new OwnerJvm(Long.parseLong(fields[0]), Long.parseLong(fields[1]), fields[2],
                    fields[3], fields[4]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether this JVM has surely ended: it ran on this boot of this kernel, in our pid and time
     * namespaces, its start is known, our /proc shows our pid namespace and every process, and no
     * process of its pid runs that started when it did (killed and not yet reaped by its parent, it
     * has ended too). Anything that cannot be told counts as running.
     */
    boolean hasEnded() {
        if (startTicks == UNKNOWN || bootId.isEmpty() || !bootId.equals(currentBootId())) {
            return false;
        }
        String ours = Namespace.PID.current();
        if (ours.equals(Namespace.PID.unknown()) || !ours.equals(pidNamespace)
                || !Namespace.TIME.current().equals(timeNamespace) || !procIsOurs()) {
            return false;
        }
        Optional<Long> now = ProcessState.startTicks(pid);
        if (now.isEmpty()) {
            return Privileges.isRoot() || !procHidesProcesses(); // hidepid hides other users' processes
        }
        return now.get() != startTicks || !ProcessState.isAlive(pid); // a zombie, not yet reaped, has ended
    }

    /** Whether /proc is of our pid namespace: its pid for us is our pid. */
    private static boolean procIsOurs() {
        try {
            return Files.readSymbolicLink(SELF).toString().equals(Long.toString(ProcessHandle.current().pid()));
        } catch (IOException e) {
            return false; // we are not in it
        }
    }

    private static String currentBootId() {
        try {
            return Files.readString(BOOT_ID).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** Whether our /proc is mounted with hidepid (or subset=pid with hidepid) other than 0/off. */
    private static boolean procHidesProcesses() {
        try {
            for (String line : Files.readAllLines(MOUNTS)) {
                String[] fields = line.split(" ");
                int dash = line.indexOf(" - ");
                if (fields.length > 4 && fields[4].equals("/proc") && dash > 0) {
                    String options = line.substring(dash + 3);
                    return options.matches(".*hidepid=(?!0\\b|off\\b).*");
                }
            }
            return true; // no /proc mount seen: cannot tell
        } catch (IOException e) {
            return true;
        }
    }
}
