package io.jcmap.client.reliability;

import static io.jcmap.client.reliability.CorosyncDeathContract.assertCmapError;
import static io.jcmap.client.reliability.CorosyncDeathContract.assertFailsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcmap.client.Cmap;
import io.jcmap.client.CmapException;
import io.jcmap.client.CmapHandle;
import io.jcmap.client.CmapIterator;
import io.jcmap.client.CmapMap;
import io.jcmap.client.CmapNotification;
import io.jcmap.client.CmapOptions;
import io.jcmap.client.CmapValue;
import io.jcmap.client.CsError;
import io.jcmap.client.DispatchType;
import io.jcmap.client.ReconnectListener;
import io.jcmap.client.ReconnectPolicy;
import io.jcmap.client.TrackEvent;
import io.jcmap.client.it.CorosyncEndpoint;
import io.jcmap.client.reliability.ReconnectLog.Entry;
import io.jcmap.client.reliability.ReconnectLog.Kind;
import io.jcmap.testkit.Corosync;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue #7, fault 3: corosync restarts. With {@link CmapOptions.Builder#reconnect} the handle
 * reconnects with doubling back-off, registers every tracking again (the application's track
 * handles keep delivering) and tells its {@link io.jcmap.client.ReconnectListener}; calls during
 * the outage fail at once with {@link CsError#LIBRARY}, a blocking dispatch waits. Without
 * reconnect the handle reports itself closed. Notifications of changes made during the outage
 * are not replayed.
 *
 * <p>Run once per IPC transport by the concrete {@code *IT} classes.
 */
abstract class ReconnectContract {
    static final Duration INITIAL_BACKOFF = Duration.ofMillis(50);
    static final Duration MAX_BACKOFF = Duration.ofMillis(400);
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Set<TrackEvent> ALL_EVENTS = EnumSet.of(TrackEvent.ADD, TrackEvent.MODIFY, TrackEvent.DELETE,
            TrackEvent.PREFIX);
    private static final String PREFIX = "rel.reconnect.";

    /** The instance of the running test, for {@link #options()}. */
    private Corosync corosync;

    @BeforeEach
    void rememberCorosync(Corosync instance) {
        corosync = instance;
    }

    /** Options reaching this corosync, also when it serves CMAP on a socket file. */
    private CmapOptions.Builder options() {
        return CorosyncEndpoint.options(corosync);
    }

    private CmapHandle open() {
        return Cmap.initialize(CmapMap.ICMAP, options().build());
    }

    @AfterEach
    void restartCorosync(Corosync corosync) {
        if (corosync.isRunning()) {
            corosync.resume();
        } else {
            corosync.restart();
        }
    }

    private CmapHandle reconnecting(ReconnectLog log) {
        CmapOptions options = options()
                .reconnect(new ReconnectPolicy(INITIAL_BACKOFF, MAX_BACKOFF, log)).build();
        return Cmap.initialize(CmapMap.ICMAP, options);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void restartReconnectsAndEveryTrackKeepsDelivering(Corosync corosync) {
        warmUp();
        Footprint baseline = Footprint.take(0);
        ReconnectLog log = new ReconnectLog();
        NotificationLog notifications = new NotificationLog();
        CmapHandle handle = reconnecting(log);
        long prefixTrack = handle.trackAdd(PREFIX, ALL_EVENTS, notifications);
        long keyTrack = handle.trackAdd(PREFIX + "exact", EnumSet.of(TrackEvent.ADD, TrackEvent.MODIFY), notifications);
        BlockingCall dispatcher = BlockingCall.start("dispatch(BLOCKING)", () -> handle.dispatch(DispatchType.BLOCKING));
        handle.setUint64(PREFIX + "before", 1);
        notifications.await(prefixTrack, PREFIX + "before", WAIT);

        long restartedAt = System.nanoTime();
        corosync.restart();
        long serverBackAt = System.nanoTime();
        Conditions.await(() -> log.count(Kind.RECONNECTED) == 1, WAIT, () -> "reconnected, listener saw " + log.entries());
        Entry reconnected = log.of(Kind.RECONNECTED).getFirst();
        assertEquals(Kind.DISCONNECTED, log.entries().getFirst().kind(), "told of the loss first: " + log.entries());
        assertEquals(1, log.count(Kind.DISCONNECTED));
        assertEquals(CsError.LIBRARY, log.entries().getFirst().cause().error());
        assertEquals(log.count(Kind.RECONNECT_FAILED) + 1, reconnected.attempt(), "attempts counted: " + log.entries());
        assertTrue(dispatcher.thread().isAlive() && !dispatcher.isFinished(), "the blocking dispatch waited through it");
        assertTrue(handle.isOpen(), "open again");

        // the same track handles deliver, for changes by another handle and by this one
        try (CmapHandle writer = open()) {
            writer.setUint64(PREFIX + "after", 2);
            writer.setString(PREFIX + "exact", "x");
        }
        assertEquals(TrackEvent.ADD, notifications.await(prefixTrack, PREFIX + "after", WAIT).event());
        notifications.await(keyTrack, PREFIX + "exact", WAIT);
        assertEquals(2, handle.getUint64(PREFIX + "after"));
        handle.setString(PREFIX + "exact", "y");
        Conditions.await(() -> countOf(notifications, keyTrack, PREFIX + "exact") == 2, WAIT,
                () -> "second notification of exact: " + notifications.received());

        // deleting a tracking uses its new server-side handle: no more notifications from it
        handle.trackDelete(keyTrack);
        handle.setString(PREFIX + "exact", "z");
        handle.setUint64(PREFIX + "sentinel", 3);
        notifications.await(prefixTrack, PREFIX + "sentinel", WAIT);
        assertEquals(2, countOf(notifications, keyTrack, PREFIX + "exact"), "deleted track stays silent");
        // the restarted corosync started from its configuration: the key set before is gone, and
        // no DELETE of it was (or could be) reported, since nothing of the outage is replayed
        assertCmapError(CsError.NOT_EXIST, () -> handle.getUint64(PREFIX + "before"));
        assertEquals(1, countOf(notifications, prefixTrack, PREFIX + "before"), "only the ADD before the restart");
        System.out.printf("[reliability] %s: restart took %d ms; reconnected %d ms after the server was back, "
                        + "after %d attempt(s); 2 tracks re-registered and delivering%n", getClass().getSimpleName(),
                TimeUnit.NANOSECONDS.toMillis(serverBackAt - restartedAt),
                TimeUnit.NANOSECONDS.toMillis(reconnected.atNanos() - serverBackAt), reconnected.attempt());

        handle.close();
        dispatcher.awaitResult(WAIT);
        CorosyncDeathContract.assertReleased(baseline);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void duringAnOutageCallsFailAtOnceAndAttemptsBackOffUntilTheServerReturns(Corosync corosync) {
        ReconnectLog log = new ReconnectLog();
        NotificationLog notifications = new NotificationLog();
        CmapHandle handle = reconnecting(log);
        long track = handle.trackAdd(PREFIX, ALL_EVENTS, notifications);
        BlockingCall dispatcher = BlockingCall.start("dispatch(BLOCKING)", () -> handle.dispatch(DispatchType.BLOCKING));
        try {
            dispatcher.awaitBlocked(WAIT);
            corosync.kill();
            Conditions.await(() -> log.count(Kind.DISCONNECTED) == 1, WAIT, () -> "loss noticed: " + log.entries());
            assertFalse(handle.isOpen(), "not open while disconnected");

            long start = System.nanoTime();
            assertCmapError(CsError.LIBRARY, () -> handle.getUint64(PREFIX + "x"));
            assertCmapError(CsError.LIBRARY, () -> handle.set(PREFIX + "x", CmapValue.uint64(1)));
            assertFailsWith(CsError.LIBRARY, handle.getAsync(PREFIX + "x"), Duration.ofSeconds(2));
            assertCmapError(CsError.LIBRARY, () -> handle.trackAdd(PREFIX + "y", ALL_EVENTS, notifications));
            long failMicros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);

            int failures = 5;
            Conditions.await(() -> log.count(Kind.RECONNECT_FAILED) >= failures, WAIT,
                    () -> failures + " failed attempts: " + log.entries());
            List<Entry> failed = log.of(Kind.RECONNECT_FAILED);
            assertBacksOff(failed);
            assertFalse(dispatcher.isFinished(), "the blocking dispatch waits for the reconnection");

            corosync.restart();
            long backAt = System.nanoTime();
            Conditions.await(() -> log.count(Kind.RECONNECTED) == 1, WAIT, () -> "reconnected: " + log.entries());
            Entry reconnected = log.of(Kind.RECONNECTED).getFirst();
            assertTrue(reconnected.attempt() > failures);
            assertTrue(handle.isOpen());
            handle.setUint64(PREFIX + "back", 7);
            CmapNotification back = notifications.await(track, PREFIX + "back", WAIT);
            assertEquals(CmapValue.uint64(7), back.newValue());
            assertFalse(notifications.has(track, PREFIX + "x"), "nothing of the outage is invented");
            System.out.printf("[reliability] %s: during the outage 4 calls failed with LIBRARY in %d us total; "
                            + "%d failed attempts with delays %s; reconnected %d ms after the server was back%n",
                    getClass().getSimpleName(), failMicros, log.count(Kind.RECONNECT_FAILED),
                    log.of(Kind.RECONNECT_FAILED).stream().map(e -> e.nextDelay().toMillis()).toList(),
                    TimeUnit.NANOSECONDS.toMillis(reconnected.atNanos() - backAt));
        } finally {
            handle.close();
        }
        dispatcher.awaitResult(WAIT);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anIdleHandleNoticesTheLossAtItsNextCallAndThenReconnects(Corosync corosync) {
        ReconnectLog log = new ReconnectLog();
        NotificationLog notifications = new NotificationLog();
        try (CmapHandle handle = reconnecting(log)) {
            long track = handle.trackAdd(PREFIX, ALL_EVENTS, notifications);
            corosync.restart();
            // nothing reads the connection, so the first call is what finds the server gone
            assertCmapError(CsError.LIBRARY, () -> handle.getUint64("totem.config_version"));
            Conditions.await(() -> log.count(Kind.RECONNECTED) == 1, WAIT, () -> "reconnected: " + log.entries());
            handle.setUint64(PREFIX + "idle", 5);
            assertEquals(5, handle.getUint64(PREFIX + "idle"));
            Conditions.await(() -> {
                handle.dispatch(DispatchType.ALL);
                return notifications.has(track, PREFIX + "idle");
            }, WAIT, () -> "notification after reconnect: " + notifications.received());
        }
    }

    /**
     * A handle used only by dispatch(ALL), as an application's poll loop does: its look finds the
     * server gone, so the reconnect starts. On SHM it used to return 0 for ever (the hang-up keeps
     * the descriptor readable: a busy loop) and the handle never reconnected.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aHandleThatOnlyDispatchesAllNoticesTheLossAndReconnects(Corosync corosync) {
        ReconnectLog log = new ReconnectLog();
        NotificationLog notifications = new NotificationLog();
        try (CmapHandle handle = reconnecting(log); CmapHandle writer = open()) {
            long track = handle.trackAdd(PREFIX, ALL_EVENTS, notifications);
            corosync.kill();
            Conditions.await(() -> {
                handle.dispatch(DispatchType.ALL);
                return log.count(Kind.DISCONNECTED) == 1;
            }, WAIT, () -> "dispatch(ALL) noticed the loss: " + log.entries());
            corosync.restart();
            Conditions.await(() -> log.count(Kind.RECONNECTED) == 1, WAIT, () -> "reconnected: " + log.entries());
            try (CmapHandle later = open()) {
                later.setUint64(PREFIX + "dispatched", 6);
            }
            Conditions.await(() -> {
                handle.dispatch(DispatchType.ALL);
                return notifications.has(track, PREFIX + "dispatched");
            }, WAIT, () -> "notification after reconnect: " + notifications.received());
        }
    }

    /**
     * onReconnected re-reads a key, as the docs advise, and that call finds corosync gone again,
     * which starts the next round on a new thread while the first is still in the listener. A
     * close then ends that round at once, and no listener call follows. Before, the first thread
     * unregistered the second on its way out, and the second lived on to the end of its back-off
     * (about 4 s in stress round 5) and could report a failed attempt after the close.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void closeEndsARoundStartedFromTheListenerAndNothingIsReportedAfterIt(Corosync corosync) {
        ReconnectLog log = new ReconnectLog();
        AtomicReference<CmapHandle> self = new AtomicReference<>();
        AtomicBoolean loseAgain = new AtomicBoolean(true);
        ReconnectListener listener = new ReconnectListener() {
            @Override
            public void onDisconnected(CmapException cause) {
                log.onDisconnected(cause);
            }

            @Override
            public void onReconnectFailed(int attempt, CmapException cause, Duration nextDelay) {
                log.onReconnectFailed(attempt, cause, nextDelay);
            }

            @Override
            public void onReconnected(int attempts) {
                log.onReconnected(attempts);
                if (loseAgain.getAndSet(false)) {
                    corosync.kill();
                    assertCmapError(CsError.LIBRARY, () -> self.get().getUint64("totem.config_version"));
                }
            }
        };
        // back-offs long enough that a round nobody can wake outlives the close by seconds
        CmapOptions options = options()
                .reconnect(new ReconnectPolicy(Duration.ofSeconds(2), Duration.ofSeconds(5), listener)).build();
        CmapHandle handle = Cmap.initialize(CmapMap.ICMAP, options);
        self.set(handle);
        corosync.restart();
        assertCmapError(CsError.LIBRARY, () -> handle.getUint64("totem.config_version"));
        Conditions.await(() -> log.count(Kind.DISCONNECTED) == 2, WAIT,
                () -> "the listener's own call lost the new connection: " + log.entries());
        handle.close();
        int reported = log.entries().size();
        Conditions.await(() -> reconnectThreads().isEmpty(), Duration.ofSeconds(1),
                () -> "reconnect threads alive after close: " + reconnectThreads());
        assertEquals(reported, log.entries().size(), () -> "listener calls after close: " + log.entries());
    }

    private static List<String> reconnectThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("jcmap-reconnect-")).toList();
    }

    /**
     * An iterator opened before a reconnect lived on the lost connection. It hands out the keys
     * it had fetched, then fails with LIBRARY without asking the server, and closes quietly; an
     * iterator of the new connection lists all its keys. Before, the old iterator's requests went
     * to the new connection, where corosync answered BAD_HANDLE, which says the handle is closed.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anIteratorFromBeforeAReconnectFailsWithLibraryAndLeavesTheNewConnectionsAlone(Corosync corosync) {
        ReconnectLog log = new ReconnectLog();
        try (CmapHandle handle = reconnecting(log)) {
            List<String> keys = IntStream.range(0, 20)
                    .mapToObj(i -> String.format("%siter.%02d", PREFIX, i)).toList();
            keys.forEach(key -> handle.setUint32(key, 1));
            CmapIterator stale = handle.iterate(PREFIX + "iter.");
            corosync.restart();
            assertCmapError(CsError.LIBRARY, () -> handle.getUint64("totem.config_version"));
            Conditions.await(() -> log.count(Kind.RECONNECTED) == 1, WAIT, () -> "reconnected: " + log.entries());
            keys.forEach(key -> handle.setUint32(key, 2));
            try (CmapIterator fresh = handle.iterate(PREFIX + "iter.")) {
                CmapException failure = assertThrows(CmapException.class, () -> {
                    while (stale.hasNext()) { // fails once what it had fetched is used up
                        stale.next();
                    }
                }, "the stale iterator ended as if its connection were alive");
                assertEquals(CsError.LIBRARY, failure.error(), failure::getMessage);
                stale.close();
                List<String> listed = new ArrayList<>();
                fresh.forEachRemaining(key -> listed.add(key.name()));
                assertEquals(keys, listed);
            }
        }
    }

    /**
     * Notifications that had reached the client before the loss come first after a reconnect,
     * even when a call noticed the loss and the new connection was installed before anyone
     * dispatched; then those of the new connection. Before, the call closed the old connection
     * with them inside.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void notificationsReceivedBeforeALossAreDeliveredBeforeTheNewConnections(Corosync corosync) {
        ReconnectLog log = new ReconnectLog();
        List<String> received = new CopyOnWriteArrayList<>();
        try (CmapHandle tracker = reconnecting(log)) {
            tracker.trackAdd(PREFIX + "drain.", ALL_EVENTS, (h, n) -> received.add(n.key()));
            try (CmapHandle writer = open()) {
                for (int i = 0; i < 50; i++) {
                    writer.setUint32(PREFIX + "drain.old." + i, i);
                }
            }
            corosync.restart();
            assertCmapError(CsError.LIBRARY, () -> tracker.getUint64("totem.config_version"));
            Conditions.await(() -> log.count(Kind.RECONNECTED) == 1, WAIT, () -> "reconnected: " + log.entries());
            try (CmapHandle writer = open()) {
                writer.setUint32(PREFIX + "drain.new", 1);
            }
            Conditions.await(() -> {
                tracker.dispatch(DispatchType.ALL);
                return received.contains(PREFIX + "drain.new");
            }, WAIT, () -> "the new connection's notification: " + received.size() + " received");
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            expected.add(PREFIX + "drain.old." + i);
        }
        expected.add(PREFIX + "drain.new");
        assertEquals(expected, received);
    }

    /**
     * A {@link ReconnectListener} that leaves the reconnect thread interrupted (code restoring a
     * status it caught) must not make that thread spin through its back-off: before, each park
     * returned at once, and a core was busy for as long as corosync stayed away (stress round h9).
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aListenerLeavingTheReconnectThreadInterruptedDoesNotMakeItSpin(Corosync corosync) throws Exception {
        AtomicReference<Thread> reconnectThread = new AtomicReference<>();
        ReconnectLog log = new ReconnectLog().then(Kind.DISCONNECTED, () -> {
            reconnectThread.set(Thread.currentThread());
            Thread.currentThread().interrupt();
        });
        CmapOptions options = options().reconnect(new ReconnectPolicy(INITIAL_BACKOFF, MAX_BACKOFF, log)).build();
        try (CmapHandle handle = Cmap.initialize(CmapMap.ICMAP, options)) {
            corosync.kill();
            assertCmapError(CsError.LIBRARY, () -> handle.getUint64("totem.config_version"));
            Conditions.await(() -> log.count(Kind.RECONNECT_FAILED) >= 1, WAIT, () -> "a failed attempt: " + log.entries());
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long before = threads.getThreadCpuTime(reconnectThread.get().threadId());
            Thread.sleep(1000);
            long spentMillis = (threads.getThreadCpuTime(reconnectThread.get().threadId()) - before) / 1_000_000;
            assertTrue(spentMillis < 200, "the reconnect thread used " + spentMillis + " ms of CPU in 1 s of backing off");
            corosync.restart();
            Conditions.await(() -> log.count(Kind.RECONNECTED) == 1, WAIT, () -> "reconnected: " + log.entries());
        }
    }

    /**
     * A {@link ReconnectListener} that throws an Error (an assert of the application's, a
     * StackOverflowError) is a failed listener like one that throws a RuntimeException: the
     * handle reconnects all the same. Before, the Error ended the reconnect thread with the round
     * marked running, and the handle never reconnected (stress round h9).
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aListenerThrowingAnErrorDoesNotStopReconnecting(Corosync corosync) {
        ReconnectLog log = new ReconnectLog()
                .then(Kind.DISCONNECTED, () -> {
                    throw new AssertionError("the application's listener failed");
                })
                .then(Kind.RECONNECT_FAILED, () -> {
                    throw new StackOverflowError("the application's listener recursed without end");
                });
        CmapOptions options = options().reconnect(new ReconnectPolicy(INITIAL_BACKOFF, MAX_BACKOFF, log)).build();
        try (CmapHandle handle = Cmap.initialize(CmapMap.ICMAP, options)) {
            corosync.kill();
            assertCmapError(CsError.LIBRARY, () -> handle.getUint64("totem.config_version"));
            // attempts go on after the listener's StackOverflowError, as after its AssertionError
            Conditions.await(() -> log.count(Kind.RECONNECT_FAILED) >= 2, WAIT, () -> "failed attempts: " + log.entries());
            corosync.restart();
            Conditions.await(() -> log.count(Kind.RECONNECTED) == 1, WAIT, () -> "reconnected: " + log.entries());
            assertTrue(handle.isOpen());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void withoutReconnectTheHandleReportsClosedAndStaysSo(Corosync corosync) {
        warmUp();
        Footprint baseline = Footprint.take(0);
        CmapHandle handle = open();
        handle.trackAdd(PREFIX, ALL_EVENTS, new NotificationLog());
        BlockingCall dispatcher = BlockingCall.start("dispatch(BLOCKING)", () -> handle.dispatch(DispatchType.BLOCKING));
        dispatcher.awaitBlocked(WAIT);
        corosync.restart();
        dispatcher.awaitFailure(CsError.LIBRARY, WAIT);
        assertFalse(handle.isOpen(), "closed after the server went away");
        // the server is back, but this handle's connection is gone for good
        assertCmapError(CsError.LIBRARY, () -> handle.getUint64("totem.config_version"));
        assertFailsWith(CsError.LIBRARY, handle.getAsync("totem.config_version"), Duration.ofSeconds(2));
        assertFalse(handle.isOpen());
        handle.close();
        assertCmapError(CsError.BAD_HANDLE, () -> handle.getUint64("totem.config_version"));
        CorosyncDeathContract.assertReleased(baseline);
    }

    /**
     * A track_delete that timed out while corosync was stopped is still executed when corosync
     * runs again: the tracking is over, and a reconnect must not register it again.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aTrackDeleteThatTimedOutStaysDeletedAcrossAReconnect(Corosync corosync) {
        ReconnectLog log = new ReconnectLog();
        NotificationLog notifications = new NotificationLog();
        CmapOptions options = options().requestTimeout(Duration.ofMillis(400))
                .reconnect(new ReconnectPolicy(INITIAL_BACKOFF, MAX_BACKOFF, log)).build();
        try (CmapHandle handle = Cmap.initialize(CmapMap.ICMAP, options)) {
            Set<TrackEvent> changes = EnumSet.of(TrackEvent.ADD, TrackEvent.MODIFY);
            long deleted = handle.trackAdd(PREFIX + "deleted", changes, notifications);
            long kept = handle.trackAdd(PREFIX + "kept", changes, notifications);
            BlockingCall dispatcher = BlockingCall.start("dispatch(BLOCKING)",
                    () -> handle.dispatch(DispatchType.BLOCKING)); // also what notices the restart
            corosync.pause();
            assertCmapError(CsError.TIMEOUT, () -> handle.trackDelete(deleted));
            corosync.restart();
            Conditions.await(() -> log.count(Kind.RECONNECTED) == 1, WAIT, () -> "reconnected, listener saw "
                    + log.entries());
            try (CmapHandle setter = open()) {
                setter.setUint64(PREFIX + "deleted", 1);
                setter.setUint64(PREFIX + "kept", 1); // notified after the other, were it still tracked
            }
            notifications.await(kept, PREFIX + "kept", WAIT);
            assertFalse(notifications.has(deleted, PREFIX + "deleted"),
                    "the deleted tracking came back with the reconnect: " + notifications.received());
            assertTrue(dispatcher.thread().isAlive(), "the dispatch still runs");
        }
    }

    /** Delays double from the initial back-off up to the maximum, and attempts really are that far apart. */
    private static void assertBacksOff(List<Entry> failed) {
        Duration expected = INITIAL_BACKOFF;
        for (int i = 0; i < failed.size(); i++) {
            expected = expected.multipliedBy(2).compareTo(MAX_BACKOFF) <= 0 ? expected.multipliedBy(2) : MAX_BACKOFF;
            Entry entry = failed.get(i);
            assertEquals(i + 1, entry.attempt());
            assertEquals(expected, entry.nextDelay(), "delay after attempt " + entry.attempt());
            assertEquals(CsError.LIBRARY, entry.cause().error(), () -> "attempt fails as initialize does: " + entry);
            if (i > 0) {
                long gapNanos = entry.atNanos() - failed.get(i - 1).atNanos();
                assertTrue(gapNanos >= failed.get(i - 1).nextDelay().toNanos(),
                        "attempt " + entry.attempt() + " waited its back-off, gap " + gapNanos / 1_000_000 + " ms");
            }
        }
    }

    private static long countOf(NotificationLog log, long track, String key) {
        return log.received().stream().filter(n -> n.trackHandle() == track && n.key().equals(key)).count();
    }

    private void warmUp() {
        try (CmapHandle handle = open()) {
            handle.getAsync("totem.cluster_name").join();
        }
    }
}
