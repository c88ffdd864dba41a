package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A request's {@code answered} ({@link Pipeline.Call}) runs on the thread that reads its answer,
 * and has finished before the caller's wait returns: trackAdd confirms its tracking there, and a
 * caller that went on first could delete it, or see a listener run, before that confirmation
 * wrote (it put a deleted tracking back, or blocked the reader on a running listener's lock).
 */
class PipelineAnsweredTest {
    private static final int RESPONSE_ID = ScriptedConnection.RESPONSE_ID;
    private static final int SIZE = 64;

    private final SlowServer server = new SlowServer();
    private final Pipeline pipeline = new Pipeline(server, 0, reason -> { });

    @AfterEach
    void tearDown() {
        pipeline.breakDown(new CmapException(CsError.BAD_HANDLE, "test over"));
    }

    @Test
    void anAnswerReadByAnotherThreadHasGoneToAnsweredBeforeItsCallerReturns() throws Exception {
        CountDownLatch callerWaits = new CountDownLatch(1);
        AtomicReference<Thread> reader = new AtomicReference<>();
        // attached before the server may answer: the thread that reads this answer runs the action,
        // holding the receive lock, and its own call then reads the caller's answer before its own
        CompletableFuture<Integer> action = pipeline.callAsync("first", null, RESPONSE_ID, SIZE, buffer -> SIZE,
                (response, length) -> 1).thenApply(first -> {
                    reader.set(Thread.currentThread());
                    await(callerWaits);
                    return pipeline.call("in-action", null, RESPONSE_ID, SIZE, buffer -> SIZE, (response, length) -> 3);
                });
        server.allowed.set(1);
        Waits.until(() -> reader.get() != null, "the action runs, holding the receive lock");

        CountDownLatch hookEntered = new CountDownLatch(1);
        CountDownLatch hookMayEnd = new CountDownLatch(1);
        AtomicReference<Thread> hookThread = new AtomicReference<>();
        CompletableFuture<Integer> caller = new CompletableFuture<>();
        Thread calling = Thread.ofPlatform().daemon().start(() -> {
            try {
                caller.complete(pipeline.call(new Pipeline.Call<Integer>("track_add", null, RESPONSE_ID, SIZE,
                        buffer -> SIZE, (response, length) -> 2, null, false, value -> {
                            hookThread.set(Thread.currentThread());
                            hookEntered.countDown();
                            await(hookMayEnd);
                        })));
            } catch (Throwable e) {
                caller.completeExceptionally(e);
            }
        });
        Waits.until(() -> server.sent.get() == 2 && calling.getState() == Thread.State.TIMED_WAITING,
                "the caller's request is out and it waits, not reading");
        server.allowed.set(Integer.MAX_VALUE);
        callerWaits.countDown();

        assertTrue(hookEntered.await(10, TimeUnit.SECONDS), "the answer reached answered");
        assertSame(reader.get(), hookThread.get(), "on the thread that read it");
        Waits.holdsFor(300, () -> !caller.isDone(), "the caller waits while answered runs");
        hookMayEnd.countDown();
        assertEquals(2, caller.get(10, TimeUnit.SECONDS));
        assertEquals(3, action.get(10, TimeUnit.SECONDS));
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
