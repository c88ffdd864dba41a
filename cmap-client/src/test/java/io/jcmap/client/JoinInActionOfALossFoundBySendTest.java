package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.cmap.ResponseHeaderDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A send that finds the connection lost breaks the pipeline down, running the actions of the
 * requests it fails. It did so holding the send lock: a join in such an action, of a stage of a
 * request whose answer the reading thread had read and kept for after its own action, waited for
 * that thread, which waited for the send lock to issue a request; neither returned
 * (RandomJoinsInActionsTest, seed 16).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JoinInActionOfALossFoundBySendTest {
    private static final int LENGTH = ResponseHeaderDescriptor.LENGTH;
    private static final long WAIT_SECONDS = 5;

    private static CompletableFuture<Object> request(Pipeline pipeline, String value) {
        return pipeline.callAsync("get", value, ScriptedConnection.RESPONSE_ID, LENGTH, buffer -> LENGTH,
                (response, length) -> value);
    }

    @Test
    void aJoinInAnActionOfTheBreakdownOfAStageOfAnAnswerKeptByTheReaderReturns() throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        CountDownLatch read = new CountDownLatch(1);
        CountDownLatch breakingDown = new CountDownLatch(1);
        CompletableFuture<Object> first = request(pipeline, "first");
        CompletableFuture<Object> kept = request(pipeline, "kept");
        CompletableFuture<Object> joined = request(pipeline, "joined");
        CompletableFuture<Object> unanswered = request(pipeline, "unanswered");
        CompletableFuture<Object> reader = first.thenApply(value -> {
            joined.join(); // reads kept's answer, which completes once this action has returned
            read.countDown();
            await(breakingDown);
            return request(pipeline, "issued in the action"); // takes the send lock
        });
        CompletableFuture<Object> failed = unanswered.handle((value, failure) -> {
            breakingDown.countDown();
            try {
                return kept.thenApply(answer -> answer + "!").join();
            } catch (CompletionException e) {
                return e.getCause();
            }
        });
        server.allowed.set(3);
        assertTrue(read.await(WAIT_SECONDS, TimeUnit.SECONDS), "the reader's join read the answers");
        server.vanishOnSend = new ErrnoException(107, "gone");
        CompletableFuture<Object> sent = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("sending").start(() -> sent.complete(request(pipeline, "lost")));

        assertEquals("kept!", Waits.returned(failed, WAIT_SECONDS, "the join, in the action of a request the"
                + " breakdown found by a send fails, of a stage of an answer the reader keeps for after its action",
                "the breakdown ran the action holding the send lock, which the reader's action waits for"));
        assertInstanceOf(CompletableFuture.class, Waits.returned(reader, WAIT_SECONDS, "the reader's action",
                "it waits for the send lock"));
        CompletableFuture<?> lost = (CompletableFuture<?>) Waits.returned(sent, WAIT_SECONDS, "the send", "");
        CmapException failure = assertInstanceOf(CmapException.class,
                lost.handle((value, e) -> e).get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertTrue(failure.getMessage().contains("connection lost"), failure::getMessage);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(WAIT_SECONDS, TimeUnit.SECONDS), "the breakdown runs the action");
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
