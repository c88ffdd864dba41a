package io.jcmap.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The scheduler state of a host process, read from {@code /proc/<pid>/stat}. */
final class ProcessState {

    private static final char STOPPED = 'T';
    private static final char ZOMBIE = 'Z';
    private static final char DEAD = 'X';

    private ProcessState() {
    }

    /** The state letter (R, S, D, T, Z, ...), empty when there is no such process. */
    static Optional<Character> of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name in parentheses may contain anything; the state follows the last ')'.
            int end = stat.lastIndexOf(')');
            return end < 0 || end + 2 >= stat.length() ? Optional.empty() : Optional.of(stat.charAt(end + 2));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static boolean isAlive(long pid) {
        return of(pid).filter(s -> s != ZOMBIE && s != DEAD).isPresent();
    }

    static boolean isStopped(long pid) {
        return of(pid).filter(s -> s == STOPPED).isPresent();
    }
}
