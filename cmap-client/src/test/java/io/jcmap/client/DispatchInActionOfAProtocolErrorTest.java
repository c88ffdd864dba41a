package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A waiting dispatch (ONE) in a completion action that a breakdown runs while the connection's
 * notifications stay up: an answer with the wrong message id (MESSAGE_ERROR) breaks the pipeline
 * down, and the server, still there, keeps the event channel open. The thread breaking down tells
 * the reconnector only once the action has returned (DispatchInActionOfTheLossTest), but the
 * dispatch failed with TRY_AGAIN only where a look for notifications found the connection hung
 * up: here it waited for a notification on the broken session for ever (until close), and the
 * handle never reconnected.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DispatchInActionOfAProtocolErrorTest {
    private static final String KEY = ScriptedReconnectingHandle.KEY;
    private static final long WAIT_SECONDS = 5;

    private final ScriptedReconnectingHandle scripted = new ScriptedReconnectingHandle();

    @AfterEach
    void tearDown() {
        scripted.close(); // also ends an action's dispatch still waiting (before the fix)
    }

    @Test
    void aWaitingDispatchInAnActionRunByAProtocolErrorFailsWithTryAgainAndTheHandleReconnects() throws Exception {
        ConnectedHandle handle = scripted.open();

        scripted.first.misanswerSets = 1; // the first SET's answer breaks the pipeline down
        scripted.first.withholdSets = true; // the second's never comes: the breakdown fails it, and runs its action
        CompletableFuture<String> action;
        try (CmapBatch batch = handle.batch()) {
            batch.setAsync("k.misanswered", CmapValue.uint32(1));
            action = batch.setAsync("k.unanswered", CmapValue.uint32(2)).handle((value, failure) -> {
                try {
                    return "returned " + handle.dispatch(DispatchType.ONE);
                } catch (CmapException e) {
                    return e.error() + ": " + e.getMessage();
                }
            });
        }

        String outcome = Waits.returned(action, WAIT_SECONDS,
                "dispatch(ONE) in the completion action that the breakdown ran", "it waits for a notification on the"
                + " broken connection, and the reconnect starts only once that action has returned");
        assertTrue(outcome.startsWith("TRY_AGAIN: dispatch: reconnecting"), outcome);
        assertTrue(scripted.reconnected.await(WAIT_SECONDS, TimeUnit.SECONDS), "reconnected");
        scripted.second.change(KEY);
        Waits.until(() -> {
            handle.dispatch(DispatchType.ALL);
            return !scripted.received.isEmpty();
        }, "the new connection's notification is delivered");
    }
}
