package io.jcmap.testkit;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/** Closes instances a test forgot to close when the JVM exits, so no corosync outlives it. */
final class ShutdownGuard {

    // Identity, not equals: a container's equality may change while it runs.
    private static final Set<Corosync> OPEN = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

    static {
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("jcmap-testkit-shutdown").unstarted(() -> {
            List<Corosync> open;
            synchronized (OPEN) {
                open = List.copyOf(OPEN);
            }
            for (Corosync corosync : open) {
                try {
                    corosync.close();
                } catch (RuntimeException e) {
                    System.err.println("jcmap-testkit: could not close " + corosync + " at JVM exit: " + e);
                }
            }
        }));
    }

    private ShutdownGuard() {
    }

    static void register(Corosync corosync) {
        OPEN.add(corosync);
    }

    static void forget(Corosync corosync) {
        OPEN.remove(corosync);
    }
}
