package io.jcmap.client.it;

import static io.jcmap.client.it.Expect.cmapError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.client.CmapBatch;
import io.jcmap.client.CmapException;
import io.jcmap.client.CmapHandle;
import io.jcmap.client.CmapIterator;
import io.jcmap.client.CmapListener;
import io.jcmap.client.CmapValue;
import io.jcmap.client.CsError;
import io.jcmap.client.DispatchType;
import io.jcmap.client.PipelineFrames;
import io.jcmap.client.TrackEvent;
import io.jcmap.client.TrackRegistryFrames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** {@code cmap_dispatch(3)}'s four types with their blocking behaviour, fd(), context and close. */
// a call that blocks forever must fail the test, not hang the build
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class DispatchScenarios extends CorosyncScenarios {
    /**
     * How soon after close() began a waiting dispatch has ended: far below the dispatcher's 1 s
     * wait for events, but above the transports' liveness checks (every 100 ms), which see the
     * close too; that close() wakes the waiter at once is proven by the protocol tests
     * ({@code closeWakesAThreadWaitingForAnEventBeforeItsNextLivenessCheck}).
     */
    private static final long PROMPTLY_MILLIS = 500;
    /** What "at once" means for a call that must not wait. */
    private static final Duration AT_ONCE = Duration.ofMillis(200);
    private static final EnumSet<TrackEvent> ADD_MODIFY = EnumSet.of(TrackEvent.ADD, TrackEvent.MODIFY);

    /** Tracks ADD and MODIFY of {@code key} on the test's handle. */
    private long track(String key, CmapListener listener) {
        return cmap.trackAdd(key, ADD_MODIFY, listener);
    }

    /** Makes {@code count} changes of {@code key} from another handle; their notifications then wait. */
    private void changes(String key, int count) {
        CmapHandle writer = open();
        for (int i = 1; i <= count; i++) {
            writer.setUint32(key, i);
        }
        // corosync sends a change's notifications before it answers the change
        assertTrue(EventFdPoller.readable(cmap.fd(), TIMEOUT), "notifications wait");
    }

    /**
     * Starts {@code dispatch(type)} on a thread of its own and returns once it waits in the
     * transport: a close before the thread reached the call would fail it with BAD_HANDLE.
     */
    private Future<Ended<Integer>> waitingDispatch(DispatchType type) {
        AtomicReference<Thread> dispatcher = new AtomicReference<>();
        Future<Ended<Integer>> dispatched = endingAt(() -> {
            dispatcher.set(Thread.currentThread());
            return cmap.dispatch(type);
        });
        Await.until(() -> dispatcher.get() != null, TIMEOUT, () -> "the dispatching thread runs");
        Await.untilInTransport(dispatcher.get(), TIMEOUT);
        return dispatched;
    }

    /** What a call returned, and when it returned ({@link System#nanoTime}). */
    private record Ended<T>(T value, long atNanos) {
    }

    /** Runs {@code call} on a thread of its own, noting when it returns. */
    private <T> Future<Ended<T>> endingAt(Callable<T> call) {
        return threads(1).submit(() -> {
            T value = call.call();
            return new Ended<>(value, System.nanoTime());
        });
    }

    /**
     * Closes the test's handle and returns what {@code waiting} returned, which must have
     * returned within {@link #PROMPTLY_MILLIS} of the start of close(). Timed by the call itself:
     * close() waits until no thread is inside the connection, so a clock started after it would
     * not see a dispatch that ended late, and close() may take its time for other reasons.
     */
    private <T> T closeAndAwait(Future<Ended<T>> waiting, String what) {
        long start = System.nanoTime();
        cmap.close();
        Ended<T> ended = Expect.done(waiting);
        long millis = (ended.atNanos() - start) / 1_000_000;
        assertTrue(millis < PROMPTLY_MILLIS, () -> what + " ended " + millis + " ms after close() began");
        return ended.value();
    }

    private static List<Long> values(Recorder recorder) {
        return recorder.events().stream().map(n -> ((CmapValue.UInt32) n.newValue()).value()).toList();
    }

    private static <T> T within(Duration limit, java.util.function.Supplier<T> call, String what) {
        long start = System.nanoTime();
        T result = call.get();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < limit.toMillis(), () -> what + " took " + millis + " ms");
        return result;
    }

    // ---- ONE ------------------------------------------------------------------------------------

    @Test
    void oneBlocksUntilAChangeFromAnotherHandleArrivesThenRunsItsCallback() {
        String key = key("one");
        Recorder recorder = new Recorder();
        track(key, recorder);
        AtomicReference<Thread> dispatcher = new AtomicReference<>();
        Future<Integer> dispatched = threads(1).submit(() -> {
            dispatcher.set(Thread.currentThread());
            return cmap.dispatch(DispatchType.ONE);
        });
        Expect.staysPending(dispatched, "dispatch(ONE) with nothing waiting");
        assertEquals(0, recorder.size());

        open().setUint32(key, 1);
        assertEquals(1, Expect.done(dispatched));
        assertEquals(List.of(1L), values(recorder));
        assertSame(dispatcher.get(), recorder.threads().get(0), "the callback runs on the dispatching thread");
        assertSame(cmap, recorder.handles().get(0));
    }

    @Test
    void oneWithThreeWaitingRunsExactlyOne() {
        String key = key("three");
        Recorder recorder = new Recorder();
        track(key, recorder);
        changes(key, 3);
        assertEquals(1, cmap.dispatch(DispatchType.ONE));
        assertEquals(List.of(1L), values(recorder));
        assertEquals(1, cmap.dispatch(DispatchType.ONE));
        assertEquals(List.of(1L, 2L), values(recorder));
        assertEquals(1, cmap.dispatch(DispatchType.ALL));
        assertEquals(List.of(1L, 2L, 3L), values(recorder));
    }

    @Test
    void oneReturnsPromptlyWhenTheHandleIsClosedFromAnotherThread() {
        track(key("closing"), new Recorder());
        Future<Ended<Integer>> dispatched = waitingDispatch(DispatchType.ONE);
        Expect.staysPending(dispatched, "dispatch(ONE) with nothing waiting");
        assertEquals(0, closeAndAwait(dispatched, "dispatch(ONE)"));
    }

    @Test
    void oneSkipsNotificationsOfDeletedTracksAndWaitsForACallback() {
        String deleted = key("deleted");
        String kept = key("kept");
        Recorder gone = new Recorder();
        Recorder recorder = new Recorder();
        long track = track(deleted, gone);
        track(kept, recorder);
        changes(deleted, 2);
        cmap.trackDelete(track);
        Future<Integer> dispatched = threads(1).submit(() -> cmap.dispatch(DispatchType.ONE));
        Expect.staysPending(dispatched, "dispatch(ONE) with only dropped notifications");
        open().setUint32(kept, 7);
        assertEquals(1, Expect.done(dispatched));
        assertEquals(List.of(7L), values(recorder));
        assertEquals(0, gone.size());
    }

    // ---- ALL ------------------------------------------------------------------------------------

    @Test
    void allWithNoneWaitingReturnsZeroAtOnce() {
        assertEquals(0, within(AT_ONCE, () -> cmap.dispatch(DispatchType.ALL), "dispatch(ALL) without tracks"));
        track(key("quiet"), new Recorder());
        assertEquals(0, within(AT_ONCE, () -> cmap.dispatch(DispatchType.ALL), "dispatch(ALL) with nothing waiting"));
    }

    @Test
    void allWithNWaitingRunsAllNInOrder() {
        int waiting = 25;
        String key = key("all");
        Recorder recorder = new Recorder();
        track(key, recorder);
        changes(key, waiting);
        assertEquals(waiting, within(Duration.ofSeconds(5), () -> cmap.dispatch(DispatchType.ALL), "dispatch(ALL)"));
        assertEquals(java.util.stream.LongStream.rangeClosed(1, waiting).boxed().toList(), values(recorder));
        assertEquals(0, cmap.dispatch(DispatchType.ALL));
    }

    @Test
    void allStopsAfterACallbackClosedTheHandle() {
        String key = key("close-in-all");
        Recorder recorder = new Recorder();
        track(key, (handle, n) -> {
            recorder.onNotification(handle, n);
            handle.close();
        });
        changes(key, 3);
        assertEquals(1, cmap.dispatch(DispatchType.ALL));
        assertEquals(List.of(1L), values(recorder));
        assertFalse(cmap.isOpen());
        cmapError(CsError.BAD_HANDLE, () -> cmap.dispatch(DispatchType.ALL));
    }

    // ---- BLOCKING --------------------------------------------------------------------------------

    @Test
    void blockingRunsCallbacksUntilACallbackClosesTheHandle() {
        String key = key("blocking");
        Recorder recorder = new Recorder();
        track(key, (handle, n) -> {
            recorder.onNotification(handle, n);
            if (((CmapValue.UInt32) n.newValue()).value() == 3) {
                handle.close();
            }
        });
        Future<Integer> dispatched = threads(1).submit(() -> cmap.dispatch(DispatchType.BLOCKING));
        CmapHandle writer = open();
        writer.setUint32(key, 1);
        writer.setUint32(key, 2);
        Await.until(() -> recorder.size() == 2, TIMEOUT, () -> "two callbacks ran");
        Expect.staysPending(dispatched, "dispatch(BLOCKING) after two callbacks");
        writer.setUint32(key, 3);
        writer.setUint32(key, 4);
        assertEquals(3, Expect.doneWithin(dispatched, TIMEOUT.toMillis(), "dispatch(BLOCKING) after close()"));
        assertEquals(List.of(1L, 2L, 3L), values(recorder));
        assertFalse(cmap.isOpen());
    }

    @Test
    void blockingReturnsPromptlyAfterCloseFromAnotherThread() {
        String key = key("blocking");
        Recorder recorder = new Recorder();
        track(key, recorder);
        Future<Ended<Integer>> dispatched = endingAt(() -> cmap.dispatch(DispatchType.BLOCKING));
        CmapHandle writer = open();
        writer.setUint32(key, 1);
        writer.setUint32(key, 2);
        Await.until(() -> recorder.size() == 2, TIMEOUT, () -> "two callbacks ran");
        Expect.staysPending(dispatched, "dispatch(BLOCKING) with nothing waiting");
        assertEquals(2, closeAndAwait(dispatched, "dispatch(BLOCKING)"));
        assertEquals(List.of(1L, 2L), values(recorder));
    }

    @Test
    void blockingDeliversEveryChangeInOrderWhileOthersWrite() {
        int count = 500;
        String key = key("stream");
        Recorder recorder = new Recorder();
        track(key, recorder);
        Future<Integer> dispatched = threads(1).submit(() -> cmap.dispatch(DispatchType.BLOCKING));
        CmapHandle writer = open();
        for (int i = 1; i <= count; i++) {
            writer.setUint32(key, i);
        }
        Await.until(() -> recorder.size() == count, TIMEOUT, () -> count + " callbacks ran (" + recorder.size() + ")");
        cmap.close();
        assertEquals(count, Expect.done(dispatched));
        assertEquals(java.util.stream.LongStream.rangeClosed(1, count).boxed().toList(), values(recorder));
    }

    /**
     * ALL returns 0 beside another thread's ONE, which runs one callback: the rest wait for the
     * next dispatch, the descriptor readable (DispatchType.ALL's javadoc, as a review of
     * 2026-12-07 found it; the javadoc said before that the other thread runs them).
     */
    @Test
    void allBesideAnotherThreadsOneLeavesTheRestWaitingForTheNextDispatch() throws Exception {
        String key = key("all-beside-one");
        CountDownLatch inCallback = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Recorder recorder = new Recorder();
        track(key, (handle, notification) -> {
            recorder.onNotification(handle, notification);
            inCallback.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        changes(key, 3);
        Future<Integer> one = threads(1).submit(() -> cmap.dispatch(DispatchType.ONE));
        assertTrue(inCallback.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "dispatch(ONE) runs a callback");
        assertEquals(0, cmap.dispatch(DispatchType.ALL), "dispatch(ALL) beside it");
        release.countDown();
        assertEquals(1, Expect.done(one));
        assertEquals(List.of(1L), values(recorder));
        assertTrue(EventFdPoller.readable(cmap.fd(), TIMEOUT), "the other two still wait");
        Await.until(() -> {
            cmap.dispatch(DispatchType.ALL);
            return recorder.size() == 3;
        }, TIMEOUT, () -> "the next dispatch(ALL) runs the other two");
        assertEquals(List.of(1L, 2L, 3L), values(recorder));
    }

    /** The types that never wait do not wait for another thread's dispatch either (libcmap's neither). */
    @Test
    void allAndOneNonblockingReturnAtOnceWhileAnotherThreadDispatches() {
        String key = key("shared");
        Recorder recorder = new Recorder();
        track(key, recorder);
        Future<Ended<Integer>> dispatched = endingAt(() -> cmap.dispatch(DispatchType.BLOCKING));
        CmapHandle writer = open();
        writer.setUint32(key, 1);
        Await.until(() -> recorder.size() == 1, TIMEOUT, () -> "the blocking dispatcher ran the callback");
        // the blocking dispatcher holds the handle's dispatch until the close below: a call that
        // waited for it would not end before then (no stopwatch: it timed the new thread's start too)
        var other = threads(1);
        assertEquals(0, Expect.done(other.submit(() -> cmap.dispatch(DispatchType.ALL))));
        CmapException busy = Expect.done(other.submit(() -> assertThrows(CmapException.class,
                () -> cmap.dispatch(DispatchType.ONE_NONBLOCKING))));
        assertEquals(CsError.TRY_AGAIN, busy.error());
        assertFalse(dispatched.isDone(), "dispatch(BLOCKING) still runs beside them");
        writer.setUint32(key, 2);
        Await.until(() -> recorder.size() == 2, TIMEOUT, () -> "the blocking dispatcher ran the next one");
        assertEquals(2, closeAndAwait(dispatched, "dispatch(BLOCKING)"));
    }

    /**
     * A virtual thread waiting in dispatch must not keep its carrier: with as many dispatching
     * virtual threads as carriers, no other virtual thread ran (the change below never came).
     */
    @Test
    void virtualThreadsDispatchingDoNotStopOtherVirtualThreads() throws Exception {
        String key = key("virtual");
        int dispatchers = Runtime.getRuntime().availableProcessors() + 1;
        List<Recorder> recorders = new ArrayList<>();
        List<CmapHandle> handles = new ArrayList<>();
        try (var virtual = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < dispatchers; i++) {
                CmapHandle handle = open();
                Recorder recorder = new Recorder();
                handle.trackAdd(key, ADD_MODIFY, recorder);
                handles.add(handle);
                recorders.add(recorder);
                virtual.submit(() -> handle.dispatch(DispatchType.BLOCKING));
            }
            Future<?> change = virtual.submit(() -> open().setUint32(key, 1));
            try {
                Expect.doneWithin(change, TIMEOUT.toMillis(), "a set on a virtual thread beside the dispatchers");
                Await.until(() -> recorders.stream().allMatch(r -> r.size() == 1), TIMEOUT,
                        () -> "every virtual dispatcher ran its callback");
            } finally {
                handles.forEach(CmapHandle::close); // ends the dispatchers, so the executor can close
            }
        }
    }

    // ---- ONE_NONBLOCKING --------------------------------------------------------------------------

    @Test
    void oneNonblockingWithNoneWaitingIsTryAgainAtOnce() {
        long start = System.nanoTime();
        cmapError(CsError.TRY_AGAIN, () -> cmap.dispatch(DispatchType.ONE_NONBLOCKING));
        track(key("none"), new Recorder());
        cmapError(CsError.TRY_AGAIN, () -> cmap.dispatch(DispatchType.ONE_NONBLOCKING));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 2 * AT_ONCE.toMillis(), () -> "two calls took " + millis + " ms");
        assertTrue(cmap.isOpen(), "TRY_AGAIN leaves the handle usable");
    }

    @Test
    void oneNonblockingWithSomeWaitingRunsExactlyOne() {
        String key = key("nonblocking");
        Recorder recorder = new Recorder();
        track(key, recorder);
        changes(key, 2);
        assertEquals(1, cmap.dispatch(DispatchType.ONE_NONBLOCKING));
        assertEquals(List.of(1L), values(recorder));
        assertEquals(1, cmap.dispatch(DispatchType.ONE_NONBLOCKING));
        assertEquals(List.of(1L, 2L), values(recorder));
        cmapError(CsError.TRY_AGAIN, () -> cmap.dispatch(DispatchType.ONE_NONBLOCKING));
    }

    @Test
    void oneNonblockingWithOnlyDroppedNotificationsIsTryAgain() {
        String key = key("dropped");
        Recorder recorder = new Recorder();
        long track = track(key, recorder);
        changes(key, 2);
        cmap.trackDelete(track);
        cmapError(CsError.TRY_AGAIN, () -> cmap.dispatch(DispatchType.ONE_NONBLOCKING));
        assertEquals(0, recorder.size());
    }

    // ---- callbacks --------------------------------------------------------------------------------

    @Test
    void aCallbackMayGetSetIterateAndDeleteItsOwnTrack() {
        String watched = key("watched");
        String written = key("written");
        Recorder recorder = new Recorder();
        Recorder writtenRecorder = new Recorder();
        List<Object> seenInCallback = new ArrayList<>();
        long[] track = new long[1];
        track[0] = track(watched, (handle, n) -> {
            recorder.onNotification(handle, n);
            seenInCallback.add(handle.get(watched));
            seenInCallback.add(handle.getAsync(watched).join());
            handle.setString(written, "from a callback");
            try (CmapIterator keys = handle.iterate(keyPrefix())) {
                int count = 0;
                while (keys.hasNext()) {
                    keys.next();
                    count++;
                }
                seenInCallback.add(count);
            }
            handle.trackDelete(track[0]);
        });
        track(written, writtenRecorder);
        changes(watched, 2);
        assertEquals(1, cmap.dispatch(DispatchType.ONE));
        // the second change had been applied before the first notification was dispatched
        assertEquals(List.of(CmapValue.uint32(2), CmapValue.uint32(2), 2), seenInCallback);
        Await.dispatchUntil(cmap, () -> writtenRecorder.size() == 1, TIMEOUT, () -> "the callback's own set is notified");
        assertEquals(List.of(1L), values(recorder), "the second notification of the deleted track is dropped");
        assertEquals(CmapValue.string("from a callback"), writtenRecorder.events().get(0).newValue());
    }

    /**
     * A completion action, run by the thread that reads answers, deletes a tracking whose
     * callback runs on the dispatching thread; trackDelete waits for that callback, which makes
     * a synchronous call whose answer only the waiting thread can read. Both complete: the two
     * waited for each other for good before (found by an audit, on both transports).
     */
    @Test
    void aTrackDeleteInACompletionActionWaitsForACallbackThatMakesASynchronousCall() throws Exception {
        String key = key("deleted-in-action");
        CallbackAwaitingDelete callback = new CallbackAwaitingDelete(key, CallbackCall.GET);
        CompletableFuture<Void> deleted;
        try (CmapBatch batch = cmap.batch()) {
            // attached before the answer can arrive: whoever reads the answer runs the action
            deleted = batch.getAsync(key).thenRun(callback::delete);
        }
        Expect.done(deleted);
        assertEquals(1, Expect.done(callback.dispatched).value());
        assertEquals(CmapValue.uint32(1), callback.seen.get(), "the callback's own call was answered");
    }

    /**
     * A tracking of a key set to 0 whose callback, running on a dispatching thread once the key
     * changes to 1, waits until a {@link #delete} waits for it, then makes {@code call}.
     */
    private final class CallbackAwaitingDelete {
        final AtomicReference<Thread> deleting = new AtomicReference<>();
        final AtomicReference<Object> seen = new AtomicReference<>();
        final long track;
        final Future<Ended<Integer>> dispatched;

        /** Returns once the callback runs. */
        CallbackAwaitingDelete(String key, CallbackCall call) throws InterruptedException {
            cmap.setUint32(key, 0);
            CountDownLatch inCallback = new CountDownLatch(1);
            track = track(key, (handle, n) -> {
                inCallback.countDown();
                Await.until(() -> TrackRegistryFrames.waitsForARunningCallback(deleting.get()), TIMEOUT,
                        () -> "trackDelete waits for this callback");
                seen.set(call.make(handle, key));
            });
            dispatched = endingAt(() -> cmap.dispatch(DispatchType.ONE));
            open().setUint32(key, 1);
            assertTrue(inCallback.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "the callback runs");
        }

        /** The completion action: deletes the tracking, noting on which thread. */
        void delete() {
            deleting.set(Thread.currentThread());
            cmap.trackDelete(track);
        }
    }

    /** What a callback does with its handle while a trackDelete waits for it. */
    enum CallbackCall {
        /** A synchronous call, which another thread's hold on the wire keeps back. */
        GET {
            @Override
            Object make(CmapHandle handle, String key) {
                return handle.get(key);
            }
        },
        /** The start of an iteration, which waits for another thread's hold to end. */
        ITERATE {
            @Override
            Object make(CmapHandle handle, String key) {
                try (CmapIterator keys = handle.iterate(key)) {
                    return keys.next().name();
                }
            }
        };

        abstract Object make(CmapHandle handle, String key);

        /** What {@link #make} returns for {@code key} holding the uint32 1. */
        Object expected(String key) {
            return this == ITERATE ? key : CmapValue.uint32(1);
        }
    }

    /**
     * As above, but the action runs on a thread starting an iteration, which reads the action's
     * answer while it waits for iter_init's, holding the wire (decision 0020). The callback's call
     * waited for the hold to end and the hold for the callback, for good before (found in review,
     * both transports). corosync is paused until that thread reads, so that it, not the response
     * thread, reads the answer.
     */
    @ParameterizedTest
    @EnumSource(CallbackCall.class)
    void aTrackDeleteInAnIteratingThreadsActionWaitsForACallbackThatCallsTheHandle(CallbackCall call)
            throws Exception {
        String key = key("deleted-while-iterating");
        CallbackAwaitingDelete callback = new CallbackAwaitingDelete(key, call);
        AtomicReference<Thread> iterating = new AtomicReference<>();
        AtomicReference<CompletableFuture<Void>> deleted = new AtomicReference<>();
        Future<Ended<Integer>> iterated;
        corosync.pause();
        try {
            iterated = endingAt(() -> {
                iterating.set(Thread.currentThread());
                // attached before the answer can arrive: whoever reads the answer runs the action
                deleted.set(cmap.getAsync(key).thenRun(callback::delete));
                int count = 0;
                try (CmapIterator keys = cmap.iterate(keyPrefix())) {
                    while (keys.hasNext()) {
                        keys.next();
                        count++;
                    }
                }
                return count;
            });
            Await.until(() -> PipelineFrames.readsWhileHoldingTheWire(iterating.get()), TIMEOUT,
                    () -> "the iterating thread holds the wire and reads");
        } finally {
            corosync.resume();
        }
        assertEquals(1, Expect.doneWithin(iterated, TIMEOUT.toMillis(),
                "iterate, whose thread's completion action deletes the tracking").value());
        assertSame(iterating.get(), callback.deleting.get(), "the iterating thread ran the action");
        Expect.done(deleted.get());
        assertEquals(1, Expect.done(callback.dispatched).value());
        assertEquals(call.expected(key), callback.seen.get(), "the callback's own call was answered");
    }

    /**
     * A non-blocking dispatch in a completion action meets the notification of a tracking whose
     * trackAdd answer is not read yet: the action's thread holds the receive lock, so only it can
     * read that answer, which the notification's listener waits for. It reads while it waits; the
     * two waited for each other for good before (found in review, both transports).
     */
    @Test
    void aDispatchInACompletionActionMeetsATrackingWhoseAnswerOnlyItsThreadCanRead() throws Exception {
        String key = key("tracked-during-action");
        cmap.setUint32(key, 0);
        CmapHandle writer = open();
        Recorder recorder = new Recorder();
        AtomicReference<Future<Ended<Long>>> added = new AtomicReference<>();
        CompletableFuture<Integer> dispatchedInAction;
        try (CmapBatch batch = cmap.batch()) {
            // attached before the answer can arrive: whoever reads the answer runs the action
            dispatchedInAction = batch.getAsync(key).thenApply(value -> {
                added.set(endingAt(() -> track(key, recorder))); // its answer comes behind this one
                return dispatchAChange(writer, key);
            });
        }

        assertEquals(1, Expect.doneWithin(dispatchedInAction, TIMEOUT.toMillis(),
                "the action's dispatch of the new tracking's notification"));
        long track = Expect.done(added.get()).value();
        assertEquals(1, recorder.size(), "the listener ran once");
        assertEquals(track, recorder.events().get(0).trackHandle(), "with the trackAdd's handle");
    }

    /**
     * As above, but the action runs inside that very trackAdd's wait: the thread calling trackAdd
     * reads the answer of its earlier request and runs its action, whose dispatch meets the new
     * tracking's first notification. The tracking was made known only once trackAdd's wait had
     * returned, which it could not before the action did: the listener waited for good (found
     * in review, both transports). corosync is paused until that thread reads, so that it, not
     * the response thread, reads both answers.
     */
    @Test
    void aDispatchInACompletionActionInsideTheTrackAddsOwnWaitMeetsItsFirstNotification() throws Exception {
        String key = key("tracked-around-action");
        cmap.setUint32(key, 0);
        CmapHandle writer = open();
        Recorder recorder = new Recorder();
        AtomicReference<Thread> adding = new AtomicReference<>();
        AtomicReference<CompletableFuture<Integer>> dispatchedInAction = new AtomicReference<>();
        Future<Ended<Long>> added;
        corosync.pause();
        try {
            added = endingAt(() -> {
                adding.set(Thread.currentThread());
                // attached before the answer can arrive: whoever reads the answer runs the action
                dispatchedInAction.set(cmap.getAsync(key).thenApply(value -> dispatchAChange(writer, key)));
                return track(key, recorder);
            });
            Await.until(() -> PipelineFrames.readsWhileCalling(adding.get(), "trackAdd"), TIMEOUT,
                    () -> "the thread calling trackAdd reads while it waits");
        } finally {
            corosync.resume();
        }

        long track = Expect.doneWithin(added, TIMEOUT.toMillis(),
                "trackAdd, whose thread's completion action dispatches its first notification").value();
        assertEquals(1, Expect.done(dispatchedInAction.get()), "the action's dispatch ran the listener");
        assertEquals(1, recorder.size(), "the listener ran once");
        assertEquals(track, recorder.events().get(0).trackHandle(), "with the trackAdd's handle");
    }

    /**
     * Changes {@code key} from {@code writer} until a non-blocking dispatch of the test's handle
     * meets a notification (corosync notifies only once it made the tracking); returns what that
     * dispatch ran, or 0 if none came within {@link #TIMEOUT}.
     */
    private int dispatchAChange(CmapHandle writer, String key) {
        long until = System.nanoTime() + TIMEOUT.toNanos();
        for (long change = 1; System.nanoTime() - until < 0; change++) {
            writer.setUint32(key, change);
            try {
                return cmap.dispatch(DispatchType.ONE_NONBLOCKING);
            } catch (CmapException e) {
                assertEquals(CsError.TRY_AGAIN, e.error(), "no notification yet");
            }
        }
        return 0;
    }

    @Test
    void aCallbackMayDispatchAgain() {
        String key = key("nested");
        Recorder recorder = new Recorder();
        int[] nested = new int[1];
        track(key, (handle, n) -> {
            recorder.onNotification(handle, n);
            if (recorder.size() == 1) {
                nested[0] = handle.dispatch(DispatchType.ALL);
            }
        });
        changes(key, 3);
        assertEquals(1, cmap.dispatch(DispatchType.ONE));
        assertEquals(2, nested[0], "the nested dispatch ran the two others");
        assertEquals(List.of(1L, 2L, 3L), values(recorder));
    }

    @Test
    void aListenersExceptionLeavesDispatchAndLaterNotificationsStillArrive() {
        String key = key("throws");
        Recorder recorder = new Recorder();
        track(key, (handle, n) -> {
            recorder.onNotification(handle, n);
            if (recorder.size() == 1) {
                throw new IllegalStateException("listener failed");
            }
        });
        changes(key, 3);
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> cmap.dispatch(DispatchType.ALL));
        assertEquals("listener failed", thrown.getMessage());
        assertEquals(2, cmap.dispatch(DispatchType.ALL));
        assertEquals(List.of(1L, 2L, 3L), values(recorder));
        assertTrue(cmap.isOpen());
    }

    @Test
    void dispatchOfNullIsInvalidParam() {
        cmapError(CsError.INVALID_PARAM, () -> cmap.dispatch(null));
    }

    // ---- fd ---------------------------------------------------------------------------------------

    @Test
    void fdBecomesReadableWhenANotificationWaitsAndNotAfterItWasDispatched() {
        String key = key("fd");
        Recorder recorder = new Recorder();
        track(key, recorder);
        int fd = cmap.fd();
        assertTrue(fd >= 0);
        assertEquals(fd, cmap.fd(), "the descriptor stays the same");
        assertNotEquals(fd, open().fd(), "each handle has its own descriptor");
        assertFalse(EventFdPoller.readable(fd, Duration.ZERO), "nothing waits yet");

        Future<Boolean> polled = threads(1).submit(() -> EventFdPoller.readable(fd, TIMEOUT));
        Expect.staysPending(polled, "poll() of fd() with nothing waiting");
        open().setUint32(key, 1);
        assertTrue(Expect.done(polled), "fd() became readable");
        assertEquals(1, cmap.dispatch(DispatchType.ALL));
        assertFalse(EventFdPoller.readable(fd, Duration.ZERO), "nothing waits after dispatch");
    }

    @Test
    void anEventLoopOnFdSeesEveryChange() {
        int count = 50;
        String key = key("loop");
        Recorder recorder = new Recorder();
        track(key, recorder);
        CmapHandle writer = open();
        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
            for (int i = 1; i <= count; i++) {
                writer.setUint32(key, i);
            }
        }, threads(1));
        // an application's poll loop: wait for fd(), then dispatch(ALL)
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (recorder.size() < count && System.nanoTime() < deadline) {
            if (EventFdPoller.readable(cmap.fd(), Duration.ofMillis(100))) {
                cmap.dispatch(DispatchType.ALL);
            }
        }
        Expect.done(writing);
        assertEquals(java.util.stream.LongStream.rangeClosed(1, count).boxed().toList(), values(recorder));
    }

    @Test
    void aPollOfFdWakesWhenTheHandleIsClosedFromAnotherThread() {
        track(key("pollclose"), new Recorder());
        int fd = cmap.fd();
        Future<Ended<Boolean>> polled = endingAt(() -> EventFdPoller.readable(fd, TIMEOUT));
        Expect.staysPending(polled, "poll() of fd() with nothing waiting");
        // on SHM it wakes readable (at its end), on the socket transport without POLLIN: it wakes
        closeAndAwait(polled, "poll() of fd()");
    }

    // ---- context ------------------------------------------------------------------------------------

    @Test
    void contextIsKeptAndVisibleToOtherThreadsAndCallbacks() throws Exception {
        Object context = new Object();
        cmap.setContext(context);
        assertSame(context, threads(1).submit(cmap::context).get());
        AtomicReference<Object> inCallback = new AtomicReference<>();
        String key = key("ctx");
        track(key, (handle, n) -> inCallback.set(handle.context()));
        changes(key, 1);
        cmap.dispatch(DispatchType.ALL);
        assertSame(context, inCallback.get());
    }

    // ---- close ----------------------------------------------------------------------------------------

    @Test
    void afterCloseEveryCallFailsWithBadHandleAndCloseIsIdempotent() {
        String key = key("closed");
        cmap.setUint8(key, 1);
        long track = track(key, new Recorder());
        CmapIterator iterator = cmap.iterate(keyPrefix());
        cmap.close();
        cmap.close();
        assertFalse(cmap.isOpen());

        Map<String, Executable> calls = new LinkedHashMap<>();
        calls.put("set", () -> cmap.set(key, CmapValue.uint8(2)));
        calls.put("setUint8", () -> cmap.setUint8(key, 2));
        calls.put("setString", () -> cmap.setString(key, "x"));
        calls.put("get", () -> cmap.get(key));
        calls.put("getUint8", () -> cmap.getUint8(key));
        calls.put("getInt64", () -> cmap.getInt64(key));
        calls.put("getDouble", () -> cmap.getDouble(key));
        calls.put("getString", () -> cmap.getString(key));
        calls.put("getBinary", () -> cmap.getBinary(key));
        calls.put("delete", () -> cmap.delete(key));
        calls.put("inc", () -> cmap.inc(key));
        calls.put("dec", () -> cmap.dec(key));
        calls.put("iterate", () -> cmap.iterate(""));
        calls.put("iterator.hasNext", iterator::hasNext);
        calls.put("trackAdd", () -> cmap.trackAdd(key, ADD_MODIFY, new Recorder()));
        calls.put("trackDelete", () -> cmap.trackDelete(track));
        for (DispatchType type : DispatchType.values()) {
            calls.put("dispatch(" + type + ")", () -> cmap.dispatch(type));
        }
        calls.put("dispatch(null)", () -> cmap.dispatch(null));
        calls.put("fd", cmap::fd);
        calls.put("context", cmap::context);
        calls.put("setContext", () -> cmap.setContext("x"));
        calls.forEach((name, call) -> {
            CmapException thrown = assertThrows(CmapException.class, call, name);
            assertEquals(CsError.BAD_HANDLE, thrown.error(), () -> name + ": " + thrown.getMessage());
        });
        Expect.asyncError(CsError.BAD_HANDLE, () -> cmap.getAsync(key));
        Expect.asyncError(CsError.BAD_HANDLE, () -> cmap.setAsync(key, CmapValue.uint8(3)));
        Expect.asyncError(CsError.BAD_HANDLE, () -> cmap.deleteAsync(key));
        Expect.asyncError(CsError.BAD_HANDLE, () -> cmap.incAsync(key));
        Expect.asyncError(CsError.BAD_HANDLE, () -> cmap.decAsync(key));
        iterator.close(); // closing an iterator of a closed handle is harmless
        cmap.close();
        assertEquals(CmapValue.uint8(1), open().get(key), "nothing reached corosync");
    }

    @Test
    void closingOneHandleLeavesOthersWorking() {
        CmapHandle other = open();
        String key = key("other");
        other.setUint8(key, 1);
        cmap.close();
        assertTrue(other.isOpen());
        assertEquals(1, other.getUint8(key));
        Recorder recorder = new Recorder();
        other.trackAdd(key, ADD_MODIFY, recorder);
        open().setUint8(key, 2);
        Await.dispatchUntil(other, () -> recorder.size() == 1, TIMEOUT, () -> "the other handle is notified");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(DispatchType.class)
    void closeFromACallbackEndsEveryDispatchType(DispatchType type) {
        String key = key("end");
        Recorder recorder = new Recorder();
        track(key, (handle, n) -> {
            recorder.onNotification(handle, n);
            handle.close();
        });
        changes(key, 2);
        assertEquals(1, Expect.doneWithin(threads(1).submit(() -> cmap.dispatch(type)), TIMEOUT.toMillis(),
                "dispatch(" + type + ") with a closing callback"));
        assertEquals(List.of(1L), values(recorder));
        assertFalse(cmap.isOpen());
    }
}
