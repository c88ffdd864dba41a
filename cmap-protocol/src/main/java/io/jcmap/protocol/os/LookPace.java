package io.jcmap.protocol.os;

import java.util.concurrent.TimeUnit;

/**
 * How far apart a virtual thread's looks at a channel may grow over a long wait
 * ({@link VirtualThreadWait}): what is late costs latency, what is often costs CPU.
 */
public enum LookPace {
    /**
     * At most 1 ms apart, however long the wait: for notifications, which come after long quiet
     * times to dispatchers that must not be late. (Their channels all have a descriptor, so a
     * long wait waits for it and makes no looks at all, decision 0024.)
     */
    PROMPT(TimeUnit.MILLISECONDS.toNanos(1)),
    /**
     * Up to an eighth of the time waited apart, at most 20 ms: for answers, which are long in
     * coming only when the server stalls. Looks every millisecond cost 0.5-0.9 CPU for 100
     * virtual threads waiting on a stopped corosync (measured).
     */
    PATIENT(TimeUnit.MILLISECONDS.toNanos(20));

    /** A pause is at most the time waited in vain divided by this. */
    static final int WAITED_SHARE = 8;

    private final long longestPauseNanos;

    LookPace(long longestPauseNanos) {
        this.longestPauseNanos = longestPauseNanos;
    }

    /** The longest pause after {@code waitedNanos} of waiting in vain. */
    long longestPause(long waitedNanos) {
        return Math.clamp(waitedNanos / WAITED_SHARE, PROMPT.longestPauseNanos, longestPauseNanos);
    }
}
