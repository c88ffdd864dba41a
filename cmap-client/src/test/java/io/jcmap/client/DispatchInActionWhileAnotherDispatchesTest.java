package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A dispatch that waits (ONE), called in a completion action on the thread reading answers,
 * while another thread dispatches: it waited for the dispatch lock without reading, and the
 * other thread's listener was making a call whose answer only the action's thread could read
 * (a synchronous call, or a join on one of the handle's futures). Each waited for the other for
 * ever. A dispatch in a completion action is allowed (README), and so are those calls in a
 * listener; a trackDelete in an action, waiting for a running listener, reads meanwhile for the
 * same reason.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DispatchInActionWhileAnotherDispatchesTest {
    private static final long WAIT_SECONDS = 5;

    private final ListenerHeldInItsCallback listener = new ListenerHeldInItsCallback();

    @AfterEach
    void tearDown() {
        listener.close(); // fails the call the listener waits for: ends the wait of a failing run
    }

    /** Whether {@code thread} waits for the dispatch lock: inside dispatch, not yet dispatching. */
    private static boolean waitsForTheDispatchLock(Thread thread) {
        if (thread == null) {
            return false;
        }
        boolean inDispatch = false;
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().equals(NotificationDispatch.class.getName())) {
                if (frame.getMethodName().equals("dispatchLocked")) {
                    return false;
                }
                inDispatch |= frame.getMethodName().equals("dispatch");
            }
        }
        return inDispatch;
    }

    @ParameterizedTest
    @ValueSource(strings = {"a synchronous set", "a join of setAsync"})
    void theOtherThreadsListenerIsAnsweredAndTheActionsDispatchRunsNext(String call) throws Exception {
        ConnectedHandle handle = listener.openHandle();
        listener.trackAndNotify(DispatchInActionWhileAnotherDispatchesTest::waitsForTheDispatchLock,
                "the completion action's dispatch waits for the dispatch lock", h -> {
                    if (call.equals("a synchronous set")) {
                        h.setUint32("k.listener", 1);
                    } else {
                        h.setAsync("k.listener", CmapValue.uint32(1)).join();
                    }
                });
        CompletableFuture<Integer> dispatchedInAction = listener.inTheActionOfASet(
                () -> handle.dispatch(DispatchType.ONE));

        assertEquals("answered", listener.callEnded("the listener's call (" + call + ")", "the completion action's"
                + " dispatch(ONE) waits for the dispatch lock that the listener's dispatch holds, and does not read"
                + " the answer that only its thread can read"));
        assertEquals(1, listener.dispatched());
        listener.server.change(ListenerHeldInItsCallback.KEY);
        assertEquals(1, dispatchedInAction.get(WAIT_SECONDS, TimeUnit.SECONDS), "the action's dispatch ran next");
        assertEquals(2, listener.notified());
    }
}
