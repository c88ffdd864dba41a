package io.jcmap.protocol.os;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The pauses of a virtual thread that waits for what a platform thread waits for inside a
 * blocking system call. A virtual thread in a native call keeps its carrier until the call
 * returns, and as many waiting virtual threads as carriers stop every other virtual thread of
 * the JVM (a stopped corosync did that for as long as it stayed stopped). So a virtual thread
 * looks without blocking and parks between looks, which frees the carrier: first
 * {@link #FIRST_PAUSE_NANOS}, doubling up to 1 ms, and on a channel of {@link LookPace#PATIENT}
 * pace up to an eighth of the time waited in vain, at most 20 ms. The callers above watch the
 * channel for some microseconds before they wait at all, so an answer that is that close costs
 * no pause. Where a descriptor turns readable with what is awaited (a socket; for SHM
 * notifications the setup socket), a wait that has lasted a millisecond waits for the
 * descriptor instead ({@link ReadinessPoller}, decision 0024): no looks, and no delay.
 *
 * <p>The callers cut a long wait into slices (to check that the server lives, to expire
 * requests), each a wait of its own: {@link EmptyWaits} carries the time waited in vain from
 * one slice into the next.
 *
 * <p>An interrupt does not end the wait, as it does not end the system call; the status is
 * kept aside while pausing (a set status makes every park return at once) and set again by
 * {@link #end}.
 */
final class VirtualThreadWait {
    static final long FIRST_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(20);
    /** For {@link #pause(int, short)}: no descriptor to wait for, only timed pauses. */
    static final int NO_DESCRIPTOR = -1;
    /** A wait whose pauses have grown to this waits for its descriptor instead, if it has one. */
    static final long DESCRIPTOR_AFTER_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final EmptyWaits history;
    private final long start = System.nanoTime();
    private final long emptySince;
    private final long timeoutNanos;
    private long pause = FIRST_PAUSE_NANOS;
    /** The last pause was a wait for the descriptor that ended before the time was up. */
    private boolean wokenByDescriptor;
    private boolean interrupted;

    /** A wait of up to {@code timeoutNanos} from now on a channel whose waits {@code history} records. */
    VirtualThreadWait(long timeoutNanos, EmptyWaits history) {
        this.timeoutNanos = timeoutNanos;
        this.history = history;
        this.emptySince = history.begin(start);
        if (emptySince != start) {
            pause = history.pace().longestPause(start - emptySince); // the wait goes on where the last slice left it
        }
    }

    /** Whether the calling thread must wait this way rather than inside the system call. */
    static boolean needed() {
        return Thread.currentThread().isVirtual();
    }

    /**
     * Parks until the next look.
     *
     * @return false, at once, when the time is up
     */
    boolean pause() {
        return pause(NO_DESCRIPTOR, (short) 0);
    }

    /**
     * Parks until the next look; once the wait is long (a pause of a millisecond), until
     * {@code fd} reports one of {@code events} instead ({@link ReadinessPoller}), which costs no
     * looks meanwhile. A wake-up by the descriptor that the look finds empty-handed (a hang-up
     * stays readable for good) is followed by one timed pause, so that such a descriptor makes
     * looks no more often than the timed pauses would.
     *
     * @return false, at once, when the time is up
     */
    boolean pause(int fd, short events) {
        long now = System.nanoTime();
        long remaining = timeoutNanos - (now - start); // no overflow for any timeout
        if (remaining <= 0) {
            return false;
        }
        interrupted |= Thread.interrupted();
        boolean woken = wokenByDescriptor;
        wokenByDescriptor = false;
        if (fd != NO_DESCRIPTOR && !woken && pause >= DESCRIPTOR_AFTER_PAUSE_NANOS && awaitReady(fd, events, remaining)) {
            wokenByDescriptor = System.nanoTime() - start < timeoutNanos;
            return true;
        }
        LockSupport.parkNanos(this, Math.min(pause, remaining));
        pause = Math.min(pause * 2, history.pace().longestPause(now - emptySince));
        return true;
    }

    private static boolean awaitReady(int fd, short events, long timeoutNanos) {
        ReadinessPoller poller = ReadinessPoller.get();
        return poller != null && poller.await(fd, events, timeoutNanos);
    }

    /**
     * Records how the wait ended and sets the interrupt status again if a pause took it aside.
     *
     * @param found whether the wait found what it waited for
     */
    void end(boolean found) {
        history.end(emptySince, found, System.nanoTime());
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
