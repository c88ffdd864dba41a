package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

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
    private static final String KEY = "k.tracked";
    private static final long WAIT_SECONDS = 5;

    private final ScriptedCmapServer server = new ScriptedCmapServer(0x1000);
    private ConnectedHandle handle;

    @AfterEach
    void tearDown() {
        if (handle != null) {
            handle.close(); // fails the call the listener waits for: ends the wait of a failing run
        }
    }

    /** Whether {@code thread} waits for the dispatch lock: inside dispatch, not yet dispatching. */
    private static boolean waitsForTheDispatchLock(Thread thread) {
        if (thread == null) {
            return false;
        }
        boolean inDispatch = false;
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().equals(ConnectedHandle.class.getName())) {
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
        handle = new ConnectedHandle(CmapMap.ICMAP, CmapOptions.builder().build(), false, options -> server);
        AtomicReference<Thread> actionThread = new AtomicReference<>();
        CountDownLatch inListener = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<String> listenerCalled = new CompletableFuture<>();
        handle.trackAdd(KEY, EnumSet.of(TrackEvent.DELETE), (h, notification) -> {
            if (calls.getAndIncrement() > 0) {
                return; // the action's dispatch
            }
            inListener.countDown();
            Waits.until(() -> waitsForTheDispatchLock(actionThread.get()),
                    "the completion action's dispatch waits for the dispatch lock");
            try {
                if (call.equals("a synchronous set")) {
                    h.setUint32("k.listener", 1);
                } else {
                    h.setAsync("k.listener", CmapValue.uint32(1)).join();
                }
                listenerCalled.complete("answered");
            } catch (Throwable e) {
                listenerCalled.complete(e.toString());
            }
        });
        CompletableFuture<Integer> dispatched = CompletableFuture.supplyAsync(() -> handle.dispatch(DispatchType.ONE),
                runnable -> Thread.ofPlatform().daemon().name("dispatcher").start(runnable));
        server.change(KEY);
        assertTrue(inListener.await(WAIT_SECONDS, TimeUnit.SECONDS), "the listener runs");

        CompletableFuture<Integer> dispatchedInAction;
        try (CmapBatch batch = handle.batch()) {
            // attached before the answer can arrive: the thread reading the answer runs the action
            dispatchedInAction = batch.setAsync("k.action", CmapValue.uint32(1)).thenApply(done -> {
                actionThread.set(Thread.currentThread());
                return handle.dispatch(DispatchType.ONE);
            });
        }

        try {
            assertEquals("answered", listenerCalled.get(WAIT_SECONDS, TimeUnit.SECONDS));
        } catch (TimeoutException e) {
            fail("the listener's call (" + call + ") had not returned after " + WAIT_SECONDS + " s: the completion"
                    + " action's dispatch(ONE) waits for the dispatch lock that the listener's dispatch holds, and"
                    + " does not read the answer that only its thread can read");
        }
        assertEquals(1, dispatched.get(WAIT_SECONDS, TimeUnit.SECONDS));
        server.change(KEY);
        assertEquals(1, dispatchedInAction.get(WAIT_SECONDS, TimeUnit.SECONDS), "the action's dispatch ran next");
        assertEquals(2, calls.get());
    }
}
