package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A listener on {@link #KEY} of a handle on a scripted server, run by a dispatch(ONE) on a thread
 * of its own ("dispatcher"), held in its callback until a completion action, on the thread reading
 * answers, waits for it (or for its dispatch), then making a call whose answer only that thread
 * can read. The tests of a listener's wait against an action's share it, so that each says only
 * what the action does and what the listener calls. Only the first notification is held: later
 * ones are counted.
 */
final class ListenerHeldInItsCallback {
    static final String KEY = "k.tracked";
    private static final long WAIT_SECONDS = 5;

    /** What the listener calls once the action waits; it was answered if it returns. */
    interface Call {
        void make(CmapHandle handle) throws Exception;
    }

    final ScriptedCmapServer server = new ScriptedCmapServer(0x1000);
    private ConnectedHandle handle;
    private final AtomicReference<Thread> actionThread = new AtomicReference<>();
    private final CountDownLatch inListener = new CountDownLatch(1);
    private final AtomicInteger notified = new AtomicInteger();
    private final CompletableFuture<String> called = new CompletableFuture<>();
    private CompletableFuture<Integer> dispatched;

    /** Opens the handle on {@link #server}, without reconnects. */
    ConnectedHandle openHandle() {
        handle = new ConnectedHandle(CmapMap.ICMAP, CmapOptions.builder().build(), false, options -> server);
        return handle;
    }

    /** Closes the handle, if it was opened: for a test's tearDown. */
    void close() {
        if (handle != null) {
            handle.close();
        }
    }

    /**
     * Tracks {@link #KEY} with the listener and dispatches it on the dispatcher; once the server
     * changes the key, the listener waits until {@code actionWaits} holds of the action's thread,
     * then makes {@code call}. Returns, with the listener held, the track handle.
     */
    long trackAndNotify(Predicate<Thread> actionWaits, String what, Call call)
            throws InterruptedException {
        long track = handle.trackAdd(KEY, EnumSet.of(TrackEvent.DELETE), (h, notification) -> {
            if (notified.getAndIncrement() > 0) {
                return; // the action's dispatch, say
            }
            inListener.countDown();
            Waits.until(() -> actionWaits.test(actionThread.get()), what);
            try {
                call.make(h);
                called.complete("answered");
            } catch (Throwable e) {
                called.complete(e.toString());
            }
        });
        dispatched = CompletableFuture.supplyAsync(() -> handle.dispatch(DispatchType.ONE),
                runnable -> Thread.ofPlatform().daemon().name("dispatcher").start(runnable));
        server.change(KEY);
        assertTrue(inListener.await(WAIT_SECONDS, TimeUnit.SECONDS), "the listener runs");
        return track;
    }

    /** Runs {@code action} as the completion action of a SET, on the thread that reads its answer. */
    <T> CompletableFuture<T> inTheActionOfASet(Supplier<T> action) {
        try (CmapBatch batch = handle.batch()) {
            // attached before the answer can arrive: the thread reading the answer runs the action
            return batch.setAsync("k.action", CmapValue.uint32(1)).thenApply(done -> {
                actionThread.set(Thread.currentThread());
                return action.get();
            });
        }
    }

    /** How the listener's call ended ("answered", or what it threw), failing as {@link Waits#returned} does. */
    String callEnded(String what, String why) throws InterruptedException, ExecutionException {
        return Waits.returned(called, WAIT_SECONDS, what, why);
    }

    /** What the dispatch that ran the listener returned. */
    int dispatched() throws InterruptedException, ExecutionException, TimeoutException {
        return dispatched.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** How many times the listener was notified. */
    int notified() {
        return notified.get();
    }
}
