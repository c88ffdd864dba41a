package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

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

    /** A reconnecting handle on {@code first}, then {@code second}, tracking {@link #KEY}. */
    private void open() {
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
    }

    /** A request corosync will not answer, whose action, run by the loss that fails it, dispatches (ONE). */
    private CompletableFuture<String> dispatchInTheActionOfAnUnansweredRequest(AtomicReference<Thread> actionThread) {
        first.withholdSets = true;
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
        try {
            return action.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return fail("dispatch(ONE) in the completion action that the loss ran had not returned after "
                    + WAIT_SECONDS + " s: it waits for the new connection, and the reconnect starts only once that"
                    + " action has returned");
        }
    }

    private void assertReconnectedAndDispatching() throws Exception {
        assertTrue(reconnected.await(WAIT_SECONDS, TimeUnit.SECONDS), "reconnected");
        second.change(KEY);
        Waits.until(() -> {
            try {
                handle.dispatch(DispatchType.ALL);
            } catch (CmapException busy) {
                // another thread dispatches: it delivers
            }
            return !received.isEmpty();
        }, "the new connection's notification is delivered");
    }

    @Test
    void aWaitingDispatchInAnActionRunByTheLossFailsWithTryAgainAndTheHandleReconnects() throws Exception {
        open();
        AtomicReference<Thread> actionThread = new AtomicReference<>();
        CompletableFuture<String> action = dispatchInTheActionOfAnUnansweredRequest(actionThread);
        first.hangUp();
        first.endRequests(); // the response thread finds it and breaks the pipeline down

        String outcome = await(action);
        assertTrue(outcome.startsWith("TRY_AGAIN: dispatch: reconnecting"), outcome);
        assertReconnectedAndDispatching();
    }

    @Test
    void aWaitingDispatchInAnActionRunByTheLossWhileAnotherThreadDispatchesFailsWithTryAgain() throws Exception {
        open();
        Thread dispatcher = Thread.ofPlatform().daemon().name("dispatcher").start(() -> {
            try {
                handle.dispatch(DispatchType.BLOCKING);
            } catch (CmapException closed) {
                // the handle closed
            }
        });
        AtomicReference<Thread> actionThread = new AtomicReference<>();
        CompletableFuture<String> action = dispatchInTheActionOfAnUnansweredRequest(actionThread);
        first.endRequests(); // the response thread finds it, and runs the action, while the dispatcher goes on
        Waits.until(() -> actionThread.get() != null, "the loss runs the action");
        first.hangUp(); // now the dispatcher finds it, and waits for the new connection holding the dispatch lock

        String outcome = await(action);
        assertTrue(outcome.startsWith("TRY_AGAIN: dispatch: reconnecting"), outcome);
        assertReconnectedAndDispatching();
        assertTrue(dispatcher.isAlive(), "the other thread dispatches on");
        assertEquals(1, received.size());
    }
}
