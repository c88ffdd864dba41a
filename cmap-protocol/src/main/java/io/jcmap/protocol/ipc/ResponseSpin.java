package io.jcmap.protocol.ipc;

import java.util.concurrent.TimeUnit;

/**
 * How long a caller waiting for a response on one connection watches for it before it sleeps:
 * {@link WaitSpin#NANOS} at first, then one and a half times what the connection's last answer
 * took, between that and {@link #LONGEST_NANOS}. An answer that took longer than that sets it back
 * to {@link WaitSpin#NANOS}.
 *
 * <p>Why: a fixed spin of 30 us catches corosync's plain answers (5-25 us here), but a set of a
 * tracked key takes corosync longer, as it sends the notification before the answer, and the
 * caller then pays its spin and a wake-up as well. With notifications sent inside each set, the
 * round trip here was about 40 us. A server whose answers take milliseconds still costs no more
 * than the default spin per call. Racing callers may overwrite each other's update: it is a guess
 * of the next wait, and either guess will do.
 */
public final class ResponseSpin {
    /** The longest spin it learns: 100 us, or {@code -Djcmap.ipc.longestSpinNanos}. */
    public static final long LONGEST_NANOS = Math.max(WaitSpin.NANOS,
            Long.getLong("jcmap.ipc.longestSpinNanos", TimeUnit.MICROSECONDS.toNanos(100)));

    private final long baseNanos;
    private final long longestNanos;
    private volatile long nanos;

    /** Starts at {@link WaitSpin#NANOS}, learns up to {@link #LONGEST_NANOS}. */
    public ResponseSpin() {
        this(WaitSpin.NANOS, LONGEST_NANOS);
    }

    ResponseSpin(long baseNanos, long longestNanos) {
        this.baseNanos = baseNanos;
        this.longestNanos = Math.max(baseNanos, longestNanos);
        this.nanos = baseNanos;
    }

    /** The spin a wait of {@code timeoutNanos} starts with now: never longer than the wait. */
    public long within(long timeoutNanos) {
        return Math.max(0, Math.min(nanos, timeoutNanos));
    }

    /** Learns from an answer that came {@code waitedNanos} after the wait for it began. */
    public void answered(long waitedNanos) {
        if (baseNanos <= 0) {
            return; // spinning is off (one CPU, or the setting): nothing to learn
        }
        long next = waitedNanos > longestNanos ? baseNanos : waitedNanos + waitedNanos / 2;
        nanos = Math.clamp(next, baseNanos, longestNanos);
    }
}
