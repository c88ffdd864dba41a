package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jcmap.protocol.ipc.IpcConnection;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A dispatch inside a {@link ReconnectListener} callback, which runs on the reconnect thread,
 * against scripted servers: the first connection is lost, the first reconnect attempt fails,
 * the second connection replaces it. A dispatch that waits (ONE, BLOCKING) waited there for the
 * new connection, which only that thread installs: it waited for itself until the handle was
 * closed.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DispatchInReconnectListenerTest {
    private static final String KEY = "k.tracked";
    private static final long WAIT_SECONDS = 5;

    private final ScriptedCmapServer first = new ScriptedCmapServer(0x1000);
    private final ScriptedCmapServer second = new ScriptedCmapServer(0x2000);
    private final CountDownLatch reconnected = new CountDownLatch(1);
    private final List<CmapNotification> received = new CopyOnWriteArrayList<>();
    private final CmapListener listener = (handle, notification) -> received.add(notification);
    /** What the callback under test does, and where it runs: onDisconnected or onReconnectFailed. */
    private volatile Runnable inCallback = () -> { };
    private volatile String callback = "onDisconnected";
    private ConnectedHandle handle;

    /** How the callback's calls ended: what they returned, the notifications delivered by then, what the last threw. */
    private record Ended(List<Integer> returned, int delivered, Throwable thrown) {
    }

    @AfterEach
    void tearDown() {
        if (handle != null) {
            handle.close(); // also ends a callback's dispatch still waiting (before the fix)
        }
    }

    /** A reconnecting handle on {@code first}, then a failed attempt, then {@code second}; tracking {@link #KEY}. */
    private void open() {
        AtomicInteger attempts = new AtomicInteger();
        Function<CmapOptions, IpcConnection> connector = options -> switch (attempts.getAndIncrement()) {
            case 0 -> first;
            case 1 -> throw new CmapException(CsError.LIBRARY, "scripted: corosync not back yet");
            default -> second;
        };
        ReconnectListener reconnects = new ReconnectListener() {
            @Override
            public void onDisconnected(CmapException cause) {
                if (callback.equals("onDisconnected")) {
                    inCallback.run();
                }
            }

            @Override
            public void onReconnectFailed(int attempt, CmapException cause, Duration nextDelay) {
                if (callback.equals("onReconnectFailed")) {
                    inCallback.run();
                }
            }

            @Override
            public void onReconnected(int attempts) {
                reconnected.countDown();
            }
        };
        CmapOptions options = CmapOptions.builder()
                .reconnect(new ReconnectPolicy(Duration.ofMillis(1), Duration.ofMillis(1), reconnects)).build();
        handle = new ConnectedHandle(CmapMap.ICMAP, options, false, connector);
        handle.trackAdd(KEY, EnumSet.of(TrackEvent.DELETE), listener);
    }

    /** Two notifications reach the first connection, then a call (not dispatch) finds it lost: they stay in it. */
    private void loseTheFirstConnectionHoldingTwoNotifications() {
        first.change(KEY);
        first.change(KEY);
        first.hangUp();
        first.endRequests();
        CmapException lost = assertThrows(CmapException.class,
                () -> handle.trackAdd("k.other", EnumSet.of(TrackEvent.DELETE), listener));
        assertEquals(CsError.LIBRARY, lost.error(), lost::getMessage);
    }

    /** In the callback, calls dispatch({@code type}) until it throws (ten times at most). */
    private CompletableFuture<Ended> dispatchUntilItFailsInTheCallback(DispatchType type) {
        CompletableFuture<Ended> ended = new CompletableFuture<>();
        List<Integer> returned = new CopyOnWriteArrayList<>();
        inCallback = () -> {
            try {
                for (int i = 0; i < 10; i++) {
                    returned.add(handle.dispatch(type));
                }
                ended.complete(new Ended(returned, received.size(), null));
            } catch (Throwable e) {
                ended.complete(new Ended(returned, received.size(), e));
            }
        };
        return ended;
    }

    private Ended await(CompletableFuture<Ended> ended, String what) throws Exception {
        try {
            return ended.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return fail(what + " had not returned after " + WAIT_SECONDS + " s: it waits for the new connection"
                    + " (or for a dispatcher that does), which only its own thread, the reconnect thread, installs");
        }
    }

    private static void assertTryAgainBecauseReconnecting(Throwable thrown) {
        CmapException e = assertInstanceOfCmapException(thrown);
        assertEquals(CsError.TRY_AGAIN, e.error(), e::getMessage);
        assertTrue(e.getMessage().contains("reconnect") && e.getMessage().contains("wait for itself"), e::getMessage);
    }

    private static CmapException assertInstanceOfCmapException(Throwable thrown) {
        if (thrown instanceof CmapException e) {
            return e;
        }
        throw new AssertionError("expected a CmapException, got " + thrown, thrown);
    }

    /** The handle reconnected, and a dispatch on another thread (this one) delivers a new notification. */
    private void assertReconnectedAndDispatching(int receivedBefore) throws Exception {
        assertTrue(reconnected.await(WAIT_SECONDS, TimeUnit.SECONDS), "reconnected");
        second.change(KEY);
        assertEquals(1, handle.dispatch(DispatchType.ONE));
        assertEquals(receivedBefore + 1, received.size());
    }

    /**
     * A dispatch that waits, called in a callback of the round, delivers what the lost connection
     * held (decision 0022), then fails with TRY_AGAIN instead of waiting for itself.
     */
    @ParameterizedTest
    @CsvSource({"onDisconnected, ONE", "onDisconnected, BLOCKING", "onReconnectFailed, ONE",
            "onReconnectFailed, BLOCKING"})
    void aWaitingDispatchInARoundsCallbackDeliversWhatWasKeptThenFailsWithTryAgain(String where, DispatchType type)
            throws Exception {
        open();
        callback = where;
        CompletableFuture<Ended> ended = dispatchUntilItFailsInTheCallback(type);
        loseTheFirstConnectionHoldingTwoNotifications();

        Ended end = await(ended, "dispatch(" + type + ") inside " + where);
        assertTryAgainBecauseReconnecting(end.thrown());
        assertEquals(type == DispatchType.ONE ? List.of(1, 1) : List.of(), end.returned());
        assertEquals(2, end.delivered(), "the lost connection's notifications come first");
        assertReconnectedAndDispatching(2);
    }

    /**
     * Another thread's dispatch(BLOCKING) finds the loss: it keeps the dispatch lock while it
     * waits for the new connection, and a waiting dispatch in onDisconnected waited for that lock.
     */
    @Test
    void aWaitingDispatchInOnDisconnectedWhileAnotherThreadDispatchesFailsWithTryAgain() throws Exception {
        open();
        CompletableFuture<Ended> ended = dispatchUntilItFailsInTheCallback(DispatchType.BLOCKING);
        Thread dispatcher = Thread.ofPlatform().daemon().name("dispatcher").start(() -> {
            try {
                handle.dispatch(DispatchType.BLOCKING);
            } catch (CmapException closed) {
                // the handle closed
            }
        });
        first.hangUp();

        Ended end = await(ended, "dispatch(BLOCKING) inside onDisconnected, another thread dispatching,");
        assertTryAgainBecauseReconnecting(end.thrown());
        assertTrue(end.thrown().getMessage().contains("another thread is dispatching"), end.thrown()::getMessage);
        assertTrue(reconnected.await(WAIT_SECONDS, TimeUnit.SECONDS), "reconnected");
        second.change(KEY);
        Waits.until(() -> received.size() == 1, "the other thread's dispatch delivers the new notification");
        assertTrue(dispatcher.isAlive());
    }

    /** ALL and ONE_NONBLOCKING never wait, in a callback neither; a synchronous call fails at once with the loss. */
    @Test
    void inOnDisconnectedDispatchAllDeliversWhatWasKeptNonBlockingFailsAndCallsFailWithTheLoss() throws Exception {
        open();
        CompletableFuture<List<Object>> outcomes = new CompletableFuture<>();
        inCallback = () -> {
            List<Object> seen = new CopyOnWriteArrayList<>();
            seen.add(handle.dispatch(DispatchType.ALL));
            seen.add(handle.dispatch(DispatchType.ALL));
            for (Runnable call : List.<Runnable>of(() -> handle.dispatch(DispatchType.ONE_NONBLOCKING),
                    () -> handle.trackAdd("k.other", EnumSet.of(TrackEvent.DELETE), listener))) {
                try {
                    call.run();
                    seen.add("returned");
                } catch (CmapException e) {
                    seen.add(e.error() + ": " + e.getMessage());
                }
            }
            outcomes.complete(seen);
        };
        loseTheFirstConnectionHoldingTwoNotifications();

        List<Object> seen = outcomes.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(List.of(2, 0), seen.subList(0, 2), seen::toString);
        assertTrue(seen.get(2).toString().startsWith("TRY_AGAIN: dispatch: reconnecting"), seen::toString);
        assertTrue(seen.get(3).toString().startsWith("LIBRARY: "), seen::toString);
        assertReconnectedAndDispatching(2);
    }
}
