package io.jcmap.client;

import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * As JoinInListenerWhileActionDeletesItTest, for a join of a stage that waits for a request it does
 * not name: the inner request of a thenCompose, or the other of a thenCombine. Only the request the
 * stage was made from is marked as awaited elsewhere; the other one's answer, read by trackDelete's
 * wait in the action, waited for the action to return, and the two waited for each other for ever.
 *
 * Originally: a listener, running in a dispatch, joins (or gets) one of the handle's futures while a
 * completion action, on the thread reading answers, deletes its tracking: trackDelete waits for
 * the listener and reads answers meanwhile (TrackRegistry.Registration#end). It read the
 * listener's answer, but on a second hold of the receive lock, where a future's completion waits
 * until the action has returned (decision 0020): the action waited for the listener and the
 * listener for the action, for ever. The README allows a join or get in a listener, and says a
 * trackDelete in an action reads the answers its running listener waits for.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JoinOfAStageInListenerWhileActionDeletesItTest {
    private final ListenerHeldInItsCallback listener = new ListenerHeldInItsCallback();

    @AfterEach
    void tearDown() {
        listener.close(); // fails the futures both wait for: ends the wait of a failing run
    }

    @ParameterizedTest
    @ValueSource(strings = {"thenCompose", "thenCombine"})
    void aListenersJoinOfAStageEndsWhileAnActionDeletesItsTracking(String how) throws Exception {
        JoinInListenerWhileActionDeletesItTest.assertTheListenersWaitEndsWhileAnActionDeletesItsTracking(listener, how,
                (h, set) -> {
                    if (how.equals("thenCompose")) {
                        // the inner request is issued by the stage's action, on the thread that completes the outer one
                        set.thenCompose(done -> h.setAsync("k.composed", CmapValue.uint32(2))).join();
                    } else {
                        CompletableFuture<Void> other = h.setAsync("k.combined", CmapValue.uint32(2));
                        set.thenCombine(other, (a, b) -> "both").join();
                    }
                });
    }
}
