package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A listener, running in a dispatch, joins (or gets) one of the handle's futures while a
 * completion action, on the thread reading answers, deletes its tracking: trackDelete waits for
 * the listener and reads answers meanwhile (TrackRegistry.Registration#end). It read the
 * listener's answer, but on a second hold of the receive lock, where a future's completion waits
 * until the action has returned (decision 0020): the action waited for the listener and the
 * listener for the action, for ever. The README allows a join or get in a listener, and says a
 * trackDelete in an action reads the answers its running listener waits for.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JoinInListenerWhileActionDeletesItTest {
    private static final long WAIT_SECONDS = 5;

    private final ListenerHeldInItsCallback listener = new ListenerHeldInItsCallback();

    @AfterEach
    void tearDown() {
        listener.close(); // fails the futures both wait for: ends the wait of a failing run
    }

    /** How the listener waits for {@code set}, its setAsync. */
    interface WaitForItsSet {
        void waitFor(CmapHandle handle, CompletableFuture<Void> set) throws Exception;
    }

    @ParameterizedTest
    @ValueSource(strings = {"join", "get"})
    void aListenersWaitForAFutureEndsWhileAnActionDeletesItsTracking(String how) throws Exception {
        assertTheListenersWaitEndsWhileAnActionDeletesItsTracking(listener, how, (h, set) -> {
            if (how.equals("join")) {
                set.join();
            } else {
                set.get();
            }
        });
    }

    /**
     * The scenario, with {@code wait} ({@code how}) for its setAsync in the listener; also for the
     * joins of stages (JoinOfAStageInListenerWhileActionDeletesItTest): the wait is answered, the
     * action's trackDelete returns, and the tracking is deleted, the handle going on.
     */
    static void assertTheListenersWaitEndsWhileAnActionDeletesItsTracking(ListenerHeldInItsCallback listener,
            String how, WaitForItsSet wait) throws Exception {
        ConnectedHandle handle = listener.openHandle();
        long track = listener.trackAndNotify(TrackRegistryFrames::waitsForARunningCallback,
                "trackDelete, in the completion action, waits for this listener",
                h -> wait.waitFor(h, h.setAsync("k.listener", CmapValue.uint32(1))));
        CompletableFuture<Void> deleted = listener.inTheActionOfASet(() -> {
            handle.trackDelete(track);
            return null;
        });

        assertEquals("answered", listener.callEnded("the listener's " + how + " of its setAsync", "the trackDelete"
                + " waiting for the listener in a completion action read the answer, and its future completes only"
                + " once that action has returned"));
        deleted.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(1, listener.dispatched());
        assertTrue(listener.server.trackings().isEmpty(), "the tracking is deleted");
        assertTrue(handle.isOpen(), "the handle goes on");
    }
}
