package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.protocol.cmap.ResponseHeaderDescriptor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * While trackDelete, inside a completion action, waits for a listener running on another thread,
 * it reads answers (the listener may wait for one). The futures that read completes wait until
 * the action has returned, and complete in the order read, after those the action's own
 * synchronous call read before (decision 0020); before, they completed at once, on top of the
 * running action and ahead of the earlier ones.
 */
class TrackRegistryEndWhileReadingTest {
    private static final int RESPONSE_ID = ScriptedConnection.RESPONSE_ID;
    private static final int LENGTH = ResponseHeaderDescriptor.LENGTH;

    private static CompletableFuture<Object> async(Pipeline pipeline, String name) {
        return pipeline.callAsync("get", name, RESPONSE_ID, LENGTH, buffer -> LENGTH, (response, length) -> name);
    }

    @Test
    void answersReadWhileEndWaitsCompleteAfterTheActionInTheOrderRead() throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        TrackRegistry tracks = new TrackRegistry();
        TrackRegistry.Registration registration = tracks.reserve("k", 0, null);
        List<String> order = new CopyOnWriteArrayList<>();
        AtomicBoolean action1Returned = new AtomicBoolean();
        AtomicBoolean f3RanInsideAction1 = new AtomicBoolean();
        CountDownLatch ending = new CountDownLatch(1);
        AtomicReference<CompletableFuture<Void>> f3 = new AtomicReference<>();
        AtomicReference<Thread> deleting = new AtomicReference<>();

        // the listener, running on another thread, sends a request once end() waits for it
        TrackRegistry.Registration withListener = new TrackRegistry.Registration(registration.instance, "k", 0,
                (handle, n) -> {
                    try {
                        ending.await(10, TimeUnit.SECONDS);
                        Waits.until(() -> TrackRegistryFrames.waitsForARunningCallback(deleting.get()),
                                "end() waits for this listener");
                        CompletableFuture<Void> third = async(pipeline, "f3").thenRun(() -> {
                            f3RanInsideAction1.set(!action1Returned.get());
                            order.add("f3");
                        });
                        f3.set(third);
                        // the answer is there at once: without the deferral its action ran within this time
                        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
                        while (!third.isDone() && System.nanoTime() < until) {
                            Thread.sleep(1);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
        tracks.confirm(withListener, pipeline, 1);
        CountDownLatch inListener = new CountDownLatch(1);
        Thread dispatcher = Thread.ofPlatform().start(() -> withListener.runListener(null, h -> {
            inListener.countDown();
            return null;
        }, pipeline::readIfReading));
        assertTrue(inListener.await(5, TimeUnit.SECONDS));

        CompletableFuture<Void> action1 = async(pipeline, "f1").thenRun(() -> {
            // a synchronous call in the action: reads f2's answer (deferred), then its own
            pipeline.call("get", "s", RESPONSE_ID, LENGTH, buffer -> LENGTH, (response, length) -> "s");
            deleting.set(Thread.currentThread());
            ending.countDown();
            tracks.remove(withListener, pipeline::readIfReading);
            action1Returned.set(true);
        });
        CompletableFuture<Void> f2 = async(pipeline, "f2").thenRun(() -> order.add("f2"));
        server.allowed.set(Integer.MAX_VALUE);
        action1.get(10, TimeUnit.SECONDS);
        f2.get(10, TimeUnit.SECONDS);
        dispatcher.join(10_000);
        f3.get().get(10, TimeUnit.SECONDS);
        assertEquals(List.of("f2", "f3"), order, "futures complete in the order their answers were read");
        assertEquals(false, f3RanInsideAction1.get(), "no action runs on top of another (decision 0020)");
    }
}
