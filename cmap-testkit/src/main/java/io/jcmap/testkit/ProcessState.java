package io.jcmap.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/** The scheduler state and start of a host process, read from {@code /proc/<pid>/stat}. */
final class ProcessState {

    private static final char STOPPED = 'T';
    private static final char ZOMBIE = 'Z';
    private static final char DEAD = 'X';
    /** {@code starttime}, field 22, counted among the fields after the command name (state is field 3). */
    private static final int STARTTIME_AFTER_COMMAND = 22 - 3;

    private ProcessState() {
    }

    /** The state letter (R, S, D, T, Z, ...), empty when there is no such process. */
    static Optional<Character> of(long pid) {
        return afterCommand(pid).map(fields -> fields[0].charAt(0));
    }

    /** When it started, in clock ticks since boot ({@code starttime}); empty when there is no such process. */
    static Optional<Long> startTicks(long pid) {
        return afterCommand(pid).map(fields -> Long.parseLong(fields[STARTTIME_AFTER_COMMAND]));
    }

    /**
     * Whether any thread of the process still runs. A group leader turns zombie before its other
     * threads have exited (SIGKILL reaches them all at once), and they hold the process's
     * descriptors, its sockets among them, until the last one is gone.
     */
    static boolean isAlive(long pid) {
        return isAliveLeader(pid) || otherThreadsRemain(pid);
    }

    /** Whether the process's leader thread runs: neither a zombie nor dead. */
    static boolean isAliveLeader(long pid) {
        return of(pid).filter(s -> s != ZOMBIE && s != DEAD).isPresent();
    }

    static boolean isStopped(long pid) {
        return of(pid).filter(s -> s == STOPPED).isPresent();
    }

    /** Whether {@code /proc/<pid>/task} lists a thread besides the leader. */
    static boolean otherThreadsRemain(long pid) {
        String leader = Long.toString(pid);
        try (Stream<Path> tasks = Files.list(threads(pid))) {
            return tasks.anyMatch(task -> !task.getFileName().toString().equals(leader));
        } catch (IOException | UncheckedIOException e) {
            return false; // the process is gone
        }
    }

    /** The directory of the process's threads, {@code /proc/<pid>/task}. */
    static Path threads(long pid) {
        return Path.of("/proc", Long.toString(pid), "task");
    }

    /** The fields after the command name, the state first; empty when there is no such process. */
    private static Optional<String[]> afterCommand(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name in parentheses may contain anything; the state follows the last ')'.
            int end = stat.lastIndexOf(')');
            if (end < 0 || end + 2 >= stat.length()) {
                return Optional.empty();
            }
            String[] fields = stat.substring(end + 2).split(" ");
            return fields.length > STARTTIME_AFTER_COMMAND ? Optional.of(fields) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
