package io.jcmap.protocol.os;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How often a virtual thread looks while it waits: often at first, then, for answers, less and
 * less, also across the slices its caller cuts a long wait into (looks every millisecond for
 * good cost 0.5-0.9 CPU for 100 virtual threads waiting on a stopped corosync); for
 * notifications still every millisecond.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VirtualThreadPaceTest {
    private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void aPatientPauseGrowsWithTheTimeWaitedInVainUpToTheLongest() {
        assertEquals(MILLI, LookPace.PATIENT.longestPause(0));
        assertEquals(MILLI, LookPace.PATIENT.longestPause(8 * MILLI));
        assertEquals(10 * MILLI, LookPace.PATIENT.longestPause(80 * MILLI), "an eighth of the time waited");
        assertEquals(20 * MILLI, LookPace.PATIENT.longestPause(TimeUnit.HOURS.toNanos(1)));
    }

    @Test
    void aPromptPauseStaysAtOneMillisecond() {
        assertEquals(MILLI, LookPace.PROMPT.longestPause(0));
        assertEquals(MILLI, LookPace.PROMPT.longestPause(TimeUnit.HOURS.toNanos(1)));
    }

    /**
     * Two seconds of waiting in slices of 100 ms, as the connections wait for an answer (they
     * check between slices that the server lives): 131 pauses (measured). With pauses of at most
     * 1 ms it took 1,830; with each slice starting afresh at 20 us, 696.
     */
    @Test
    void aPatientWaitCutIntoSlicesPausesAsRarelyAsOneLongWait() {
        EmptyWaits history = new EmptyWaits();
        history.pace(LookPace.PATIENT);
        int pauses = pausesInSlicesFor(history, TimeUnit.SECONDS.toNanos(2));
        assertTrue(pauses < 400, pauses + " pauses in 2 s of waiting");
        assertTrue(pauses > 20, pauses + " pauses in 2 s of waiting: it must still look");
    }

    /** The same for notifications: still a look about every millisecond. */
    @Test
    void aPromptWaitKeepsLookingEveryMillisecond() {
        int pauses = pausesInSlicesFor(new EmptyWaits(), TimeUnit.SECONDS.toNanos(2));
        assertTrue(pauses > 600, pauses + " pauses in 2 s of waiting");
    }

    private static int pausesInSlicesFor(EmptyWaits history, long nanos) {
        long end = System.nanoTime() + nanos;
        int pauses = 0;
        while (System.nanoTime() - end < 0) {
            VirtualThreadWait slice = new VirtualThreadWait(100 * MILLI, history);
            while (slice.pause()) {
                pauses++;
            }
            slice.end(false);
        }
        return pauses;
    }

    @Test
    void aWaitRightAfterOneRanOutContinuesIt() {
        EmptyWaits history = new EmptyWaits();
        history.end(1_000 * MILLI, false, 1_100 * MILLI);
        assertEquals(1_000 * MILLI, history.begin(1_101 * MILLI), "the next slice of the same wait");
    }

    @Test
    void aWaitLongAfterTheLastRanOutStartsAfresh() {
        EmptyWaits history = new EmptyWaits();
        history.end(1_000 * MILLI, false, 1_100 * MILLI);
        long later = 1_100 * MILLI + EmptyWaits.NEXT_SLICE_NANOS;
        assertEquals(later, history.begin(later));
    }

    @Test
    void aWaitAfterOneThatFoundWhatItWaitedForStartsAfresh() {
        EmptyWaits history = new EmptyWaits();
        history.end(1_000 * MILLI, false, 1_100 * MILLI);
        history.end(1_100 * MILLI, true, 1_101 * MILLI);
        assertEquals(1_102 * MILLI, history.begin(1_102 * MILLI));
    }

    /**
     * After a second of waiting in slices, a virtual thread still sees the post within about
     * the longest pause (20 ms; 200 ms allowed for a loaded machine).
     */
    @Test
    void aPostAfterALongWaitIsSeenWithinTheLongestPause() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            SharedSemaphore semaphore = SharedSemaphore.initialize(arena.allocate(SharedSemaphore.SIZE, 8));
            semaphore.lookPace(LookPace.PATIENT);
            CompletableFuture<Long> takenAt = new CompletableFuture<>();
            Thread waiter = Thread.ofVirtual().start(() -> {
                while (!semaphore.acquire(100 * MILLI)) {
                    // the next slice
                }
                takenAt.complete(System.nanoTime());
            });
            Thread.sleep(1_000);
            long postedAt = System.nanoTime();
            semaphore.post();
            long late = takenAt.get(10, TimeUnit.SECONDS) - postedAt;
            assertTrue(late < 200 * MILLI, "seen " + late / MILLI + " ms after the post");
            waiter.join();
        }
    }
}
