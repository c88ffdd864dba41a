package io.jcmap.testkit;

import java.time.Duration;
import java.util.List;

/** The POSIX signals the testkit sends, by name (numbers differ between architectures). */
enum Signal {
    TERM, KILL, STOP, CONT;

    private static final Duration KILL_COMMAND_TIMEOUT = Duration.ofSeconds(5);

    /** The name Docker's kill API expects. */
    String dockerName() {
        return "SIG" + name();
    }

    /** Sends this signal to a host process with {@code /bin/kill}. */
    void sendTo(long pid) {
        ProcessResult result = HelperProcess.run(KILL_COMMAND_TIMEOUT,
                List.of("/bin/kill", "-s", name(), Long.toString(pid)));
        if (!result.succeeded()) {
            throw new CorosyncTestkitException("could not send SIG" + name() + " to pid " + pid + ": " + result);
        }
    }
}
