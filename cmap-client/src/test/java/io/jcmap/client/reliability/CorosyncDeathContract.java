package io.jcmap.client.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.client.Cmap;
import io.jcmap.client.CmapException;
import io.jcmap.client.CmapHandle;
import io.jcmap.client.CmapIterator;
import io.jcmap.client.CmapValue;
import io.jcmap.client.CsError;
import io.jcmap.client.DispatchType;
import io.jcmap.client.TrackEvent;
import io.jcmap.client.it.EventFdPoller;
import io.jcmap.testkit.Corosync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue #7, fault 1: corosync dies (SIGKILL) while a thread dispatches, another waits for a
 * synchronous reply and asynchronous requests are in flight. Everything must end with
 * {@link CsError#LIBRARY} (libcmap's {@code qb_to_cs_error(-ENOTCONN)}) within 2 s of the kill,
 * and nothing of the connection may stay behind.
 *
 * <p>Run once per IPC transport by the concrete {@code *IT} classes.
 */
abstract class CorosyncDeathContract {
    static final Duration FAIL_WITHIN = Duration.ofSeconds(2);
    static final int ASYNC_REQUESTS = 1_000;
    private static final Duration SETTLE = Duration.ofSeconds(5);
    private static final String KEY = "rel.death.key";

    @AfterEach
    void restartCorosync(Corosync corosync) {
        if (corosync.isRunning()) {
            corosync.resume(); // harmless when it runs; wakes it when a failed test left it stopped
        } else {
            corosync.restart();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void killFailsDispatchSyncAndAsyncCallsWithLibraryAndLeaksNothing(Corosync corosync) {
        warmUp();
        Footprint baseline = Footprint.take(0);
        CmapHandle handle = Cmap.initialize();
        handle.setString(KEY, "alive");
        handle.trackAdd(KEY, EnumSet.of(TrackEvent.MODIFY), (h, n) -> { });

        corosync.pause();
        BlockingCall dispatcher = BlockingCall.start("dispatch(BLOCKING)", () -> handle.dispatch(DispatchType.BLOCKING));
        BlockingCall getter = BlockingCall.start("sync get", () -> handle.getString(KEY));
        dispatcher.awaitBlocked(SETTLE);
        getter.awaitBlocked(SETTLE);

        List<CompletableFuture<CmapValue>> async = new ArrayList<>(ASYNC_REQUESTS);
        AtomicLongArray completedAt = new AtomicLongArray(ASYNC_REQUESTS);
        for (int i = 0; i < ASYNC_REQUESTS; i++) {
            int index = i;
            async.add(handle.getAsync(KEY).whenComplete((v, e) -> completedAt.set(index, System.nanoTime())));
        }
        assertEquals(0, async.stream().filter(CompletableFuture::isDone).count(),
                "every asynchronous request waits for the stopped server, none is refused");
        assertTrue(getter.thread().isAlive() && dispatcher.thread().isAlive(), "both calls still wait");

        long serverPid = corosync.pid();
        long killedAt = System.nanoTime();
        corosync.kill();
        long deadlineNanos = killedAt + FAIL_WITHIN.toNanos();

        getter.awaitFailure(CsError.LIBRARY, remaining(deadlineNanos));
        dispatcher.awaitFailure(CsError.LIBRARY, remaining(deadlineNanos));
        for (CompletableFuture<CmapValue> future : async) {
            assertFailsWith(CsError.LIBRARY, future, remaining(deadlineNanos));
        }
        long latest = Math.max(getter.finishedAt(), dispatcher.finishedAt());
        for (int i = 0; i < ASYNC_REQUESTS; i++) {
            latest = Math.max(latest, completedAt.get(i));
        }
        long failMillis = TimeUnit.NANOSECONDS.toMillis(latest - killedAt);
        System.out.printf("[reliability] %s: kill -> %d async, 1 sync get, "
                + "1 dispatch all failed with LIBRARY within %d ms%n", getClass().getSimpleName(), ASYNC_REQUESTS,
                failMillis);
        assertTrue(failMillis <= FAIL_WITHIN.toMillis(), "all calls failed within " + failMillis + " ms");

        assertFalse(handle.isOpen(), "isOpen() after the server died");
        assertCmapError(CsError.LIBRARY, () -> handle.getString(KEY));
        assertCmapError(CsError.LIBRARY, () -> handle.dispatch(DispatchType.ALL));
        assertFailsWith(CsError.LIBRARY, handle.getAsync(KEY), FAIL_WITHIN);
        handle.close();
        // as with libcmap: the files the dead server made for us go with the connection, not at the next boot
        assertEquals(Set.of(), Footprint.take(serverPid).shmEntries(), "/dev/shm entries of the dead server for us");
        assertCmapError(CsError.BAD_HANDLE, () -> handle.getString(KEY));
        assertReleased(baseline);
    }

    /**
     * When dispatch itself reports the loss of a tracking handle's connection, it has taken the
     * notifications it held, and the connection goes at once: the dead server's files and the
     * descriptors do not wait for another dispatch or for close().
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aLossThatDispatchReportsReleasesTheConnectionAtOnce(Corosync corosync) {
        warmUp();
        Footprint baseline = Footprint.take(0);
        try (CmapHandle handle = Cmap.initialize()) {
            handle.trackAdd(KEY, EnumSet.of(TrackEvent.MODIFY), (h, n) -> { });
            long serverPid = corosync.pid();
            assertFalse(Footprint.take(serverPid).shmEntries().isEmpty(), "the connection's files while it is open");
            corosync.kill();
            assertCmapError(CsError.LIBRARY, () -> handle.dispatch(DispatchType.ONE));
            // the handle is still open; its lost connection is not
            assertEquals(Set.of(), Footprint.take(serverPid).shmEntries(), "/dev/shm entries of the dead server for us");
            assertReleased(baseline);
        }
    }

    /**
     * Handles used only by the dispatch types that never wait learn of the death from their next
     * look, as an application's poll loop calls them: on SHM dispatch(ALL) returned 0 and
     * ONE_NONBLOCKING threw TRY_AGAIN for ever, while the hang-up kept the descriptor readable.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void dispatchersThatNeverWaitLearnOfTheDeathWithLibrary(Corosync corosync) {
        try (CmapHandle all = Cmap.initialize(); CmapHandle nonblocking = Cmap.initialize()) {
            all.trackAdd(KEY, EnumSet.of(TrackEvent.MODIFY), (h, n) -> { });
            nonblocking.trackAdd(KEY, EnumSet.of(TrackEvent.MODIFY), (h, n) -> { });
            assertEquals(0, all.dispatch(DispatchType.ALL));
            assertCmapError(CsError.TRY_AGAIN, () -> nonblocking.dispatch(DispatchType.ONE_NONBLOCKING));
            corosync.kill();
            Conditions.await(() -> failsWithLibrary(() -> all.dispatch(DispatchType.ALL)), FAIL_WITHIN,
                    () -> "dispatch(ALL) reports the death");
            Conditions.await(() -> failsWithLibrary(() -> nonblocking.dispatch(DispatchType.ONE_NONBLOCKING)),
                    FAIL_WITHIN, () -> "dispatch(ONE_NONBLOCKING) reports the death");
            assertFalse(all.isOpen());
            assertFalse(nonblocking.isOpen());
        }
    }

    /**
     * An application's poll loop on {@code fd()} wakes when corosync dies, and its dispatch then
     * reports the death. On the socket transport the event socket alone never became readable
     * (libcmap's descriptor does not either): the loop slept through the death.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aPollLoopOnTheDescriptorWakesWhenCorosyncDies(Corosync corosync) throws Exception {
        try (CmapHandle handle = Cmap.initialize()) {
            handle.trackAdd(KEY, EnumSet.of(TrackEvent.MODIFY), (h, n) -> { });
            int fd = handle.fd();
            assertFalse(EventFdPoller.readable(fd, Duration.ZERO), "nothing to dispatch yet");
            CompletableFuture<Boolean> woken = CompletableFuture.supplyAsync(
                    () -> EventFdPoller.readable(fd, SETTLE), Thread::startVirtualThread);
            corosync.kill();
            assertTrue(woken.get(FAIL_WITHIN.toMillis(), TimeUnit.MILLISECONDS),
                    "the poll saw the descriptor readable");
            assertCmapError(CsError.LIBRARY, () -> handle.dispatch(DispatchType.ALL));
            assertFalse(handle.isOpen());
        }
    }

    /**
     * Notifications that had reached the client before corosync died are delivered even when a
     * call of another thread notices the death first; then dispatch reports it. Before, that
     * call closed the connection with them inside: 0 of 100 were delivered (stress round 5).
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void notificationsReceivedBeforeTheDeathAreDeliveredWhenACallNoticesItFirst(Corosync corosync) {
        int changes = 100;
        List<String> received = new ArrayList<>();
        try (CmapHandle tracker = Cmap.initialize(); CmapHandle writer = Cmap.initialize()) {
            tracker.trackAdd("rel.drain.", EnumSet.of(TrackEvent.ADD, TrackEvent.PREFIX),
                    (h, n) -> received.add(n.key()));
            for (int i = 0; i < changes; i++) {
                writer.setUint32(String.format("rel.drain.%03d", i), i); // answered after its notification went out
            }
            corosync.kill();
            assertCmapError(CsError.LIBRARY, () -> tracker.getUint64("totem.config_version"));
            assertFalse(tracker.isOpen());
            assertCmapError(CsError.LIBRARY, tracker::fd);
            assertCmapError(CsError.LIBRARY, () -> {
                for (int call = 0; call < 1_000; call++) {
                    tracker.dispatch(DispatchType.ALL); // delivers what had arrived, then reports the death
                }
            });
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < changes; i++) {
            expected.add(String.format("rel.drain.%03d", i));
        }
        assertEquals(expected, received);
    }

    /** Whether {@code call} fails with LIBRARY; false when it returns or fails otherwise (TRY_AGAIN). */
    private static boolean failsWithLibrary(Runnable call) {
        try {
            call.run();
            return false;
        } catch (CmapException e) {
            return e.error() == CsError.LIBRARY;
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void killUnderTrafficEndsEveryThreadWithLibrary(Corosync corosync) {
        warmUp();
        Footprint baseline = Footprint.take(0);
        CmapHandle handle = Cmap.initialize();
        AtomicInteger notifications = new AtomicInteger();
        handle.trackAdd("rel.traffic.", EnumSet.of(TrackEvent.ADD, TrackEvent.MODIFY, TrackEvent.PREFIX),
                (h, n) -> notifications.incrementAndGet());
        BlockingCall dispatcher = BlockingCall.start("dispatch loop", () -> dispatchUntilFailure(handle));
        TryAgain tryAgain = new TryAgain();
        List<BlockingCall> workers = new ArrayList<>();
        AtomicInteger operations = new AtomicInteger();
        for (int t = 0; t < 4; t++) {
            String key = "rel.traffic.t" + t;
            workers.add(BlockingCall.start("worker " + t, () -> work(handle, key, operations, tryAgain)));
        }
        BlockingCall asyncWorker = BlockingCall.start("async worker", () -> workAsync(handle, operations));
        Conditions.await(() -> operations.get() > 2_000 && notifications.get() > 500, Duration.ofSeconds(20),
                () -> "traffic flows (" + operations.get() + " operations, " + notifications.get() + " notifications)");

        long killedAt = System.nanoTime();
        corosync.kill();
        long deadlineNanos = killedAt + FAIL_WITHIN.toNanos();
        for (BlockingCall worker : workers) {
            worker.awaitFailure(CsError.LIBRARY, remaining(deadlineNanos));
        }
        asyncWorker.awaitFailure(CsError.LIBRARY, remaining(deadlineNanos));
        dispatcher.awaitFailure(CsError.LIBRARY, remaining(deadlineNanos));
        System.out.printf("[reliability] %s: kill under traffic after %d operations, %d notifications: "
                + "every thread ended with LIBRARY within %d ms%n", getClass().getSimpleName(), operations.get(),
                notifications.get(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
        assertFalse(handle.isOpen());
        handle.close();
        assertReleased(baseline);
    }

    /**
     * An iteration that failed because corosync died is closed without a second failure: its
     * finalize is only sent, its failure dropped (CmapIterator.close). The send itself failed on
     * the dead connection, and close() threw that (a review, 2026-12-07).
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anIterationThatCorosyncsDeathEndedClosesQuietly(Corosync corosync) {
        try (CmapHandle handle = Cmap.initialize()) {
            for (int i = 0; i < 300; i++) {
                handle.setUint32(KEY + ".it" + i, i);
            }
            CmapIterator iterator = handle.iterate(KEY + ".it");
            iterator.next();
            corosync.kill();
            CmapException ended = assertThrows(CmapException.class, () -> {
                while (iterator.hasNext()) {
                    iterator.next();
                }
            });
            assertEquals(CsError.LIBRARY, ended.error());
            iterator.close();
            assertFalse(iterator.hasNext(), "a closed iterator has nothing more");
            assertEquals(CsError.LIBRARY, assertThrows(CmapException.class, () -> handle.getUint32(KEY)).error());
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void initializeWithoutServerFailsWithLibrary(Corosync corosync) {
        corosync.kill();
        long start = System.nanoTime();
        assertCmapError(CsError.LIBRARY, Cmap::initialize);
        assertTrue(System.nanoTime() - start < FAIL_WITHIN.toNanos(), "initialize without a server fails at once");
    }

    /** One connection before the baseline, so that lazily loaded classes and libraries do not count. */
    private static void warmUp() {
        try (CmapHandle handle = Cmap.initialize()) {
            handle.getAsync("totem.cluster_name").join();
        }
    }

    private static Object dispatchUntilFailure(CmapHandle handle) {
        while (true) {
            handle.dispatch(DispatchType.BLOCKING);
        }
    }

    private static Object work(CmapHandle handle, String key, AtomicInteger operations, TryAgain tryAgain) {
        for (long i = 0; ; i++) {
            long value = i;
            tryAgain.run(() -> handle.setUint64(key, value));
            assertEquals(i, tryAgain.call(() -> handle.getUint64(key)));
            operations.addAndGet(2);
        }
    }

    private static Object workAsync(CmapHandle handle, AtomicInteger operations) {
        for (long i = 0; ; i++) {
            List<CompletableFuture<?>> batch = new ArrayList<>();
            for (int j = 0; j < 8; j++) {
                batch.add(handle.setAsync("rel.traffic.async" + j, CmapValue.uint64(i)));
            }
            for (CompletableFuture<?> future : batch) {
                try {
                    future.join();
                } catch (CompletionException e) {
                    if (e.getCause() instanceof CmapException cmap && cmap.error() == CsError.TRY_AGAIN) {
                        continue; // flow control raised by corosync: not sent
                    }
                    throw e.getCause() instanceof CmapException cmap ? cmap : e;
                }
                operations.incrementAndGet();
            }
        }
    }

    static void assertReleased(Footprint baseline) {
        Conditions.holdsWithin(() -> Footprint.take(0).withinBaseline(baseline), SETTLE);
        Footprint after = Footprint.take(0);
        assertTrue(after.withinBaseline(baseline), "resources back to the baseline " + baseline + ", now " + after);
    }

    static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime()));
    }

    static CmapException assertFailsWith(CsError expected, CompletableFuture<?> future, Duration timeout) {
        Throwable cause;
        try {
            Object value = future.get(Math.max(1, timeout.toNanos()), TimeUnit.NANOSECONDS);
            throw new AssertionError("expected " + expected + " but completed with " + value);
        } catch (java.util.concurrent.ExecutionException e) {
            cause = e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("still not completed after " + timeout.toMillis() + " ms, expected " + expected);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        CmapException thrown = assertInstanceOf(CmapException.class, cause, () -> "failure " + cause);
        assertEquals(expected, thrown.error(), thrown::getMessage);
        return thrown;
    }

    static CmapException assertCmapError(CsError expected, org.junit.jupiter.api.function.Executable call) {
        CmapException thrown = assertThrows(CmapException.class, call);
        assertEquals(expected, thrown.error(), thrown::getMessage);
        return thrown;
    }
}
