package io.jcmap.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * A shell script run in a mount namespace of its own ({@code unshare --mount}), so that the bind
 * mounts it makes before it execs its program are seen by that program alone, not by the host.
 */
final class PrivateMounts {
    private static final String UNSHARE = "/usr/bin/unshare";

    private PrivateMounts() {
    }

    /** The command line: {@code script} run by {@code /bin/sh} as {@code name}, with {@code arguments} as $1... */
    static List<String> shell(String script, String name, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(UNSHARE, "--mount", "--propagation", "private", "--",
                "/bin/sh", "-c", script, name));
        command.addAll(arguments);
        return command;
    }
}
