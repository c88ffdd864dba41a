package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.protocol.cmap.ResponseHeaderDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A {@code join} or {@code get} inside a completion action, on a future whose answer is still to
 * be read: the action's thread holds the reading, so the wait reads for itself (decision 0034).
 * Each of these waited for ever, and the handle with it.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PipelineJoinInActionTest {
    private static final int RESPONSE_ID = ScriptedConnection.RESPONSE_ID;
    private static final int LENGTH = ResponseHeaderDescriptor.LENGTH;

    /** A server answering nothing until a test allows it; one per test, as is this instance. */
    private final SlowServer server = new SlowServer();
    private final Pipeline pipeline = new Pipeline(server, 0, reason -> { });

    private static CompletableFuture<Object> request(Pipeline pipeline, String value) {
        return pipeline.callAsync("get", "k", RESPONSE_ID, LENGTH, buffer -> LENGTH, (response, length) -> value);
    }

    /** Runs {@code body} as the action of a request, lets the server answer all, and checks its result. */
    private void assertActionReturns(Object expected, Function<Object, Object> body) throws Exception {
        CompletableFuture<Object> action = request(pipeline, "first").thenApply(body);
        server.allowed.set(Integer.MAX_VALUE);
        assertEquals(expected, within(action, 10));
    }

    private static Object within(CompletableFuture<?> future, long seconds) throws Exception {
        return future.get(seconds, TimeUnit.SECONDS);
    }

    @Test
    void thousandsOfActionsJoiningARequestEachAllSucceedWithoutStackingUp() throws Exception {
        List<CompletableFuture<Object>> actions = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            // each join reads the answers of the requests before its own, whose actions join too: those
            // must wait for the action, or they nest, past MAX_NESTED_READS (LIBRARY)
            actions.add(request(pipeline, "first").thenApply(value -> request(pipeline, "joined").join()));
        }
        server.allowed.set(Integer.MAX_VALUE);
        for (CompletableFuture<Object> action : actions) {
            assertEquals("joined", within(action, 30));
        }
        assertEquals("after", within(request(pipeline, "after"), 10), "the pipeline goes on");
    }

    @Test
    void aStageDerivedFromARequestAndWaitingForAnotherIssuedInTheActionCompletes() throws Exception {
        assertActionReturns("a+b", value -> request(pipeline, "a")
                .thenCompose(a -> request(pipeline, "b").thenApply(b -> a + "+" + b))
                .join());
    }

    /**
     * A join in an action on a request of a batch that another thread flushes while the action
     * waits, directly, through a stage made before the flush, and with a timed get. The future
     * knew no pipeline when the wait began, so it waited as any future does, and once the batch
     * went nobody read the answers: the action, the reading and every later request waited for
     * ever (RandomJoinsInActionsTest, seed 119, in 5 of some 10 runs).
     */
    @Test
    void aJoinOnARequestOfABatchThatAnotherThreadFlushesMeanwhileReadsItsAnswer() throws Exception {
        RequestBatch batch = new RequestBatch();
        CompletableFuture<Object> batched = batch.add("get", "k", RESPONSE_ID, LENGTH, buffer -> LENGTH,
                (response, length) -> "batched");
        CompletableFuture<Object> stage = batched.thenApply(got -> got + "!");
        AtomicReference<Thread> reader = new AtomicReference<>();
        CompletableFuture<Object> action = request(pipeline, "first").thenApply(value -> {
            reader.set(Thread.currentThread());
            try {
                return batched.join() + " " + stage.join() + " " + batched.get(10, TimeUnit.SECONDS);
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                return e;
            }
        });
        server.allowed.set(Integer.MAX_VALUE);
        Waits.until(() -> reader.get() != null && reader.get().getState() != Thread.State.RUNNABLE,
                "the action waits for the batch");
        pipeline.sendBatch(batch);
        assertEquals("batched batched! batched", within(action, 10));
        assertEquals("after", within(request(pipeline, "after"), 10), "the pipeline goes on");
    }

    /**
     * A join in an action on a stage that issues its request on another thread, once a future
     * outside the pipeline completes there: when the join began, nothing was on the wire for it,
     * so it waited as any future does, and the request the other thread then sent had its answer
     * read by nobody (RandomJoinsInActionsTest, seed 130, once in 6,000 scenarios).
     */
    @Test
    void aJoinOnAStageWhoseRequestAnotherThreadIssuesMeanwhileReadsItsAnswer() throws Exception {
        CompletableFuture<Object> outside = new CompletableFuture<>();
        AtomicReference<Thread> reader = new AtomicReference<>();
        CompletableFuture<Object> action = request(pipeline, "first").thenApply(value -> {
            reader.set(Thread.currentThread());
            return request(pipeline, "r").thenCombine(outside, (r, o) -> r + "" + o)
                    .thenCompose(combined -> request(pipeline, combined + " inner")).join();
        });
        server.allowed.set(Integer.MAX_VALUE);
        Waits.until(() -> reader.get() != null && reader.get().getState() != Thread.State.RUNNABLE,
                "the action waits for the stage");
        outside.complete("+o"); // on this thread: the stage issues its request here
        assertEquals("r+o inner", within(action, 10));
        assertEquals("after", within(request(pipeline, "after"), 10), "the pipeline goes on");
    }

    @Test
    void aJoinOnARequestOfABatchFlushedInTheActionReadsItsAnswer() throws Exception {
        assertActionReturns("batched!", value -> {
            RequestBatch batch = new RequestBatch();
            CompletableFuture<Object> batched = batch.add("get", "k", RESPONSE_ID, LENGTH, buffer -> LENGTH,
                    (response, length) -> "batched");
            pipeline.sendBatch(batch);
            return batched.thenApply(got -> got + "!").join();
        });
    }

    @Test
    void aStageCombiningARequestIssuedBeforeTheActionCompletes() throws Exception {
        CompletableFuture<Object> first = request(pipeline, "first");
        CompletableFuture<Object> earlier = request(pipeline, "earlier");
        // the joined stage is derived from the action's request, and waits for one it does not name
        CompletableFuture<Object> action = first.thenApply(value -> request(pipeline, "own")
                .thenCombine(earlier, (own, other) -> own + "+" + other)
                .join());
        server.allowed.set(Integer.MAX_VALUE);
        assertEquals("own+earlier", within(action, 10));
    }

    @Test
    void aGetWithATimeoutInAnActionTimesOutWhenNoAnswerComes() throws Exception {
        CompletableFuture<Object> action = request(pipeline, "first").thenApply(value -> {
            CompletableFuture<Object> unanswered = request(pipeline, "never");
            long started = System.nanoTime();
            assertThrows(TimeoutException.class, () -> unanswered.get(200, TimeUnit.MILLISECONDS));
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        });
        server.allowed.set(1);
        long waited = (Long) within(action, 10);
        assertTrue(waited >= 200 && waited < 5_000, "the get waited " + waited + " ms");
        server.allowed.set(Integer.MAX_VALUE);
        assertEquals("after", within(request(pipeline, "after"), 10), "the pipeline goes on");
    }

    @Test
    void aJoinInAnActionFailsWithTheReasonWhenThePipelineBreaksDown() throws Exception {
        CompletableFuture<Throwable> action = request(pipeline, "first").thenApply(value -> {
            CompletableFuture<Object> unanswered = request(pipeline, "never");
            Thread.ofPlatform().start(() -> {
                Waits.until(() -> server.sent.get() == 2, "the second request sent");
                pipeline.breakDown(new CmapException(CsError.LIBRARY, "connection lost: test"));
            });
            return assertThrows(CompletionException.class, unanswered::join).getCause();
        });
        server.allowed.set(1);
        CmapException failure = assertInstanceOf(CmapException.class, within(action, 10));
        assertEquals(CsError.LIBRARY, failure.error());
    }

    /**
     * The answer with the wrong message id failed its request before the pipeline was broken: a join
     * in that request's action, of a later request, read on as if nothing had happened, and with no
     * answer to come waited for ever, the breakdown never made (RandomJoinsInActionsTest).
     */
    @Test
    void aJoinInTheActionOfTheRequestAnsweredWithTheWrongMessageIdFailsWithTheProtocolError() throws Exception {
        CompletableFuture<Object> misanswered = pipeline.callAsync("get", "k", RESPONSE_ID + 1, LENGTH,
                buffer -> LENGTH, (response, length) -> "misanswered");
        CompletableFuture<Object> later = request(pipeline, "later");
        CompletableFuture<Object> action = misanswered.handle((value, failure) -> {
            try {
                return later.join();
            } catch (CompletionException e) {
                return e.getCause();
            }
        });
        server.allowed.set(1); // the wrong answer only: the server answers nothing more
        Object outcome = Waits.returned(action, 5, "the join, in the action of the request answered with the wrong"
                + " message id, of a later request", "the pipeline was not broken yet: the join read on");
        assertEquals(CsError.MESSAGE_ERROR, assertInstanceOf(CmapException.class, outcome).error());
        assertEquals(CsError.MESSAGE_ERROR, assertInstanceOf(CmapException.class,
                assertThrows(ExecutionException.class, () -> within(misanswered, 10)).getCause()).error());
    }

    @Test
    void joinsNestedTooDeepInActionsFailWithLibraryInsteadOfOverflowing() throws Exception {
        CompletableFuture<Object> action = request(pipeline, "first").thenApply(value -> nest(pipeline, 100));
        server.allowed.set(Integer.MAX_VALUE);
        ExecutionException failed = assertThrows(ExecutionException.class, () -> within(action, 10));
        Throwable cause = failed.getCause();
        while (cause instanceof CompletionException) {
            cause = cause.getCause();
        }
        CmapException failure = assertInstanceOf(CmapException.class, cause);
        assertEquals(CsError.LIBRARY, failure.error(), failure.getMessage());
        assertEquals("after", within(request(pipeline, "after"), 10), "the pipeline goes on");
    }

    /**
     * A request that throws at once (its input cannot be a request: a key name longer than 255
     * bytes, whose encoding fails) is never sent, and its
     * future never completes: made while a join reads, it was watched as one the join waits for,
     * and the join read towards it for good instead of completing the earlier answer its stage
     * waits for.
     */
    @Test
    void aRequestRefusedAtOnceWhileAJoinReadsIsNotWaitedFor() throws Exception {
        CompletableFuture<Object> first = request(pipeline, "first");
        CompletableFuture<Object> earlier = request(pipeline, "earlier");
        CompletableFuture<Object> action = first.thenApply(value -> request(pipeline, "own")
                .thenCompose(own -> {
                    assertThrows(CmapException.class, () -> pipeline.callAsync("get", "k", RESPONSE_ID, LENGTH,
                            buffer -> {
                                throw new CmapException(CsError.INVALID_PARAM, "not a request");
                            }, (response, length) -> "never"));
                    return CompletableFuture.completedFuture(own);
                })
                .thenCombine(earlier, (own, other) -> own + "+" + other)
                .join());
        server.allowed.set(Integer.MAX_VALUE);
        assertEquals("own+earlier", within(action, 10));
    }

    /**
     * A stage made from a request's future, kept once done, keeps nothing of that future, as a
     * stage of a plain CompletableFuture does: with a reference to the request's future, a kept
     * {@code getAsync(key).thenApply(CmapValue::size)} kept the whole value it was made from.
     */
    @Test
    void aStageKeptKeepsNotTheValueOfTheRequestItWasMadeFrom() throws Exception {
        server.allowed.set(Integer.MAX_VALUE);
        List<WeakReference<Object>> values = new ArrayList<>();
        CompletableFuture<Object> stage = pipeline.callAsync("get", "k", RESPONSE_ID, LENGTH, buffer -> LENGTH,
                        (response, length) -> new byte[1 << 20])
                .thenApply(value -> {
                    values.add(new WeakReference<>(value));
                    return "its size";
                });
        assertEquals("its size", within(stage, 10));
        Waits.until(() -> {
            System.gc();
            return values.getFirst().get() == null;
        }, "the value collected while the stage made from it is kept");
        assertEquals("its size", stage.join(), "kept until here");
    }

    /** As above, the request's future gone: a join in an action, on a stage made from its stage, still reads. */
    @Test
    void aJoinOnAStageWhoseRequestsFutureIsGoneStillReads() throws Exception {
        server.allowed.set(Integer.MAX_VALUE);
        CompletableFuture<Object> request = request(pipeline, "made");
        WeakReference<Object> gone = new WeakReference<>(request);
        CompletableFuture<Object> made = request.thenApply(value -> value);
        assertEquals("made", within(made, 10));
        request = null;
        Waits.until(() -> {
            System.gc();
            return gone.get() == null;
        }, "the request's future collected");
        CompletableFuture<Object> action = request(pipeline, "first")
                .thenApply(value -> made.thenCompose(got -> request(pipeline, got + "+inner")).join());
        assertEquals("made+inner", within(action, 10));
    }

    /**
     * A thread starting an iteration holds the wire until its first ITER_NEXT is out, and an
     * asynchronous request of its own waits for that (decision 0020). A join on such a request,
     * in what this thread runs while it reads the ITER_INIT answer (here the answer's decoding,
     * as in PipelineHoldTest), waited for a hold that only this thread could end: the join gives
     * it up, as a wait for another thread does, and the answer says that something went between.
     */
    @Test
    void aJoinOfTheIterationStartersOwnRequestHeldBackByItsHoldReadsItsAnswer() throws Exception {
        server.allowed.set(Integer.MAX_VALUE);
        Pipeline.Call<Object> opener = new Pipeline.Call<>("iter_init", null, RESPONSE_ID, LENGTH,
                buffer -> LENGTH, (response, length) -> request(pipeline, "joined").join());
        Pipeline.Call<Object> follower = new Pipeline.Call<>("iter_next", null, RESPONSE_ID, LENGTH,
                buffer -> LENGTH, (response, length) -> "next");
        CompletableFuture<Pipeline.Held<Object, Object>> held = CompletableFuture.supplyAsync(
                () -> pipeline.callHeld(opener, answer -> follower, 1),
                runnable -> Thread.ofPlatform().daemon().start(runnable));
        Pipeline.Held<Object, Object> result = held.get(10, TimeUnit.SECONDS);
        assertEquals("joined", result.first());
        assertEquals(List.of("next"), result.then());
        assertFalse(result.kept(), "the joined request went between");
    }

    /**
     * A future kept after its handle closed keeps nothing of it, as before the handle's futures
     * could read: with a reference to their pipeline, a request's future and every stage made
     * from it kept the pipeline, its connection and buffers, and through its breakdown callback
     * the handle with its trackings, for as long as the application kept any of them.
     */
    @Test
    void futuresKeptAfterTheCloseKeepNoPipeline() throws Exception {
        SlowServer closedServer = new SlowServer();
        closedServer.allowed.set(Integer.MAX_VALUE);
        Pipeline closed = new Pipeline(closedServer, 0, reason -> { });
        CompletableFuture<Object> kept = request(closed, "kept");
        CompletableFuture<Object> derived = kept.thenApply(value -> value + "!");
        assertEquals("kept!", within(derived, 10));
        closed.close(new CmapException(CsError.LIBRARY, "closed"), false);
        WeakReference<Pipeline> collected = new WeakReference<>(closed);
        closed = null;
        Waits.until(() -> {
            System.gc();
            return collected.get() == null;
        }, "the closed pipeline collected while its futures are kept");
        assertEquals("kept", kept.join(), "kept until here");
        assertEquals("kept!", derived.join(), "kept until here");
    }

    /**
     * A broken pipeline, kept until its handle closes, keeps none of the futures its breakdown
     * failed: it listed them for a join in one of their actions, and kept the list (with the
     * futures' values) once all were failed.
     */
    @Test
    void aBrokenPipelineKeepsNotTheFuturesItFailed() throws Exception {
        CompletableFuture<Object> failed = request(pipeline, "never answered");
        WeakReference<Object> collected = new WeakReference<>(failed);
        pipeline.close(new CmapException(CsError.LIBRARY, "closed"), false);
        assertTrue(failed.isCompletedExceptionally(), "failed by the breakdown");
        failed = null;
        Waits.until(() -> {
            System.gc();
            return collected.get() == null;
        }, "the failed request's future collected while its broken pipeline is kept");
        assertNotNull(pipeline.brokenReason(), "kept until here");
    }

    /** A request whose action joins a request whose action joins ..., {@code depth} deep. */
    private static Object nest(Pipeline pipeline, int depth) {
        if (depth == 0) {
            return "bottom";
        }
        return request(pipeline, "level").thenApply(value -> nest(pipeline, depth - 1)).join();
    }
}
