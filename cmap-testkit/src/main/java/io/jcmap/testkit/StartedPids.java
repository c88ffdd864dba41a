package io.jcmap.testkit;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Every corosync pid the testkit started in this JVM, so that leftovers can be traced to us. */
final class StartedPids {

    private static final Set<Long> PIDS = ConcurrentHashMap.newKeySet();

    private StartedPids() {
    }

    static void record(long pid) {
        PIDS.add(pid);
    }

    static Set<Long> all() {
        return Set.copyOf(PIDS);
    }
}
