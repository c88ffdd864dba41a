package io.jcmap.protocol.ipc;

import java.util.concurrent.TimeUnit;

/**
 * How long a reader waiting for a response or an event watches the channel before it sleeps
 * (decisions 0013 and 0014). An answer that comes within it costs no sleep and wake-up, which
 * on a virtual machine cost 30-40 us per round trip (measured). Only with a CPU to spare: on
 * one CPU the spin would keep corosync from answering. {@code -Djcmap.ipc.spinNanos} overrides
 * the 30 us default; 0 turns spinning off.
 */
public final class WaitSpin {
    /** The default where the JVM sees more than one CPU. */
    public static final long DEFAULT_NANOS = TimeUnit.MICROSECONDS.toNanos(30);
    /** What a waiting reader spins for, at most. */
    public static final long NANOS = Long.getLong("jcmap.ipc.spinNanos",
            Runtime.getRuntime().availableProcessors() > 1 ? DEFAULT_NANOS : 0L);

    private WaitSpin() {
    }

    /**
     * What a dispatcher on the socket transport watches the event count for before it sleeps,
     * where spinning is on at all: as long as the longest spin a response wait learns
     * ({@link ResponseSpin#LONGEST_NANOS}). Asleep between notifications that come 30-60 us
     * apart, it leaves its CPU idle, corosync's next wake-up lands there instead of beside the
     * setter, and corosync's cost per notification doubled here (decision 0038).
     */
    public static long socketEventNanos() {
        return NANOS > 0 ? ResponseSpin.LONGEST_NANOS : 0;
    }

    /** The spin a wait of {@code timeoutNanos} may start with: never longer than the wait. */
    public static long within(long timeoutNanos) {
        return Math.max(0, Math.min(NANOS, timeoutNanos));
    }
}
