package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.protocol.cmap.CmapResponseId;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A join, in the completion action of a request that the pipeline's breakdown fails, on a later
 * request of the handle. The thread breaking the pipeline down fails the requests in order and
 * runs their actions; when it does not hold the reading (a close, a loss found by dispatch or by
 * a send), the join did not read, and waited as any future does, for the same thread to fail the
 * later request once the action had returned: for ever. close() itself never returned, and a
 * second close did nothing, the pipeline being broken already. Decision 0034 says a join in an
 * action fails with the reason when the pipeline breaks down. So does the join of a stage that
 * waits for a request it does not name (thenCombine's other): failIfBrokenDown failed only the
 * request the stage was made from, and the other, which the same thread fails only once the
 * action has returned, was waited for for ever; close() never returned. So, too, when that other
 * request still waited in the backlog (the window full): the breakdown kept only those on the wire
 * for the join to fail, and failed the backlog's after the action. And when the thread breaking it
 * down reads (an answer with the wrong message id): the join read until none was left on the wire,
 * then waited, as any future does, for the other, which that thread fails after the action. And when
 * the thread failing them is not the breakdown's (a batch flushed after it): the join looked only at
 * the breakdown's requests.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JoinInActionOfTheBreakdownTest {
    private static final long WAIT_SECONDS = 5;

    private final ScriptedCmapServer server = new ScriptedCmapServer(0x1000);
    private ConnectedHandle handle;

    @AfterEach
    void tearDown() {
        server.releaseReader.countDown();
        if (handle != null) {
            handle.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"close", "a loss found by dispatch"})
    void theJoinFailsWithTheBreakdownsReasonAndTheBreakdownEnds(String breakdown) throws Exception {
        open();
        server.withholdSets = true;
        AtomicReference<CompletableFuture<Void>> later = new AtomicReference<>();
        CompletableFuture<Object> action = firstRequestJoining(later);
        later.set(handle.setAsync("k.later", CmapValue.uint32(2)));

        CompletableFuture<Object> ended = breakDown(breakdown);
        Object outcome = Waits.returned(action, WAIT_SECONDS, "the join in the action of the first request, which "
                + breakdown + " failed,", "it waits for the later request, which the thread breaking the pipeline down"
                + " fails only once that action has returned");
        assertFailedByTheBreakdownWhichEnded(breakdown, outcome, ended);
    }

    @ParameterizedTest
    @ValueSource(strings = {"close", "a loss found by dispatch"})
    void theJoinOfAStageFailsWithTheBreakdownsReasonAndTheBreakdownEnds(String breakdown) throws Exception {
        open();
        server.withholdSets = true;
        AtomicReference<CompletableFuture<String>> stage = new AtomicReference<>();
        CompletableFuture<Object> action = firstRequestJoining(stage);
        CompletableFuture<Void> later = handle.setAsync("k.later", CmapValue.uint32(2));
        CompletableFuture<Void> other = handle.setAsync("k.other", CmapValue.uint32(3));
        stage.set(later.thenCombine(other, (a, b) -> "both"));
        CompletableFuture<Object> ended = breakDown(breakdown);
        Object outcome = Waits.returned(action, WAIT_SECONDS, "the join, in the action of the first request, of a"
                + " stage combining two later requests", "failIfBrokenDown failed only the one the stage was made from;"
                + " the other waits for the thread breaking the pipeline down, until that action has returned");
        assertFailedByTheBreakdownWhichEnded(breakdown, outcome, ended);
    }

    @ParameterizedTest
    @ValueSource(strings = {"close", "a loss found by dispatch"})
    void theJoinOfAStageCombiningABackloggedRequestFailsAndTheBreakdownEnds(String breakdown) throws Exception {
        open();
        server.withholdSets = true;
        AtomicReference<CompletableFuture<String>> stage = new AtomicReference<>();
        CompletableFuture<Object> action = firstRequestJoining(stage);
        CompletableFuture<Void> later = handle.setAsync("k.later", CmapValue.uint32(2));
        for (int i = 2; i < Pipeline.MAX_IN_FLIGHT; i++) { // the window is full: the next one waits in the backlog
            handle.setAsync("k.filler", CmapValue.uint32(i));
        }
        CompletableFuture<Void> backlogged = handle.setAsync("k.backlogged", CmapValue.uint32(3));
        stage.set(later.thenCombine(backlogged, (a, b) -> "both"));
        CompletableFuture<Object> ended = breakDown(breakdown);
        Object outcome = Waits.returned(action, WAIT_SECONDS, "the join, in the action of the first request, of a"
                + " stage combining a later request with one waiting in the backlog", "the breakdown kept only the"
                + " requests on the wire for such a join to fail; the backlog's it fails once that action has"
                + " returned");
        assertFailedByTheBreakdownWhichEnded(breakdown, outcome, ended);
    }

    @Test
    void theJoinOfAStageFailsWhenTheReaderFindsAProtocolError() throws Exception {
        open();
        server.withholdSets = true;
        server.misanswerSets = 1; // the first SET's answer breaks the pipeline down, on the thread reading it
        server.holdAnswer(CmapResponseId.TRACK_DELETE); // ... once the later requests are on the wire
        handle.setAsync("k.misanswered", CmapValue.uint32(0));
        assertTrue(server.readerHeld.await(WAIT_SECONDS, TimeUnit.SECONDS), "the misanswer is being read");
        AtomicReference<CompletableFuture<String>> stage = new AtomicReference<>();
        CompletableFuture<Object> action = firstRequestJoining(stage);
        CompletableFuture<Void> later = handle.setAsync("k.later", CmapValue.uint32(2));
        CompletableFuture<Void> other = handle.setAsync("k.other", CmapValue.uint32(3));
        stage.set(later.thenCombine(other, (a, b) -> "both"));
        server.releaseReader.countDown();

        Object outcome = Waits.returned(action, WAIT_SECONDS, "the join, in the action of the first request, of a"
                + " stage combining two later requests, the reader breaking the pipeline down", "the join reads, and"
                + " when none is left on the wire returns to wait for the other, which the same thread fails only once"
                + " that action has returned");
        assertEquals(CsError.MESSAGE_ERROR, assertInstanceOf(CmapException.class, outcome).error());
    }

    @Test
    void theJoinOfAStageCombiningTwoRequestsOfABatchFlushedAfterTheBreakdownFails() throws Exception {
        open();
        server.hangUp();
        CmapException lost = assertThrows(CmapException.class,
                () -> handle.dispatch(DispatchType.ONE));
        assertEquals(CsError.LIBRARY, lost.error(), lost::getMessage);
        CompletableFuture<Object> flushed = new CompletableFuture<>();
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread.ofPlatform().daemon().name("flushing").start(() -> {
            try {
                CmapBatch batch = handle.batch();
                AtomicReference<CompletableFuture<String>> stage = new AtomicReference<>();
                batch.setAsync("k.first", CmapValue.uint32(1)).whenComplete((value, failure) -> {
                    try {
                        outcome.set(stage.get().join());
                    } catch (CompletionException e) {
                        outcome.set(e.getCause());
                    }
                });
                CompletableFuture<Void> later = batch.setAsync("k.later", CmapValue.uint32(2));
                CompletableFuture<Void> other = batch.setAsync("k.other", CmapValue.uint32(3));
                stage.set(later.thenCombine(other, (a, b) -> "both"));
                batch.flush();
                flushed.complete("flushed");
            } catch (Throwable e) {
                flushed.complete(e);
            }
        });
        assertEquals("flushed", Waits.returned(flushed, WAIT_SECONDS, "the flush of a batch onto the broken"
                + " pipeline, the action of its first request joining a stage of two later ones", "the flush fails"
                + " them in order, and the join waits for the other, which it fails only once that action has"
                + " returned"));
        assertEquals(CsError.LIBRARY, assertInstanceOf(CmapException.class, outcome.get()).error());
    }

    private void open() {
        handle = new ConnectedHandle(CmapMap.ICMAP, CmapOptions.builder().build(), false, options -> server);
    }

    /**
     * A first request, whose completion action joins what {@code joined} holds by then: "joined" for a
     * request's own future, the stage's value, or the failure the join threw.
     */
    private CompletableFuture<Object> firstRequestJoining(AtomicReference<? extends CompletableFuture<?>> joined) {
        return handle.setAsync("k.first", CmapValue.uint32(1)).handle((value, failure) -> {
            try {
                return Objects.requireNonNullElse(joined.get().join(), "joined");
            } catch (CompletionException e) {
                return e.getCause();
            }
        });
    }

    /** Closes the handle, or loses its connection for a dispatch to find, on a thread of its own; what that ended with. */
    private CompletableFuture<Object> breakDown(String breakdown) {
        CompletableFuture<Object> ended = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("breaking down").start(() -> {
            try {
                if (breakdown.equals("close")) {
                    handle.close();
                    ended.complete("closed");
                } else {
                    server.hangUp();
                    ended.complete(handle.dispatch(DispatchType.ONE));
                }
            } catch (Throwable e) {
                ended.complete(e);
            }
        });
        return ended;
    }

    private static void assertFailedByTheBreakdownWhichEnded(String breakdown, Object outcome,
                                                             CompletableFuture<Object> ended) throws Exception {
        CsError expected = breakdown.equals("close") ? CsError.BAD_HANDLE : CsError.LIBRARY;
        assertEquals(expected, assertInstanceOf(CmapException.class, outcome).error());
        Object end = ended.get(WAIT_SECONDS, TimeUnit.SECONDS);
        if (breakdown.equals("close")) {
            assertEquals("closed", end);
        } else {
            assertEquals(CsError.LIBRARY, assertInstanceOf(CmapException.class, end).error());
        }
    }
}
