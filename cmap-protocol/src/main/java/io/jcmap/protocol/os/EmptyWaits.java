package io.jcmap.protocol.os;

import java.util.concurrent.TimeUnit;

/**
 * Since when the waits of virtual threads on one channel (a semaphore, a socket) have found
 * nothing, so that a wait its caller cuts into slices is paced as one wait
 * ({@link VirtualThreadWait}), and at what {@link LookPace}. A wait that begins within
 * {@link #NEXT_SLICE_NANOS} of one that ran out continues it; any other begins afresh. Several
 * waiters at once only change each other's pace.
 */
final class EmptyWaits {
    /** How soon after a wait ran out the next one counts as its next slice. */
    static final long NEXT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    /** The start of the waits that found nothing, valid while {@link #ranOutAt} is recent. */
    private volatile long emptySince;
    private volatile long ranOutAt;
    private volatile boolean ranOut;
    private volatile LookPace pace = LookPace.PROMPT;

    LookPace pace() {
        return pace;
    }

    void pace(LookPace pace) {
        this.pace = pace;
    }

    /** Since when a wait beginning at {@code now} has been waiting in vain: now, or earlier. */
    long begin(long now) {
        return ranOut && now - ranOutAt < NEXT_SLICE_NANOS ? emptySince : now;
    }

    /** Records the end, at {@code now}, of a wait that had waited in vain since {@code since}. */
    void end(long since, boolean found, long now) {
        if (found) {
            ranOut = false;
            return;
        }
        emptySince = since;
        ranOutAt = now;
        ranOut = true;
    }
}
