package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

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
    private static final String KEY = ScriptedReconnectingHandle.KEY;
    private static final long WAIT_SECONDS = 5;

    private final ScriptedReconnectingHandle scripted = new ScriptedReconnectingHandle();
    /** What the callback under test does, and where it runs: onDisconnected or onReconnectFailed. */
    private volatile Runnable inCallback = () -> { };
    private volatile String callback = "onDisconnected";
    private ConnectedHandle handle;

    /** How the callback's calls ended: what they returned, the notifications delivered by then, what the last threw. */
    private record Ended(List<Integer> returned, int delivered, Throwable thrown) {
    }

    @AfterEach
    void tearDown() {
        scripted.close(); // also ends a callback's dispatch still waiting (before the fix)
    }

    /** The scripted handle, whose round fails one attempt, running {@link #inCallback} in the callback under test. */
    private void open() {
        handle = scripted.open(1, where -> {
            if (where.equals(callback)) {
                inCallback.run();
            }
        });
    }

    /** Two notifications reach the first connection, then a call (not dispatch) finds it lost: they stay in it. */
    private void loseTheFirstConnectionHoldingTwoNotifications() {
        scripted.first.change(KEY);
        scripted.first.change(KEY);
        scripted.first.hangUp();
        scripted.first.endRequests();
        CmapException lost = assertThrows(CmapException.class,
                () -> handle.trackAdd("k.other", EnumSet.of(TrackEvent.DELETE), scripted.listener));
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
                ended.complete(new Ended(returned, scripted.received.size(), null));
            } catch (Throwable e) {
                ended.complete(new Ended(returned, scripted.received.size(), e));
            }
        };
        return ended;
    }

    private Ended await(CompletableFuture<Ended> ended, String what) throws Exception {
        return Waits.returned(ended, WAIT_SECONDS, what, "it waits for the new connection (or for a dispatcher"
                + " that does), which only its own thread, the reconnect thread, installs");
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
        assertTrue(scripted.reconnected.await(WAIT_SECONDS, TimeUnit.SECONDS), "reconnected");
        scripted.second.change(KEY);
        assertEquals(1, handle.dispatch(DispatchType.ONE));
        assertEquals(receivedBefore + 1, scripted.received.size());
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
        scripted.first.hangUp();

        Ended end = await(ended, "dispatch(BLOCKING) inside onDisconnected, another thread dispatching,");
        assertTryAgainBecauseReconnecting(end.thrown());
        assertTrue(end.thrown().getMessage().contains("another thread is dispatching"), end.thrown()::getMessage);
        assertTrue(scripted.reconnected.await(WAIT_SECONDS, TimeUnit.SECONDS), "reconnected");
        scripted.second.change(KEY);
        Waits.until(() -> scripted.received.size() == 1, "the other thread's dispatch delivers the new notification");
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
                    () -> handle.trackAdd("k.other", EnumSet.of(TrackEvent.DELETE), scripted.listener))) {
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
