package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.protocol.cmap.ResponseHeaderDescriptor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * What a request's caller leaves behind when it times out: a request that made something on the
 * server for us (a tracking, an iterator) undoes it when its late answer comes, and one that lets
 * go of something (a track_delete, an iter_finalize) is sent even if it timed out still waiting
 * in the client. Other requests are only no longer waited for.
 */
class PipelineLateAnswerTest {
    private static final int RESPONSE_ID = ScriptedConnection.RESPONSE_ID;
    private static final long TIMEOUT_MILLIS = 100;
    private static final int SIZE = 64;

    private final SlowServer server = new SlowServer();
    private final Pipeline pipeline = new Pipeline(server, TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS),
            reason -> { });
    /** The lengths of the late answers each undo was handed, in order. */
    private final List<Integer> undone = new CopyOnWriteArrayList<>();

    private Pipeline.Call<Void> marked(int mark, Pipeline.LateAnswer undo, boolean sentAnyway) {
        return new Pipeline.Call<>("op" + mark, null, RESPONSE_ID, SIZE, buffer -> {
            buffer.fill((byte) mark);
            return SIZE;
        }, (response, length) -> null, undo, sentAnyway);
    }

    private Pipeline.LateAnswer recordingUndo() {
        return (response, length) -> undone.add(length);
    }

    private static void timesOut(Runnable call) {
        CmapException e = assertThrows(CmapException.class, call::run);
        assertEquals(CsError.TIMEOUT, e.error(), e.getMessage());
    }

    @Test
    void aLateAnswerGoesToTheUndoOfTheRequestWhoseCallerTimedOut() {
        timesOut(() -> pipeline.call(marked(1, recordingUndo(), false)));
        assertEquals(List.of(), undone, "nothing to undo before the answer comes");

        server.allowed.set(Integer.MAX_VALUE); // corosync runs again
        pipeline.call(marked(2, null, false)); // reads the late answer before its own

        assertEquals(List.of(ResponseHeaderDescriptor.LENGTH), undone, "the late answer, once");
        assertEquals(List.of((byte) 1, (byte) 2), server.firstBytes);
    }

    @Test
    void anAnswerInTimeIsNotUndone() {
        server.allowed.set(Integer.MAX_VALUE);
        pipeline.call(marked(1, recordingUndo(), false));
        pipeline.call(marked(2, null, false));
        assertEquals(List.of(), undone);
    }

    @Test
    void anUndoThatFailsLeavesTheAnswersAfterItToTheirOwnCallers() {
        timesOut(() -> pipeline.call(marked(1, (response, length) -> {
            throw new IllegalStateException("an undo that fails in a way nobody foresaw");
        }, false)));
        server.allowed.set(Integer.MAX_VALUE);
        pipeline.call(marked(2, null, false));
        pipeline.call(marked(3, null, false));
        assertEquals(3, server.answered.get());
    }

    /**
     * With the window full of requests the stopped server has not answered, the next ones wait
     * in the client and time out there: one that lets go of something goes out when the window
     * opens; the others never do.
     */
    @Test
    void onlyARequestSentAnywayLeavesTheBacklogAfterItsCallerTimedOut() throws Exception {
        List<CompletableFuture<Void>> window = new ArrayList<>();
        for (int i = 0; i < Pipeline.MAX_IN_FLIGHT; i++) {
            window.add(pipeline.callAsync("set", "k", RESPONSE_ID, SIZE, buffer -> {
                buffer.fill((byte) 0);
                return SIZE;
            }, (response, length) -> null));
        }
        assertEquals(Pipeline.MAX_IN_FLIGHT, server.sent.get(), "the window is full");
        timesOut(() -> pipeline.call(marked(1, null, false)));
        timesOut(() -> pipeline.call(marked(2, null, true)));
        assertEquals(Pipeline.MAX_IN_FLIGHT, server.sent.get(), "both timed out in the client");
        for (CompletableFuture<Void> future : window) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(2, TimeUnit.SECONDS));
            assertEquals(CsError.TIMEOUT, assertInstanceOf(CmapException.class, e.getCause()).error());
        }

        server.allowed.set(Integer.MAX_VALUE);
        pipeline.call(marked(3, null, false)); // behind them in the backlog

        List<Byte> afterTheWindow = server.firstBytes.subList(Pipeline.MAX_IN_FLIGHT, server.firstBytes.size());
        assertEquals(List.of((byte) 2, (byte) 3), afterTheWindow, "the one sent anyway, then the next call");
        assertFalse(server.firstBytes.contains((byte) 1), "a request that timed out in the client is not sent");
        assertTrue(pipeline.inFlightCount() == 0, "every answer read");
    }
}
