package io.jcmap.client;

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
    private static final String KEY = "k.tracked";
    private static final long WAIT_SECONDS = 5;

    private final ScriptedCmapServer first = new ScriptedCmapServer(0x1000);
    private final ScriptedCmapServer second = new ScriptedCmapServer(0x2000);
    private final CountDownLatch reconnected = new CountDownLatch(1);
    private final List<CmapNotification> received = new CopyOnWriteArrayList<>();
    private ConnectedHandle handle;

    @AfterEach
    void tearDown() {
        if (handle != null) {
            handle.close(); // also ends an action's dispatch still waiting (before the fix)
        }
    }

    @Test
    void aWaitingDispatchInAnActionRunByAProtocolErrorFailsWithTryAgainAndTheHandleReconnects() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        Function<CmapOptions, IpcConnection> connector = options -> attempts.getAndIncrement() == 0 ? first : second;
        ReconnectListener reconnects = new ReconnectListener() {
            @Override
            public void onReconnected(int attempts) {
                reconnected.countDown();
            }
        };
        CmapOptions options = CmapOptions.builder()
                .reconnect(new ReconnectPolicy(Duration.ofMillis(1), Duration.ofMillis(1), reconnects)).build();
        handle = new ConnectedHandle(CmapMap.ICMAP, options, false, connector);
        handle.trackAdd(KEY, EnumSet.of(TrackEvent.DELETE), (h, notification) -> received.add(notification));

        first.misanswerSets = 1; // the first SET's answer breaks the pipeline down
        first.withholdSets = true; // the second's never comes: the breakdown fails it, and runs its action
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

        String outcome;
        try {
            outcome = action.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            outcome = fail("dispatch(ONE) in the completion action that the breakdown ran had not returned after "
                    + WAIT_SECONDS + " s: it waits for a notification on the broken connection, and the reconnect"
                    + " starts only once that action has returned");
        }
        assertTrue(outcome.startsWith("TRY_AGAIN: dispatch: reconnecting"), outcome);
        assertTrue(reconnected.await(WAIT_SECONDS, TimeUnit.SECONDS), "reconnected");
        second.change(KEY);
        Waits.until(() -> {
            handle.dispatch(DispatchType.ALL);
            return !received.isEmpty();
        }, "the new connection's notification is delivered");
    }
}
