package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

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
    private static final String KEY = "k.tracked";
    private static final long WAIT_SECONDS = 5;

    private final ScriptedCmapServer server = new ScriptedCmapServer(0x1000);
    private ConnectedHandle handle;

    @AfterEach
    void tearDown() {
        if (handle != null) {
            handle.close(); // fails the futures both wait for: ends the wait of a failing run
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"thenCompose", "thenCombine"})
    void aListenersJoinOfAStageEndsWhileAnActionDeletesItsTracking(String how) throws Exception {
        handle = new ConnectedHandle(CmapMap.ICMAP, CmapOptions.builder().build(), false, options -> server);
        AtomicReference<Thread> deleting = new AtomicReference<>();
        CountDownLatch inListener = new CountDownLatch(1);
        CompletableFuture<String> listenerWaited = new CompletableFuture<>();
        long track = handle.trackAdd(KEY, EnumSet.of(TrackEvent.DELETE), (h, notification) -> {
            inListener.countDown();
            Waits.until(() -> TrackRegistryFrames.waitsForARunningCallback(deleting.get()),
                    "trackDelete, in the completion action, waits for this listener");
            try {
                CompletableFuture<Void> set = h.setAsync("k.listener", CmapValue.uint32(1));
                if (how.equals("thenCompose")) {
                    // the inner request is issued by the stage's action, on the thread that completes the outer one
                    set.thenCompose(done -> h.setAsync("k.composed", CmapValue.uint32(2))).join();
                } else {
                    CompletableFuture<Void> other = h.setAsync("k.combined", CmapValue.uint32(2));
                    set.thenCombine(other, (a, b) -> "both").join();
                }
                listenerWaited.complete("answered");
            } catch (Throwable e) {
                listenerWaited.complete(e.toString());
            }
        });
        CompletableFuture<Integer> dispatched = CompletableFuture.supplyAsync(() -> handle.dispatch(DispatchType.ONE),
                runnable -> Thread.ofPlatform().daemon().name("dispatcher").start(runnable));
        server.change(KEY);
        assertTrue(inListener.await(WAIT_SECONDS, TimeUnit.SECONDS), "the listener runs");

        CompletableFuture<Void> deleted;
        try (CmapBatch batch = handle.batch()) {
            // attached before the answer can arrive: the thread reading the answer runs the action
            deleted = batch.setAsync("k.action", CmapValue.uint32(1)).thenRun(() -> {
                deleting.set(Thread.currentThread());
                handle.trackDelete(track);
            });
        }

        try {
            assertEquals("answered", listenerWaited.get(WAIT_SECONDS, TimeUnit.SECONDS));
        } catch (TimeoutException e) {
            fail("the listener's " + how + " of its setAsync had not returned after " + WAIT_SECONDS + " s: the"
                    + " trackDelete waiting for the listener in a completion action read the answer, and its future"
                    + " completes only once that action has returned");
        }
        deleted.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(1, dispatched.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertTrue(server.trackings().isEmpty(), "the tracking is deleted");
        assertTrue(handle.isOpen(), "the handle goes on");
    }
}
