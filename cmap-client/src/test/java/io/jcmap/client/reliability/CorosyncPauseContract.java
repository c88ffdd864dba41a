package io.jcmap.client.reliability;

import static io.jcmap.client.reliability.CorosyncDeathContract.assertCmapError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jcmap.client.Cmap;
import io.jcmap.client.CmapException;
import io.jcmap.client.CmapHandle;
import io.jcmap.client.CmapIterator;
import io.jcmap.client.CmapMap;
import io.jcmap.client.CmapOptions;
import io.jcmap.client.CmapValue;
import io.jcmap.client.CsError;
import io.jcmap.client.DispatchType;
import io.jcmap.client.TrackEvent;
import io.jcmap.client.it.ConnectionStats;
import io.jcmap.testkit.Corosync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * Issue #7, fault 2: corosync stops answering (SIGSTOP). Synchronous calls of a handle with a
 * request timeout fail with {@link CsError#TIMEOUT} close to that timeout; after SIGCONT the same
 * handle works again. Asynchronous requests issued while it is stopped are answered, correctly
 * and in order, once it runs again.
 *
 * <p>Run once per IPC transport by the concrete {@code *IT} classes.
 */
abstract class CorosyncPauseContract {
    static final Duration REQUEST_TIMEOUT = Duration.ofMillis(400);
    /**
     * How late a TIMEOUT may come: the waits are sliced in 10 ms parks, but a loaded machine adds
     * more (282 ms here, 529 ms in {@link SocketControlFileFuzzIT}, with four busy loops on two
     * CPUs). A call that ignored its timeout would not end at all while corosync is stopped.
     */
    static final Duration LATENESS = Duration.ofSeconds(1);
    static final int ASYNC_PAIRS = 600; // a set and a get each: 1,200 requests
    private static final Duration ANSWERED_WITHIN = Duration.ofSeconds(20);
    private static final String KEY = "rel.pause.key";
    private static final String ITER_PREFIX = "rel.pause.iter.";
    private static final String TRACKED = "rel.pause.tracked";
    /** More requests than a handle keeps in flight (128): the ones after wait in the client. */
    private static final int MORE_THAN_A_WINDOW = 200;
    /** Keys under {@link #ITER_PREFIX}: more than the first burst of an iterator fetches. */
    private static final int ITER_KEYS = 12;
    /** What an iterator fetches as it is created (KeyIterator.FIRST_BURST). */
    private static final int FIRST_BURST = 4;
    /** Enough to stall corosync for about 20 s if each answer cost it a second of retries. */
    private static final int STALL_PROBE_REQUESTS = 20;
    /** Below the 0.9 s that one answer's connect retries stall corosync, far above a connect's few ms. */
    private static final Duration NO_STALL_WITHIN = Duration.ofMillis(800);
    /**
     * How soon a close ends a dispatch waiting for events: a liveness slice (100 ms) and room for
     * a loaded machine, well under the second that the close waits for a stopped corosync.
     */
    private static final Duration DISPATCH_ENDS_WITHIN = Duration.ofMillis(500);
    /** How soon an interrupt ends a dispatch waiting for events: as soon as a close does (its wait's slice). */
    private static final Duration DISPATCH_INTERRUPTED_WITHIN = DISPATCH_ENDS_WITHIN;
    private static final boolean[] PLATFORM_AND_VIRTUAL = {false, true};

    @AfterEach
    void resumeCorosync(Corosync corosync) {
        if (corosync.isRunning()) {
            corosync.resume();
        } else {
            corosync.restart();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void syncCallsFailWithTimeoutNearTheConfiguredOneAndTheHandleWorksAfterResume(Corosync corosync) {
        CmapOptions options = CmapOptions.builder().requestTimeout(REQUEST_TIMEOUT).build();
        try (CmapHandle handle = Cmap.initialize(CmapMap.ICMAP, options)) {
            handle.setUint64(KEY, 1);
            corosync.pause();
            List<Long> elapsed = new ArrayList<>();
            elapsed.add(timedOut(() -> handle.getUint64(KEY)));
            elapsed.add(timedOut(() -> handle.get(KEY)));
            elapsed.add(timedOut(() -> handle.setUint64(KEY, 2)));
            elapsed.add(timedOut(() -> handle.iterate("rel.pause.").hasNext()));
            elapsed.add(timedOutAsync(() -> handle.getAsync(KEY)));
            long max = elapsed.stream().mapToLong(Long::longValue).max().orElseThrow();
            long min = elapsed.stream().mapToLong(Long::longValue).min().orElseThrow();
            System.out.printf("[reliability] %s: paused server, request timeout %d ms: %d calls failed with "
                    + "TIMEOUT after %d..%d ms %s%n", getClass().getSimpleName(), REQUEST_TIMEOUT.toMillis(),
                    elapsed.size(), min, max, elapsed);
            assertTrue(min >= REQUEST_TIMEOUT.toMillis(), "no call gives up before the timeout: " + elapsed);
            assertTrue(max <= REQUEST_TIMEOUT.plus(LATENESS).toMillis(), "each call gives up soon after it: " + elapsed);
            assertTrue(handle.isOpen(), "a timeout does not close the handle");

            corosync.resume();
            // the timed-out set(2) is still executed by the server when it reads it: requests are
            // not revoked, only no longer waited for; so a fresh value proves the handle works
            handle.setUint64(KEY, 3);
            assertEquals(3, handle.getUint64(KEY));
            assertEquals(CmapValue.uint64(3), handle.getAsync(KEY).join());
            assertTrue(handle.isOpen());
        }
    }

    /**
     * A timed-out fetch leaves corosync's iterator past keys the iterator never handed out: the
     * abandoned requests are still answered after SIGCONT. Going on would end the iteration short
     * without a word; it fails instead.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anIterationWhoseFetchTimedOutFailsAfterResumeInsteadOfSkippingKeys(Corosync corosync) {
        anIterationWhoseFetchFailedFailsAfterResume(corosync, Failure.TIMEOUT);
    }

    private static void anIterationWhoseFetchFailedFailsAfterResume(Corosync corosync, Failure failure) {
        try (CmapHandle handle = Cmap.initialize(CmapMap.ICMAP, failure.options())) {
            List<String> seen = new ArrayList<>();
            CmapIterator keys = failedAfterTheFirstBurst(corosync, handle, seen, failure);
            corosync.resume();
            CmapException afterwards = assertThrows(CmapException.class, () -> {
                while (keys.hasNext()) {
                    seen.add(keys.next().name());
                }
            }, "the iteration went on after its failed fetch (" + failure + "), handing out " + seen);
            assertEquals(CsError.LIBRARY, afterwards.error(), afterwards.getMessage());
            assertEquals(failure.error(), ((CmapException) afterwards.getCause()).error(),
                    "the first failure, as cause");
            assertTrue(afterwards.getMessage().contains("after the " + FIRST_BURST + " handed out"),
                    afterwards.getMessage());
            assertEquals(ITER_KEYS, countKeys(handle), "a new iteration lists every key");
        }
    }

    /**
     * Closing an iterator whose fetch timed out sends the finalize without waiting for its answer:
     * a try-with-resources block ends with the TIMEOUT, not a request timeout later.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void closingAnIteratorWhoseFetchTimedOutDoesNotWaitAgain(Corosync corosync) {
        CmapOptions options = CmapOptions.builder().requestTimeout(REQUEST_TIMEOUT).build();
        try (CmapHandle handle = Cmap.initialize(CmapMap.ICMAP, options)) {
            CmapIterator keys = failedAfterTheFirstBurst(corosync, handle, new ArrayList<>(), Failure.TIMEOUT);
            long start = System.nanoTime();
            keys.close();
            long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.printf("[reliability] %s: paused server: close() of a timed-out iterator took %d ms%n",
                    getClass().getSimpleName(), closeMillis);
            assertTrue(closeMillis < REQUEST_TIMEOUT.toMillis(), "close() waited " + closeMillis
                    + " ms for a stopped server after the iteration's TIMEOUT");
            assertFalse(keys.hasNext(), "a closed iterator has nothing more");
            corosync.resume();
            handle.setUint64(KEY, 21);
            assertEquals(21, handle.getUint64(KEY), "the finalize's late answer goes to no other call");
            assertEquals(ITER_KEYS, countKeys(handle), "a new iteration lists every key");
        }
    }

    /**
     * corosync makes the tracking of a trackAdd that timed out when it runs again; nobody holds
     * its track handle, so the client deletes it when the late answer comes. Without that,
     * corosync sent the connection an event for every change of the key until it closed.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aTrackingMadeAfterItsTrackAddTimedOutIsDeleted(Corosync corosync) {
        aTrackingMadeAfterItsTrackAddFailedIsDeleted(corosync, Failure.TIMEOUT);
    }

    private static void aTrackingMadeAfterItsTrackAddFailedIsDeleted(Corosync corosync, Failure failure) {
        withWatchedHandle(failure.options(), (handle, watch) -> {
            trackAddFailed(corosync, handle, failure);
            handle.getUint64(KEY); // reads the late answer: the track_delete goes out behind this get
            handle.getUint64(KEY); // answered after it: corosync takes a connection's requests in order
            watch.assertNoEventOfAChange("corosync sent an event of the tracking whose trackAdd failed ("
                    + failure + ")");
        });
    }

    /**
     * A handle that only dispatches makes no call that would read the late answer of its
     * trackAdd: the first notification of that tracking, which it does not know, makes it read.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aHandleThatOnlyDispatchesDeletesATrackingMadeAfterItsTrackAddTimedOut(Corosync corosync) {
        withWatchedHandle(Failure.TIMEOUT.options(), (handle, watch) -> {
            trackAddFailed(corosync, handle, Failure.TIMEOUT);
            changeSeenBy(watch.observer(), TRACKED); // corosync sends the unknown tracking's event
            long before = watch.requests();
            Conditions.await(() -> dispatchedOne(handle) && watch.requests() > before, ANSWERED_WITHIN,
                    () -> "corosync got the track_delete of the tracking whose trackAdd timed out");
            watch.assertNoEventOfAChange("corosync sent another event of the tracking whose trackAdd timed out");
        });
    }

    /** A trackAdd of {@link #TRACKED} that fails at a stopped corosync, which then runs again and makes it. */
    private static void trackAddFailed(Corosync corosync, CmapHandle handle, Failure failure) {
        handle.setUint64(KEY, 1);
        corosync.pause();
        failure.of("trackAdd",
                () -> handle.trackAdd(TRACKED, EnumSet.of(TrackEvent.ADD, TrackEvent.MODIFY), (h, n) -> { }));
        corosync.resume();
    }

    /** One dispatch that takes a notification if one is there; true whether or not it ran a listener. */
    private static boolean dispatchedOne(CmapHandle handle) {
        try {
            handle.dispatch(DispatchType.ONE_NONBLOCKING);
        } catch (CmapException e) {
            assertEquals(CsError.TRY_AGAIN, e.error(), "nothing waiting is all a non-blocking dispatch may say");
        }
        return true;
    }

    /**
     * A trackDelete that timed out behind a full window, still inside the client, goes out when
     * the window opens: corosync stops the tracking, which the handle has already forgotten.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aTrackDeleteThatTimedOutInTheClientIsSentAllTheSame(Corosync corosync) {
        withWatchedHandle(Failure.TIMEOUT.options(), (handle, watch) -> {
            long track = handle.trackAdd(TRACKED, EnumSet.of(TrackEvent.ADD, TrackEvent.MODIFY), (h, n) -> { });
            handle.setUint64(KEY, 1);
            corosync.pause();
            List<CompletableFuture<Void>> window = new ArrayList<>();
            for (int i = 0; i < MORE_THAN_A_WINDOW; i++) {
                window.add(handle.setAsync(KEY, CmapValue.uint64(i)));
            }
            timedOut(() -> handle.trackDelete(track));
            corosync.resume();
            handle.getUint64(KEY); // sent behind the track_delete, so answered after it
            assertTrue(window.stream().allMatch(CompletableFuture::isCompletedExceptionally),
                    "every set of the window timed out at the stopped corosync");
            watch.assertNoEventOfAChange("corosync kept the tracking whose trackDelete timed out in the client");
        });
    }

    /**
     * corosync makes the iterator of an iter_init that timed out when it runs again; the client
     * finalizes it when the late answer comes, else corosync keeps it to the end of the connection.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anIteratorMadeAfterItsIterInitTimedOutIsFinalized(Corosync corosync) {
        anIteratorMadeAfterItsIterInitFailedIsFinalized(corosync, Failure.TIMEOUT);
    }

    private static void anIteratorMadeAfterItsIterInitFailedIsFinalized(Corosync corosync, Failure failure) {
        withWatchedHandle(failure.options(), (handle, watch) -> {
            handle.setUint64(KEY, 1);
            long before = watch.requests();
            corosync.pause();
            failure.of("iterate", () -> handle.iterate(ITER_PREFIX));
            corosync.resume();
            handle.getUint64(KEY); // reads the late answer: the finalize goes out behind this get
            handle.getUint64(KEY); // answered after it
            assertEquals(before + 4, watch.requests(),
                    "corosync got the iter_init, the two gets and the iter_finalize of the late answer");
        });
    }

    /** What corosync's counters show of a handle's connection, and a second handle that changes {@link #TRACKED}. */
    private record Watch(ConnectionStats connections, String connection, CmapHandle observer) {
        long requests() {
            return connections.requests(connection);
        }

        /** Changes {@link #TRACKED}, and fails with {@code why} if corosync sent the watched connection an event of it. */
        void assertNoEventOfAChange(String why) {
            long before = connections.dispatched(connection);
            changeSeenBy(observer, TRACKED);
            assertEquals(before, connections.dispatched(connection), why);
        }
    }

    /** Runs {@code test} with a handle that has {@code options}, and its {@link Watch}. */
    private static void withWatchedHandle(CmapOptions options, BiConsumer<CmapHandle, Watch> test) {
        try (CmapHandle stats = Cmap.initialize(CmapMap.STATS); CmapHandle observer = Cmap.initialize()) {
            ConnectionStats connections = new ConnectionStats(stats);
            ConnectionStats.Opened<CmapHandle> opened = connections.open(() -> Cmap.initialize(CmapMap.ICMAP, options));
            try (CmapHandle handle = opened.value()) {
                test.accept(handle, new Watch(connections, opened.connection(), observer));
            }
        }
    }

    /**
     * Changes {@code key} and waits until {@code observer}, tracking it, is notified: corosync has
     * then sent every connection tracking the key its event of the change.
     */
    private static void changeSeenBy(CmapHandle observer, String key) {
        AtomicLong heard = new AtomicLong();
        long track = observer.trackAdd(key, EnumSet.of(TrackEvent.ADD, TrackEvent.MODIFY),
                (h, n) -> heard.incrementAndGet());
        observer.setUint64(key, System.nanoTime());
        Conditions.await(() -> observer.dispatch(DispatchType.ONE_NONBLOCKING) >= 0 && heard.get() > 0,
                ANSWERED_WITHIN, () -> "the observer's notification of the change of " + key);
        observer.trackDelete(track);
    }

    /**
     * An iterator over {@link #ITER_KEYS} keys that has handed out, into {@code seen}, the keys
     * fetched as it was created (so no request of its own is left on the wire), and whose next
     * fetch then failed at the stopped corosync; corosync stays stopped.
     */
    private static CmapIterator failedAfterTheFirstBurst(Corosync corosync, CmapHandle handle, List<String> seen,
            Failure failure) {
        CmapIterator keys = firstBurstHandedOut(handle, seen);
        corosync.pause();
        failure.of("an iterator's fetch", keys::hasNext);
        return keys;
    }

    /**
     * An iterator over {@link #ITER_KEYS} keys that has handed out, into {@code seen}, the keys
     * fetched as it was created: its next {@code hasNext()} fetches.
     */
    private static CmapIterator firstBurstHandedOut(CmapHandle handle, List<String> seen) {
        for (int i = 0; i < ITER_KEYS; i++) {
            handle.setUint32(String.format("%s%02d", ITER_PREFIX, i), i);
        }
        CmapIterator keys = handle.iterate(ITER_PREFIX);
        for (int i = 0; i < FIRST_BURST; i++) {
            seen.add(keys.next().name());
        }
        return keys;
    }

    private static int countKeys(CmapHandle handle) {
        int count = 0;
        try (CmapIterator keys = handle.iterate(ITER_PREFIX)) {
            for (; keys.hasNext(); keys.next()) {
                count++;
            }
        }
        return count;
    }

    // ---- interrupts (decision 0035) -------------------------------------------------------------

    /**
     * An interrupt ends a synchronous call waiting for the stopped corosync within a read slice,
     * with INTERRUPT, the status kept, on platform and virtual threads alike, where before the
     * call waited on with the status set. After SIGCONT the late answers of the interrupted calls
     * go to no other call.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anInterruptEndsACallWaitingForAStoppedServerAndTheHandleWorksAfterResume(Corosync corosync) {
        try (CmapHandle handle = Cmap.initialize(CmapMap.ICMAP, Failure.INTERRUPT.options())) {
            handle.setUint64(KEY, 1);
            corosync.pause();
            List<Long> ended = new ArrayList<>();
            for (boolean virtual : PLATFORM_AND_VIRTUAL) {
                ended.add(interruptedWhileWaiting("getUint64", virtual, LATENESS, () -> handle.getUint64(KEY)));
                ended.add(interruptedWhileWaiting("get", virtual, LATENESS, () -> handle.get(KEY)));
                ended.add(interruptedWhileWaiting("setUint64", virtual, LATENESS, () -> handle.setUint64(KEY, 2)));
            }
            System.out.printf("[reliability] %s: paused server: %d interrupted calls ended %s ms after the interrupt%n",
                    getClass().getSimpleName(), ended.size(), ended);
            assertTrue(handle.isOpen(), "an interrupt does not close the handle");

            corosync.resume();
            handle.setUint64(KEY, 3); // the interrupted set(2) is carried out before it
            assertEquals(3, handle.getUint64(KEY), "a late answer of an interrupted get went to a later call");
            assertEquals(CmapValue.uint64(3), handle.getAsync(KEY).join());
        }
    }

    /** An interrupt ends the wait, not the request: corosync carries out the inc once when it runs again. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anIncInterruptedWhileTheServerIsStoppedIsCarriedOutOnceAfterResume(Corosync corosync) {
        try (CmapHandle handle = Cmap.initialize(CmapMap.ICMAP, Failure.INTERRUPT.options());
                CmapHandle other = Cmap.initialize()) {
            handle.setUint64(KEY, 5);
            corosync.pause();
            for (boolean virtual : PLATFORM_AND_VIRTUAL) {
                interruptedWhileWaiting("inc", virtual, LATENESS, () -> handle.inc(KEY));
            }
            corosync.resume();
            assertEquals(7, handle.getUint64(KEY), "each of the two interrupted incs is carried out exactly once");
            assertEquals(7, other.getUint64(KEY), "another handle sees both interrupted incs carried out");
        }
    }

    /**
     * A call made with the interrupt status set fails at once with INTERRUPT and sends nothing:
     * corosync counts no request of it, and nothing changes. An iterator whose fetch was refused
     * so goes on, missing no key, once the status is cleared.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void callsMadeWithTheInterruptStatusSetFailAtOnceAndSendNothing(Corosync corosync) {
        withWatchedHandle(Failure.INTERRUPT.options(), (handle, watch) -> {
            handle.setUint64(KEY, 7);
            for (boolean virtual : PLATFORM_AND_VIRTUAL) {
                List<String> seen = new ArrayList<>();
                CmapIterator keys = firstBurstHandedOut(handle, seen);
                long before = watch.requests();
                onInterruptedThread("calls", virtual, () -> {
                    failsAtOnceWithInterrupt("get", () -> handle.get(KEY));
                    failsAtOnceWithInterrupt("getUint64", () -> handle.getUint64(KEY));
                    failsAtOnceWithInterrupt("getUint32", () -> handle.getUint32(KEY));
                    failsAtOnceWithInterrupt("set", () -> handle.set(KEY, CmapValue.uint64(8)));
                    failsAtOnceWithInterrupt("setUint64", () -> handle.setUint64(KEY, 8));
                    failsAtOnceWithInterrupt("inc", () -> handle.inc(KEY));
                    failsAtOnceWithInterrupt("dec", () -> handle.dec(KEY));
                    failsAtOnceWithInterrupt("delete", () -> handle.delete(KEY));
                    failsAtOnceWithInterrupt("iterate", () -> handle.iterate(ITER_PREFIX));
                    failsAtOnceWithInterrupt("an iterator's fetch", keys::hasNext);
                    failsAtOnceWithInterrupt("trackAdd", () -> handle.trackAdd(TRACKED,
                            EnumSet.of(TrackEvent.ADD, TrackEvent.MODIFY), (h, n) -> { }));
                    return null;
                });
                assertEquals(7, handle.getUint64(KEY), "a call refused with the interrupt status set changed the key");
                assertEquals(before + 1, watch.requests(),
                        "corosync got a request of a call made with the interrupt status set, not only the get after");
                while (keys.hasNext()) {
                    seen.add(keys.next().name());
                }
                assertEquals(ITER_KEYS, seen.size(), "the iteration after its refused fetch missed keys: " + seen);
            }
            assertEquals(7, watch.observer().getUint64(KEY), "another handle sees the key unchanged");
            watch.assertNoEventOfAChange("a trackAdd refused with the interrupt status set made a tracking");
        });
    }

    /** As {@link #aTrackingMadeAfterItsTrackAddTimedOutIsDeleted}, for a trackAdd whose caller was interrupted. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aTrackingMadeAfterItsTrackAddWasInterruptedIsDeleted(Corosync corosync) {
        aTrackingMadeAfterItsTrackAddFailedIsDeleted(corosync, Failure.INTERRUPT);
    }

    /** As {@link #anIteratorMadeAfterItsIterInitTimedOutIsFinalized}, for an iterate whose caller was interrupted. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anIteratorMadeAfterItsIterInitWasInterruptedIsFinalized(Corosync corosync) {
        anIteratorMadeAfterItsIterInitFailedIsFinalized(corosync, Failure.INTERRUPT);
    }

    /** As {@link #anIterationWhoseFetchTimedOutFailsAfterResumeInsteadOfSkippingKeys}, for an interrupted fetch. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anIterationWhoseFetchWasInterruptedFailsAfterResumeInsteadOfSkippingKeys(Corosync corosync) {
        anIterationWhoseFetchFailedFailsAfterResume(corosync, Failure.INTERRUPT);
    }

    /**
     * dispatch(ONE) and dispatch(BLOCKING) waiting for a notification end with INTERRUPT within
     * about their one-second slice of an interrupt, having run no callback; the handle then
     * dispatches as before.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anInterruptEndsADispatchWaitingForANotification(Corosync corosync) {
        try (CmapHandle tracker = Cmap.initialize(); CmapHandle observer = Cmap.initialize()) {
            AtomicLong heard = new AtomicLong();
            tracker.trackAdd(TRACKED, EnumSet.of(TrackEvent.ADD, TrackEvent.MODIFY), (h, n) -> heard.incrementAndGet());
            List<Long> ended = new ArrayList<>();
            for (DispatchType type : List.of(DispatchType.ONE, DispatchType.BLOCKING)) {
                for (boolean virtual : PLATFORM_AND_VIRTUAL) {
                    ended.add(interruptedWhileWaiting("dispatch(" + type + ")", virtual, DISPATCH_INTERRUPTED_WITHIN,
                            () -> tracker.dispatch(type)));
                }
            }
            System.out.printf("[reliability] %s: interrupted dispatches ended %s ms after the interrupt%n",
                    getClass().getSimpleName(), ended);
            assertEquals(0, heard.get(), "an interrupted dispatch ran a callback, with nothing changed");
            changeSeenBy(observer, TRACKED);
            Conditions.await(() -> dispatchedOne(tracker) && heard.get() == 1, ANSWERED_WITHIN,
                    () -> "the tracker dispatches the notification of a change after its interrupted dispatches");
        }
    }

    /**
     * With the interrupt status set, dispatch(ONE) and dispatch(BLOCKING) fail at once with
     * INTERRUPT and leave a waiting notification alone; dispatch(ALL) and
     * dispatch(ONE_NONBLOCKING), which never wait, ignore the status.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void withTheInterruptStatusSetOnlyADispatchThatWouldWaitFails(Corosync corosync) {
        try (CmapHandle tracker = Cmap.initialize(); CmapHandle observer = Cmap.initialize()) {
            AtomicLong heard = new AtomicLong();
            tracker.trackAdd(TRACKED, EnumSet.of(TrackEvent.ADD, TrackEvent.MODIFY), (h, n) -> heard.incrementAndGet());
            for (boolean virtual : PLATFORM_AND_VIRTUAL) {
                changeSeenBy(observer, TRACKED); // corosync has sent the tracker its notification
                long before = heard.get();
                onInterruptedThread("dispatches", virtual, () -> {
                    failsAtOnceWithInterrupt("dispatch(ONE)", () -> tracker.dispatch(DispatchType.ONE));
                    failsAtOnceWithInterrupt("dispatch(BLOCKING)", () -> tracker.dispatch(DispatchType.BLOCKING));
                    assertEquals(before, heard.get(), "a dispatch that failed with INTERRUPT ran a callback");
                    Conditions.await(() -> tracker.dispatch(DispatchType.ALL) >= 0 && heard.get() == before + 1,
                            ANSWERED_WITHIN, () -> "dispatch(ALL) with the interrupt status set runs the notification");
                    assertCmapError(CsError.TRY_AGAIN, () -> tracker.dispatch(DispatchType.ONE_NONBLOCKING));
                    assertTrue(Thread.currentThread().isInterrupted(), "a dispatch cleared the interrupt status");
                    return null;
                });
            }
        }
    }

    /**
     * trackDelete (it releases what corosync holds), an iterator's close and a join are not ended
     * by the interrupt status: the tracking and the iterator are gone at corosync, the join has
     * its value.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void trackDeleteAnIteratorsCloseAndAJoinAreNotEndedByAnInterrupt(Corosync corosync) {
        withWatchedHandle(Failure.INTERRUPT.options(), (handle, watch) -> {
            for (boolean virtual : PLATFORM_AND_VIRTUAL) {
                long track = handle.trackAdd(TRACKED, EnumSet.of(TrackEvent.ADD, TrackEvent.MODIFY), (h, n) -> { });
                handle.setUint64(KEY, 4);
                CmapIterator keys = firstBurstHandedOut(handle, new ArrayList<>());
                long before = watch.requests();
                onInterruptedThread("trackDelete, an iterator's close and a join", virtual, () -> {
                    handle.trackDelete(track);
                    keys.close();
                    assertEquals(CmapValue.uint64(4), handle.getAsync(KEY).join());
                    assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status was cleared");
                    return null;
                });
                handle.getUint64(KEY); // answered after every request sent before it
                assertEquals(before + 4, watch.requests(),
                        "corosync got the track_delete, the iter_finalize, the async get and the get");
                watch.assertNoEventOfAChange("the trackDelete made with the interrupt status set left the tracking");
            }
        });
    }

    /**
     * Cmap.initialize and close() are not ended by the interrupt status: a handle opened so works,
     * and its close, while its first request waits at the stopped corosync, still lets the answer
     * arrive, so that corosync, resumed meanwhile, does not stall (see
     * {@link #aCloseLetsTheFirstAnswerArriveSoThatTheServerDoesNotStall}).
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void initializeAndCloseAreNotEndedByAnInterrupt(Corosync corosync) {
        for (boolean virtual : PLATFORM_AND_VIRTUAL) {
            try (CmapHandle opened = onInterruptedThread("initialize", virtual, Cmap::initialize)) {
                assertEquals(corosync.clusterName(), opened.getString("totem.cluster_name"),
                        "a handle opened with the interrupt status set works");
            }
            // no request answered yet: the close has to wait for corosync to let go
            CmapHandle closing = onInterruptedThread("initialize", virtual, Cmap::initialize);
            corosync.pause();
            closing.setAsync(key(0), CmapValue.uint64(0));
            long connectMillis = closeResumingMeanwhile(corosync, closing, virtual, true);
            assertFalse(closing.isOpen(), "close() with the interrupt status set closed the handle");
            System.out.printf("[reliability] %s: handle closed on a %s thread with its interrupt status set while "
                    + "its first request waited at the stopped server; after SIGCONT a new handle connected and read "
                    + "within %d ms%n", getClass().getSimpleName(), virtual ? "virtual" : "platform", connectMillis);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void withoutRequestTimeoutASyncCallWaitsThroughThePauseAndThenSucceeds(Corosync corosync) {
        try (CmapHandle handle = Cmap.initialize()) {
            handle.setUint64(KEY, 11);
            corosync.pause();
            // libcmap's default: a stopped server is alive, so the call waits as long as it takes
            BlockingCall getter = BlockingCall.start("sync get", () -> handle.getUint64(KEY));
            getter.awaitBlocked(Duration.ofSeconds(5));
            assertFalse(Conditions.holdsWithin(getter::isFinished, REQUEST_TIMEOUT.multipliedBy(2)),
                    "no answer, no failure while the server is stopped");
            assertTrue(handle.isOpen(), "a stopped server is still connected");
            corosync.resume();
            assertEquals(11L, getter.awaitResult(ANSWERED_WITHIN));
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void asyncRequestsIssuedWhilePausedAllCompleteCorrectlyAfterResume(Corosync corosync) {
        try (CmapHandle handle = Cmap.initialize()) {
            handle.setUint64(KEY, 0);
            pausedBurstIsAnsweredWhole(corosync, handle, "a used handle");
        }
    }

    /**
     * Virtual threads waiting for a stopped corosync, in synchronous calls and in connects, leave
     * their carriers free: with more such waiters than carriers another virtual thread still runs.
     * Before, each waited inside a system call and kept its carrier, so that every virtual thread of
     * the JVM stood still until corosync ran again. After SIGCONT every call completes.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void virtualThreadsWaitingForAStoppedServerLeaveTheCarriersFree(Corosync corosync) throws Exception {
        int waiters = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                Runtime.getRuntime().availableProcessors()) + 1;
        CmapOptions patient = CmapOptions.builder().connectTimeout(ANSWERED_WITHIN).build();
        List<CmapHandle> handles = new ArrayList<>();
        ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor();
        try {
            for (int i = 0; i < waiters; i++) {
                handles.add(Cmap.initialize());
            }
            handles.get(0).setUint64(KEY, 21);
            corosync.pause();
            CountDownLatch entered = new CountDownLatch(2 * waiters);
            List<Future<Long>> gets = new ArrayList<>();
            List<Future<CmapHandle>> connects = new ArrayList<>();
            for (CmapHandle handle : handles) {
                gets.add(virtual.submit(() -> {
                    entered.countDown();
                    return handle.getUint64(KEY);
                }));
                connects.add(virtual.submit(() -> {
                    entered.countDown();
                    return Cmap.initialize(CmapMap.ICMAP, patient);
                }));
            }
            // a waiter holds its carrier from its count-down on; waiting in the kernel, for good
            assertTrue(entered.await(5, TimeUnit.SECONDS),
                    "every waiter started (waiting virtual threads kept the carriers)");
            try {
                assertEquals("ran", virtual.submit(() -> "ran").get(5, TimeUnit.SECONDS));
            } catch (TimeoutException e) {
                fail(2 * waiters + " virtual threads waiting for the stopped server kept every carrier: "
                        + "no other virtual thread ran in 5 s");
            }
            assertFalse(gets.stream().anyMatch(Future::isDone) || connects.stream().anyMatch(Future::isDone),
                    "nothing is answered while the server is stopped");
            corosync.resume();
            for (Future<Long> get : gets) {
                assertEquals(21L, get.get(ANSWERED_WITHIN.toMillis(), TimeUnit.MILLISECONDS));
            }
            for (Future<CmapHandle> connect : connects) {
                CmapHandle connected = connect.get(ANSWERED_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
                handles.add(connected);
                assertEquals(21L, connected.getUint64(KEY));
            }
        } finally {
            corosync.resume(); // lets every waiter end, should an assertion have failed while it was stopped
            virtual.close();
            handles.forEach(CmapHandle::close);
        }
    }

    /**
     * Closing a handle while a thread waits in it for an answer from the stopped corosync gives
     * that thread BAD_HANDLE at once. Before, the waiter looked again and again until the close
     * gave up waiting for it to leave (2 s, a CPU spun meanwhile), and with both on virtual
     * threads the spinning waiters could keep every carrier, so that the closers never ran again
     * (stress round 5).
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void closingAHandleEndsAWaitingCallAtOnceOnPlatformAndVirtualThreads(Corosync corosync) throws Exception {
        CmapHandle platform = Cmap.initialize();
        platform.setUint64(KEY, 1);
        int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                Runtime.getRuntime().availableProcessors());
        List<CmapHandle> handles = new ArrayList<>();
        for (int i = 0; i <= carriers; i++) {
            handles.add(Cmap.initialize());
        }
        corosync.pause();
        BlockingCall getter = BlockingCall.start("sync get", () -> platform.getUint64(KEY));
        getter.awaitBlocked(Duration.ofSeconds(5));
        long start = System.nanoTime();
        platform.close();
        getter.awaitFailure(CsError.BAD_HANDLE, Duration.ofSeconds(5));
        long platformMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        // the socket transport's close waits up to 1 s for the stopped corosync to let go (decision 0012)
        assertTrue(platformMillis < 1_500, "close and the waiter's end took " + platformMillis + " ms");

        ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor();
        try {
            CountDownLatch waiting = new CountDownLatch(handles.size());
            List<Future<Long>> gets = new ArrayList<>();
            for (CmapHandle handle : handles) {
                gets.add(virtual.submit(() -> {
                    waiting.countDown();
                    return handle.getUint64(KEY);
                }));
            }
            assertTrue(waiting.await(5, TimeUnit.SECONDS), "the virtual getters started");
            start = System.nanoTime();
            List<Future<?>> closes = new ArrayList<>();
            for (CmapHandle handle : handles) {
                closes.add(virtual.submit(handle::close));
            }
            for (Future<?> close : closes) {
                close.get(10, TimeUnit.SECONDS);
            }
            for (Future<Long> get : gets) {
                ExecutionException failed = assertThrows(ExecutionException.class,
                        () -> get.get(5, TimeUnit.SECONDS));
                assertEquals(CsError.BAD_HANDLE, ((CmapException) failed.getCause()).error());
            }
            System.out.printf("[reliability] %s: close during a wait for the stopped server: platform thread %d ms, "
                    + "%d virtual threads %d ms%n", getClass().getSimpleName(), platformMillis, handles.size(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        } finally {
            corosync.resume();
            virtual.shutdownNow(); // not close(): should waiters spin for ever, the test fails rather than hangs
            handles.forEach(CmapHandle::close);
        }
    }

    /**
     * {@code close()} "wakes up and ends a dispatch in progress". On the socket transport the close
     * of a tracking handle waits up to a second for the stopped corosync to let go (decision
     * 0012); meanwhile a {@code dispatch(BLOCKING)} kept waiting for events until its own
     * one-second slice ran out (700 ms after the close began in a stress round), where on shared
     * memory it ended within 10 ms. It must end within about a liveness slice (100 ms), on
     * platform and virtual threads.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void closeEndsABlockingDispatchAtOnceWhileCorosyncIsStopped(Corosync corosync) throws Exception {
        for (boolean virtual : new boolean[] {false, true}) {
            CmapHandle tracker = Cmap.initialize();
            tracker.trackAdd(KEY, EnumSet.of(TrackEvent.MODIFY), (h, n) -> { });
            corosync.pause();
            CountDownLatch ended = new CountDownLatch(1);
            AtomicLong endedAt = new AtomicLong();
            Runnable dispatch = () -> {
                try {
                    tracker.dispatch(DispatchType.BLOCKING);
                } finally {
                    endedAt.set(System.nanoTime());
                    ended.countDown();
                }
            };
            Thread dispatcher = virtual ? Thread.ofVirtual().start(dispatch)
                    : Thread.ofPlatform().daemon().start(dispatch);
            Conditions.await(() -> Conditions.blockedInClient(dispatcher), Duration.ofSeconds(5),
                    () -> "dispatch waits");
            // the clock starts in the closing thread, as close() begins: not when that thread is
            // started, which a loaded machine may run late
            AtomicLong closeBeganAt = new AtomicLong();
            BlockingCall closer = BlockingCall.start("close", () -> {
                closeBeganAt.set(System.nanoTime());
                tracker.close();
                return null;
            });
            boolean endedAtAll = ended.await(5, TimeUnit.SECONDS);
            closer.awaitResult(Duration.ofSeconds(5));
            corosync.resume();
            assertTrue(endedAtAll, "the dispatch ended");
            long endedMillis = TimeUnit.NANOSECONDS.toMillis(endedAt.get() - closeBeganAt.get());
            System.out.printf("[reliability] %s: close of a tracking handle at the stopped server ended a %s"
                    + " dispatch(BLOCKING) %d ms after it began%n", getClass().getSimpleName(),
                    virtual ? "virtual" : "platform", endedMillis);
            assertTrue(endedMillis < DISPATCH_ENDS_WITHIN.toMillis(), (virtual ? "virtual" : "platform")
                    + " dispatch(BLOCKING) ended " + endedMillis + " ms after close() began");
        }
    }

    /**
     * A new handle's first burst. On the socket transport the kernel holds only
     * {@code net.unix.max_dgram_qlen} (10) datagrams for corosync's end until corosync has sent on
     * it: once the rest failed with TRY_AGAIN here (1,189 of 1,200). Now the rest wait in the
     * client, behind the first request until corosync's first answer (decisions 0011, 0012).
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aFreshHandlesFirstBurstWhilePausedIsQueuedWholeAndAnswered(Corosync corosync) {
        try (CmapHandle handle = Cmap.initialize()) {
            pausedBurstIsAnsweredWhole(corosync, handle, "a fresh handle");
        }
    }

    /**
     * corosync answers the requests of a handle closed while it was stopped into a socket that
     * is gone. If that is its first answer on the connection, libqb's server retries connecting
     * for about a second per answer with its main loop blocked (decision 0012), and new clients
     * time out. A socket handle therefore keeps one request on the wire until the first answer,
     * which bounds the stall to one such second, however many requests were issued.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aHandleClosedWithRequestsQueuedAtAStoppedServerLeavesItResponsive(Corosync corosync) {
        CmapHandle closing = Cmap.initialize();
        corosync.pause();
        for (int i = 0; i < STALL_PROBE_REQUESTS; i++) {
            closing.setAsync(key(i), CmapValue.uint64(i));
        }
        long closeStart = System.nanoTime();
        closing.close(); // on the socket transport it waits for the first answer, in vain
        long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closeStart);
        corosync.resume();
        long connectMillis = connectAndRead(corosync, Duration.ofSeconds(3));
        System.out.printf("[reliability] %s: handle closed (in %d ms) with %d requests issued to the stopped "
                + "server; after SIGCONT a new handle connected and read within %d ms%n", getClass().getSimpleName(),
                closeMillis, STALL_PROBE_REQUESTS, connectMillis);
    }

    /**
     * A handle closed while its first request waits at a stopped server lets that answer arrive
     * (for up to a second) before it leaves, so that corosync, resumed meanwhile, finds us and
     * does not stall at all.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aCloseLetsTheFirstAnswerArriveSoThatTheServerDoesNotStall(Corosync corosync) {
        CmapHandle closing = Cmap.initialize();
        corosync.pause();
        CompletableFuture<Void> set = closing.setAsync(key(0), CmapValue.uint64(0));
        long connectMillis = closeResumingMeanwhile(corosync, closing);
        System.out.printf("[reliability] %s: handle closed while its first request waited at the stopped server "
                + "(the set %s); after SIGCONT a new handle connected and read within %d ms%n",
                getClass().getSimpleName(), set.isCompletedExceptionally() ? "failed: handle closed" : "was answered",
                connectMillis);
    }

    /**
     * corosync connects a client's event socket only with its first event. A tracking handle
     * closed while a change it tracks waits at the stopped corosync tells corosync it leaves and
     * keeps its sockets until corosync lets go (up to a second): resumed meanwhile, corosync
     * finds the socket for that event, and does not stall.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aTrackingHandleClosedBeforeItsFirstEventLetsTheServerLetGoFirst(Corosync corosync) {
        try (CmapHandle writer = Cmap.initialize()) {
            writer.setUint64(KEY, 0);
            CmapHandle tracker = Cmap.initialize();
            tracker.trackAdd(KEY, EnumSet.of(TrackEvent.MODIFY), (h, n) -> { });
            corosync.pause();
            writer.setAsync(KEY, CmapValue.uint64(1));
            long connectMillis = closeResumingMeanwhile(corosync, tracker);
            System.out.printf("[reliability] %s: tracking handle closed while its first event waited at the "
                    + "stopped server; after SIGCONT a new handle connected and read within %d ms%n",
                    getClass().getSimpleName(), connectMillis);
        }
    }

    /**
     * Closes {@code handle} on another thread while corosync is stopped, resumes corosync once the
     * close waits (or has ended), and returns how long a new handle then takes to be served, which
     * must be less than one stall ({@link #NO_STALL_WITHIN}).
     */
    private static long closeResumingMeanwhile(Corosync corosync, CmapHandle handle) {
        return closeResumingMeanwhile(corosync, handle, false, false);
    }

    /**
     * As {@link #closeResumingMeanwhile(Corosync, CmapHandle)}, closing on a virtual or platform
     * thread, its interrupt status set if {@code interrupted}.
     */
    private static long closeResumingMeanwhile(Corosync corosync, CmapHandle handle, boolean virtual,
            boolean interrupted) {
        BlockingCall closer = BlockingCall.start("close", virtual, () -> {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            handle.close();
            return null;
        });
        Conditions.await(() -> closer.isFinished() || Conditions.blockedInClient(closer.thread()),
                Duration.ofSeconds(5), () -> "close waits or ends");
        corosync.resume();
        closer.awaitResult(Duration.ofSeconds(5));
        return connectAndRead(corosync, NO_STALL_WITHIN);
    }

    /** Connects a new handle with {@code within} as its connect timeout and reads a key: the server serves. */
    private static long connectAndRead(Corosync corosync, Duration within) {
        long start = System.nanoTime();
        CmapOptions options = CmapOptions.builder().connectTimeout(within).build();
        try (CmapHandle next = Cmap.initialize(CmapMap.ICMAP, options)) {
            assertEquals(corosync.clusterName(), next.getString("totem.cluster_name"));
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private void pausedBurstIsAnsweredWhole(Corosync corosync, CmapHandle handle, String which) {
        corosync.pause();
        List<CompletableFuture<Void>> sets = new ArrayList<>(ASYNC_PAIRS);
        List<CompletableFuture<CmapValue>> gets = new ArrayList<>(ASYNC_PAIRS);
        for (int i = 0; i < ASYNC_PAIRS; i++) {
            sets.add(handle.setAsync(key(i), CmapValue.uint64(i)));
            gets.add(handle.getAsync(key(i)));
        }
        long done = sets.stream().filter(CompletableFuture::isDone).count()
                + gets.stream().filter(CompletableFuture::isDone).count();
        assertEquals(0, done, which + ": every request waits while the server is stopped, none is refused");

        long resumedAt = System.nanoTime();
        corosync.resume();
        for (int i = 0; i < ASYNC_PAIRS; i++) {
            await(sets.get(i));
            assertEquals(CmapValue.uint64(i), getOutcome(gets.get(i), key(i)), "get after set of " + key(i));
        }
        long answeredMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resumedAt);
        System.out.printf("[reliability] %s: %d async requests issued by %s to a stopped server: none refused, "
                + "all answered correctly within %d ms of SIGCONT%n", getClass().getSimpleName(),
                2 * ASYNC_PAIRS, which, answeredMillis);
        assertTrue(handle.isOpen());
    }

    private static String key(int i) {
        return "rel.pause.async." + i;
    }

    /** How a call fails at the stopped corosync, and the options of a handle whose calls fail so. */
    private enum Failure {
        /** Its request timeout runs out. */
        TIMEOUT(CsError.TIMEOUT, CmapOptions.builder().requestTimeout(REQUEST_TIMEOUT).build()),
        /** Its thread, on a handle without a request timeout, is interrupted while it waits. */
        INTERRUPT(CsError.INTERRUPT, CmapOptions.builder().build());

        private final CsError error;
        private final CmapOptions options;

        Failure(CsError error, CmapOptions options) {
            this.error = error;
            this.options = options;
        }

        CsError error() {
            return error;
        }

        CmapOptions options() {
            return options;
        }

        /** Makes {@code call} fail so, on this thread for a timeout, on a platform thread for an interrupt. */
        void of(String name, Runnable call) {
            if (this == TIMEOUT) {
                timedOut(call);
            } else {
                interruptedWhileWaiting(name, false, LATENESS, call);
            }
        }
    }

    /**
     * Runs {@code call} on a new platform or virtual thread, interrupts that thread once it waits
     * in the client, and checks that the call then fails with INTERRUPT within {@code within},
     * its interrupt status still set.
     *
     * @return how long after the interrupt the call ended, in ms
     */
    private static long interruptedWhileWaiting(String name, boolean virtual, Duration within, Runnable call) {
        String which = name + " on a " + (virtual ? "virtual" : "platform") + " thread";
        BlockingCall waiting = BlockingCall.start(which, virtual, () -> {
            call.run();
            return null;
        });
        waiting.awaitBlocked(Duration.ofSeconds(5));
        long interruptedAt = System.nanoTime();
        waiting.thread().interrupt();
        waiting.awaitFailure(CsError.INTERRUPT, within.plus(Duration.ofSeconds(5)));
        long endedMillis = TimeUnit.NANOSECONDS.toMillis(waiting.finishedAt() - interruptedAt);
        assertTrue(endedMillis <= within.toMillis(), which + " ended " + endedMillis + " ms after its interrupt");
        assertTrue(waiting.endedInterrupted(), which + " cleared the interrupt status");
        return endedMillis;
    }

    /** Runs {@code body} on a new platform or virtual thread whose interrupt status is set; returns its result. */
    private static <T> T onInterruptedThread(String name, boolean virtual, Callable<T> body) {
        BlockingCall call = BlockingCall.start(name + " with the interrupt status set", virtual, () -> {
            Thread.currentThread().interrupt();
            return body.call();
        });
        @SuppressWarnings("unchecked")
        T result = (T) call.awaitResult(ANSWERED_WITHIN);
        return result;
    }

    /** {@code call}, made with the interrupt status set, fails with INTERRUPT and leaves the status set. */
    private static void failsAtOnceWithInterrupt(String name, Executable call) {
        CmapException thrown = assertThrows(CmapException.class, call,
                name + " with the interrupt status set did not fail");
        assertEquals(CsError.INTERRUPT, thrown.error(),
                name + " with the interrupt status set: " + thrown.getMessage());
        assertTrue(Thread.currentThread().isInterrupted(), name + " cleared the interrupt status");
    }

    private static long timedOut(Runnable call) {
        long start = System.nanoTime();
        assertCmapError(CsError.TIMEOUT, call::run);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /** As {@link #timedOut}: the clock starts before the request is issued, as its deadline does. */
    private static long timedOutAsync(Supplier<CompletableFuture<?>> call) {
        long start = System.nanoTime();
        CorosyncDeathContract.assertFailsWith(CsError.TIMEOUT, call.get(), REQUEST_TIMEOUT.multipliedBy(10));
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private static void await(CompletableFuture<?> future) {
        getOutcome(future, "set");
    }

    private static <T> T getOutcome(CompletableFuture<T> future, String what) {
        try {
            return future.get(ANSWERED_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError(what + " failed after resume", e.getCause());
        } catch (TimeoutException e) {
            return fail(what + ": no answer within " + ANSWERED_WITHIN.toMillis() + " ms of SIGCONT");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }
}
