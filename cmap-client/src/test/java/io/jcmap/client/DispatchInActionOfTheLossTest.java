package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A waiting dispatch (ONE) in a completion action that the loss of the connection runs: the
 * thread that found the loss fails the requests in flight, running their actions, and only then
 * tells the reconnector (Pipeline#breakDown, then ConnectedHandle#lost). The action's dispatch
 * waited for the new connection, which no round was making until the action returned: it waited
 * for itself until the handle was closed, as a dispatch in a ReconnectListener callback did
 * (DispatchInReconnectListenerTest). With another thread dispatching, that thread waited for the
 * new connection holding the dispatch lock, and the action's dispatch for that lock.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DispatchInActionOfTheLossTest {
    private static final String KEY = ScriptedReconnectingHandle.KEY;
    private static final long WAIT_SECONDS = 5;

    private final ScriptedReconnectingHandle scripted = new ScriptedReconnectingHandle();
    private ConnectedHandle handle;

    @AfterEach
    void tearDown() {
        scripted.close(); // also ends an action's dispatch still waiting (before the fix)
    }

    /** A request corosync will not answer, whose action, run by the loss that fails it, dispatches (ONE). */
    private CompletableFuture<String> dispatchInTheActionOfAnUnansweredRequest(AtomicReference<Thread> actionThread) {
        scripted.first.withholdSets = true;
        try (CmapBatch batch = handle.batch()) {
            return batch.setAsync("k.unanswered", CmapValue.uint32(1)).handle((value, failure) -> {
                actionThread.set(Thread.currentThread());
                try {
                    return "returned " + handle.dispatch(DispatchType.ONE);
                } catch (CmapException e) {
                    return e.error() + ": " + e.getMessage();
                }
            });
        }
    }

    private static String await(CompletableFuture<String> action) throws Exception {
        return Waits.returned(action, WAIT_SECONDS, "dispatch(ONE) in the completion action that the loss ran",
                "it waits for the new connection, and the reconnect starts only once that action has returned");
    }

    private void assertReconnectedAndDispatching() throws Exception {
        assertTrue(scripted.reconnected.await(WAIT_SECONDS, TimeUnit.SECONDS), "reconnected");
        scripted.second.change(KEY);
        Waits.until(() -> {
            try {
                handle.dispatch(DispatchType.ALL);
            } catch (CmapException busy) {
                // another thread dispatches: it delivers
            }
            return !scripted.received.isEmpty();
        }, "the new connection's notification is delivered");
    }

    @Test
    void aWaitingDispatchInAnActionRunByTheLossFailsWithTryAgainAndTheHandleReconnects() throws Exception {
        handle = scripted.open();
        AtomicReference<Thread> actionThread = new AtomicReference<>();
        CompletableFuture<String> action = dispatchInTheActionOfAnUnansweredRequest(actionThread);
        scripted.first.hangUp();
        scripted.first.endRequests(); // the response thread finds it and breaks the pipeline down

        String outcome = await(action);
        assertTrue(outcome.startsWith("TRY_AGAIN: dispatch: reconnecting"), outcome);
        assertReconnectedAndDispatching();
    }

    @Test
    void aWaitingDispatchInAnActionRunByTheLossWhileAnotherThreadDispatchesFailsWithTryAgain() throws Exception {
        handle = scripted.open();
        Thread dispatcher = Thread.ofPlatform().daemon().name("dispatcher").start(() -> {
            try {
                handle.dispatch(DispatchType.BLOCKING);
            } catch (CmapException closed) {
                // the handle closed
            }
        });
        AtomicReference<Thread> actionThread = new AtomicReference<>();
        CompletableFuture<String> action = dispatchInTheActionOfAnUnansweredRequest(actionThread);
        scripted.first.endRequests(); // the response thread finds it, and runs the action, while the dispatcher goes on
        Waits.until(() -> actionThread.get() != null, "the loss runs the action");
        // now the dispatcher finds it, and waits for the new connection holding the dispatch lock
        scripted.first.hangUp();

        String outcome = await(action);
        assertTrue(outcome.startsWith("TRY_AGAIN: dispatch: reconnecting"), outcome);
        assertReconnectedAndDispatching();
        assertTrue(dispatcher.isAlive(), "the other thread dispatches on");
        assertEquals(1, scripted.received.size());
    }
}
