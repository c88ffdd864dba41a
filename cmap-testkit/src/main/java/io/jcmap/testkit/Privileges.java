package io.jcmap.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether this JVM runs with root's effective uid (corosync needs it). */
final class Privileges {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final String UID_LINE = "Uid:";
    private static final int EFFECTIVE_UID_FIELD = 2;

    private Privileges() {
    }

    static boolean isRoot() {
        try {
            return Files.readAllLines(STATUS).stream()
                    .filter(line -> line.startsWith(UID_LINE))
                    .map(line -> line.split("\\s+")[EFFECTIVE_UID_FIELD])
                    .anyMatch("0"::equals);
        } catch (IOException e) {
            return false;
        }
    }
}
