package io.jcmap.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The host's real {@code corosync-cmapctl}, the reference client the testkit checks against. */
final class CmapCtl {

    static final Path BINARY = Path.of("/usr/sbin/corosync-cmapctl");
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private CmapCtl() {
    }

    /** Its command line. */
    static List<String> command(String... args) {
        if (!Files.isExecutable(BINARY)) {
            throw new CorosyncTestkitException(BINARY + " not found: install the corosync package "
                    + "(scripts/provision does)");
        }
        List<String> command = new ArrayList<>();
        command.add(BINARY.toString());
        for (String arg : args) {
            command.add(Objects.requireNonNull(arg, "argument"));
        }
        return command;
    }

    /** Runs a command line of {@link #command}, killing it after {@code timeout}. */
    static ProcessResult run(Duration timeout, List<String> command) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(CorosyncConfig.LONGEST_WAIT) > 0) {
            // zero killed it at once and reported a time-out; beyond the bound the wait overflowed
            throw new IllegalArgumentException("cmapctl timeout must be positive and at most "
                    + CorosyncConfig.LONGEST_WAIT + ", got " + timeout);
        }
        return HelperProcess.run(timeout, command);
    }
}
