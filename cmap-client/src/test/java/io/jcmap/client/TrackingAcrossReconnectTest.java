package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.protocol.cmap.CmapResponseId;
import io.jcmap.protocol.ipc.IpcConnection;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * trackAdd and trackDelete running while the handle reconnects (Reconnector: openSession,
 * restoreTracks, install), against scripted servers: one connection that is lost, one that
 * replaces it. The thread reading a TRACK_ADD or TRACK_DELETE answer is held after it took the
 * request off the pipeline's queue (so the loss does not fail it) and released once the handle
 * has reconnected, or while it restores its trackings.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TrackingAcrossReconnectTest {
    private static final String KEY = "k.tracked";
    private static final long WAIT_SECONDS = 10;

    private final ScriptedCmapServer first = new ScriptedCmapServer(0x1000);
    private final ScriptedCmapServer second = new ScriptedCmapServer(0x2000);
    private final ScriptedCmapServer third = new ScriptedCmapServer(0x3000);
    private final CountDownLatch reconnected = new CountDownLatch(1);
    private final AtomicInteger reconnections = new AtomicInteger();
    private final List<CmapNotification> received = new CopyOnWriteArrayList<>();
    private final CmapListener listener = (handle, notification) -> received.add(notification);
    private ConnectedHandle handle;

    @AfterEach
    void tearDown() {
        first.releaseReader.countDown();
        second.releaseReader.countDown();
        if (handle != null) {
            handle.close();
        }
    }

    /** A reconnecting handle whose connections are {@code first}, {@code second} and {@code third}, in turn. */
    private ConnectedHandle open() {
        Deque<IpcConnection> servers = new ArrayDeque<>(List.of(first, second, third));
        Function<CmapOptions, IpcConnection> connector = options -> {
            IpcConnection next = servers.pollFirst();
            if (next == null) {
                throw new CmapException(CsError.LIBRARY, "scripted: no more servers");
            }
            return next;
        };
        ReconnectListener onReconnected = new ReconnectListener() {
            @Override
            public void onReconnected(int attempts) {
                reconnections.incrementAndGet();
                reconnected.countDown();
            }
        };
        CmapOptions options = CmapOptions.builder()
                .reconnect(new ReconnectPolicy(Duration.ofMillis(1), Duration.ofMillis(1), onReconnected)).build();
        handle = new ConnectedHandle(CmapMap.ICMAP, options, false, connector);
        return handle;
    }

    /** The first connection's server hangs up; a dispatch finds it, and the handle reconnects. */
    private void loseTheFirstConnection() {
        first.hangUp();
        handle.dispatch(DispatchType.ALL);
    }

    /**
     * 1. trackAdd's answer (corosync made the tracking) is read on the old connection, then the
     * connection is lost, and the reconnect snapshots the confirmed trackings before that answer
     * is confirmed. trackAdd then returned a track handle whose tracking existed on no connection:
     * no notification, ever, and nothing said so.
     */
    @Test
    void aTrackAddAnsweredAsTheConnectionIsLostIsTrackedAfterTheReconnectOrFails() throws Exception {
        open();
        first.holdAnswer(CmapResponseId.TRACK_ADD);
        CompletableFuture<Long> added = run(() -> handle.trackAdd(KEY, EnumSet.of(TrackEvent.DELETE), listener));
        assertTrue(first.readerHeld.await(WAIT_SECONDS, TimeUnit.SECONDS), "the answer is being read");

        loseTheFirstConnection();
        assertTrue(reconnected.await(WAIT_SECONDS, TimeUnit.SECONDS), "reconnected");
        first.releaseReader.countDown();

        long track;
        try {
            track = added.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            // an answer too: the application knows that it tracks nothing, as for any call the loss failed
            CmapException failure = assertInstanceOf(CmapException.class, e.getCause());
            assertEquals(CsError.LIBRARY, failure.error(), failure::getMessage);
            assertEquals(0, second.trackings().size(), "no tracking left behind: " + second.trackings());
            return;
        }
        second.change(KEY);
        handle.dispatch(DispatchType.ALL);
        assertEquals(1, received.size(), "trackAdd returned track handle 0x" + Long.toHexString(track)
                + " across the reconnect, but the new connection's trackings are " + second.trackings()
                + " and a change of the key reached the listener " + received.size() + " times");
        assertEquals(track, received.getFirst().trackHandle());
    }

    /**
     * 3a. trackDelete's answer (corosync deleted the tracking) is read on the old connection, then
     * the connection is lost, and the reconnect registers the tracking again (it is still
     * confirmed) before trackDelete forgets it. The new connection then kept a tracking nobody
     * would delete: corosync sent its events for the connection's life, read and dropped.
     */
    @Test
    void aTrackDeleteAnsweredAsTheConnectionIsLostLeavesNoTrackingOnTheNewConnection() throws Exception {
        open();
        long track = handle.trackAdd(KEY, EnumSet.of(TrackEvent.DELETE), listener);
        first.holdAnswer(CmapResponseId.TRACK_DELETE);
        CompletableFuture<Void> deleted = run(() -> {
            handle.trackDelete(track);
            return null;
        });
        assertTrue(first.readerHeld.await(WAIT_SECONDS, TimeUnit.SECONDS), "the answer is being read");

        loseTheFirstConnection();
        assertTrue(reconnected.await(WAIT_SECONDS, TimeUnit.SECONDS), "reconnected");
        first.releaseReader.countDown();

        assertDeletedEverywhere(track, deleted);
    }

    /**
     * 3b. As 3a, but trackDelete forgets the tracking while the reconnect is registering it again
     * (its TRACK_ADD is on the new connection, its answer not yet read).
     */
    @Test
    void aTrackDeleteAnsweredWhileItsTrackingIsRestoredLeavesNoTrackingOnTheNewConnection() throws Exception {
        long track = trackDeletedWhileRestored();
        second.releaseReader.countDown();
        assertTrue(reconnected.await(WAIT_SECONDS, TimeUnit.SECONDS), "reconnected");

        assertDeletedEverywhere(track, CompletableFuture.completedFuture(null));
    }

    /**
     * Tracks a key, then deletes it while the handle reconnects: trackDelete's answer is read on
     * the lost connection while the reconnect registers the tracking again on the new one, whose
     * answer to that is being read (held) when this returns; trackDelete has returned.
     *
     * @return the track handle
     */
    private long trackDeletedWhileRestored() throws Exception {
        open();
        long track = handle.trackAdd(KEY, EnumSet.of(TrackEvent.DELETE), listener);
        first.holdAnswer(CmapResponseId.TRACK_DELETE);
        second.holdAnswer(CmapResponseId.TRACK_ADD);
        CompletableFuture<Void> deleted = run(() -> {
            handle.trackDelete(track);
            return null;
        });
        assertTrue(first.readerHeld.await(WAIT_SECONDS, TimeUnit.SECONDS), "the answer is being read");

        loseTheFirstConnection();
        assertTrue(second.readerHeld.await(WAIT_SECONDS, TimeUnit.SECONDS), "the tracking is being restored");
        first.releaseReader.countDown();
        deleted.get(WAIT_SECONDS, TimeUnit.SECONDS);
        return track;
    }

    /**
     * 3c. As 3b, but the new connection is lost too while the tracking is restored: the delete the
     * restore sends on it (its trackDelete was answered meanwhile) finds it gone, before the round
     * ended. That loss started no round (one was running), and the round installed the broken
     * session: the handle stayed without a connection for good, a blocking dispatch waiting for
     * ever (found in review).
     */
    @Test
    void aNewConnectionLostWhileItsRoundEndsIsReplacedInTurn() throws Exception {
        trackDeletedWhileRestored();
        second.hangUp(); // corosync is gone again: the restore's next request fails
        second.endRequests();
        second.releaseReader.countDown();

        Waits.until(() -> reconnections.get() == 2, () -> "the handle reconnected " + reconnections.get()
                + " times; the second connection, lost as its round ended, was never replaced");
        assertEquals(Map.of(), third.trackings(), "the deleted tracking stays deleted");
    }

    /** trackDelete returned, and no connection of the handle keeps the tracking, nor does its listener run. */
    private void assertDeletedEverywhere(long track, CompletableFuture<Void> deleted) throws Exception {
        deleted.get(WAIT_SECONDS, TimeUnit.SECONDS);
        Waits.until(() -> second.trackings().isEmpty(), () -> "trackDelete(0x" + Long.toHexString(track)
                + ") returned, but the new connection keeps the trackings " + hex(second.trackings().keySet())
                + ": registered again by the reconnect, deleted by nobody");
        second.change(KEY);
        handle.dispatch(DispatchType.ALL);
        assertEquals(List.of(), received, "no callback after trackDelete returned");
    }

    private static String hex(Collection<Long> handles) {
        return handles.stream().map(h -> "0x" + Long.toHexString(h)).toList().toString();
    }

    private static <T> CompletableFuture<T> run(Callable<T> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("tracking-call").start(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }
}
