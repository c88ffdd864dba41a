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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a request's caller leaves behind when it times out: a request that made something on the
 * server for us (a tracking, an iterator) undoes it when its late answer comes, and one that lets
 * go of something (a track_delete, an iter_finalize) is sent even if it timed out still waiting
 * in the client. Other requests are only no longer waited for. An answer in time goes to the
 * request's {@code answered}, never one its caller did not get.
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
    /** The marks of the requests whose answers went to their {@code answered}, in order. */
    private final List<Integer> answered = new CopyOnWriteArrayList<>();

    /** A request whose answer decodes to {@code mark}, and which notes in {@link #answered} that it came. */
    private Pipeline.Call<Integer> marked(int mark, Pipeline.LateAnswer undo, boolean sentAnyway) {
        return new Pipeline.Call<>("op" + mark, null, RESPONSE_ID, SIZE, mark(mark), (response, length) -> mark, undo,
                sentAnyway, answered::add);
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
        assertEquals(List.of(2), answered, "only the answer in time");
    }

    @Test
    void anAnswerInTimeIsNotUndone() {
        server.allowed.set(Integer.MAX_VALUE);
        assertEquals(1, pipeline.call(marked(1, recordingUndo(), false)));
        assertEquals(List.of(1), answered, "handed over before the call returned");
        pipeline.call(marked(2, null, false));
        assertEquals(List.of(), undone);
        assertEquals(List.of(1, 2), answered);
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
        fillTheWindow();
        timesOut(() -> pipeline.call(marked(1, null, false)));
        timesOut(() -> pipeline.call(marked(2, null, true)));
        assertEquals(Pipeline.MAX_IN_FLIGHT, server.sent.get(), "both timed out in the client");

        server.allowed.set(Integer.MAX_VALUE);
        pipeline.call(marked(3, null, false)); // behind them in the backlog

        List<Byte> afterTheWindow = server.firstBytes.subList(Pipeline.MAX_IN_FLIGHT, server.firstBytes.size());
        assertEquals(List.of((byte) 2, (byte) 3), afterTheWindow, "the one sent anyway, then the next call");
        assertFalse(server.firstBytes.contains((byte) 1), "a request that timed out in the client is not sent");
        assertTrue(pipeline.inFlightCount() == 0, "every answer read");
    }

    /**
     * The answer is read by another thread (here the drainer) and is being decoded when its
     * caller's deadline passes: the caller throws TIMEOUT, so nobody learns what the answer made,
     * and the undo must still get it.
     */
    @Test
    void anAnswerDecodedWhileItsCallerTimesOutIsStillUndone() throws Exception {
        CountDownLatch readerInside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        server.allowed.set(1);
        // the drainer reads this one's answer and stays in its decoder, holding the receive lock
        CompletableFuture<Object> first = pipeline.callAsync("first", null, RESPONSE_ID, SIZE, mark(0),
                (response, length) -> {
                    readerInside.countDown();
                    await(release);
                    return null;
                });
        await(readerInside);

        CountDownLatch callerGaveUp = new CountDownLatch(1);
        AtomicBoolean decodedBeforeTimeout = new AtomicBoolean();
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread caller = Thread.ofPlatform().start(() -> {
            try {
                pipeline.call(new Pipeline.Call<>("track_add", null, RESPONSE_ID, SIZE, mark(1),
                        (response, length) -> {
                            decodedBeforeTimeout.set(callerGaveUp.getCount() == 1);
                            await(callerGaveUp); // a slow decode: the deadline passes meanwhile
                            return 42;
                        },
                        recordingUndo(), false, answered::add));
            } catch (Throwable e) {
                outcome.set(e);
                callerGaveUp.countDown();
            }
        });
        Waits.until(() -> server.sent.get() == 2, "the caller's request on the wire");
        CompletableFuture<Object> after = pipeline.callAsync("after", null, RESPONSE_ID, SIZE, mark(2),
                (response, length) -> null);
        server.allowed.set(Integer.MAX_VALUE);
        release.countDown();

        caller.join(10_000);
        after.get(10, TimeUnit.SECONDS);
        first.get(10, TimeUnit.SECONDS);
        assertEquals(CsError.TIMEOUT, ((CmapException) outcome.get()).error(), String.valueOf(outcome.get()));
        assertTrue(decodedBeforeTimeout.get(), "the answer was read before the caller timed out");
        assertEquals(List.of(ResponseHeaderDescriptor.LENGTH), undone, "the caller got TIMEOUT, so the undo ran");
        assertEquals(List.of(), answered, "and not what an answer in time does");
    }

    /**
     * A request sent anyway whose caller timed out meets flow control when the window opens:
     * the refusal would go to nobody, so it waits for the next try instead of being dropped.
     */
    @Test
    void aRequestSentAnywayOutlastsAPassingFlowControl() throws Exception {
        fillTheWindow();
        timesOut(() -> pipeline.call(marked(2, null, true)));

        server.refuseNext.set(1); // corosync resumes with flow control raised for a moment
        server.allowed.set(Integer.MAX_VALUE);
        pipeline.call(marked(3, null, false)); // sent behind it, after the refusal

        List<Byte> afterTheWindow = server.firstBytes.subList(Pipeline.MAX_IN_FLIGHT, server.firstBytes.size());
        assertEquals(List.of((byte) 2, (byte) 3), afterTheWindow, "the one sent anyway, then the next call");
    }

    private static Pipeline.Encoder mark(int mark) {
        return buffer -> {
            buffer.fill((byte) mark);
            return SIZE;
        };
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Fills the window with sets the stopped server never answers; they time out. */
    private void fillTheWindow() {
        List<CompletableFuture<Void>> window = new ArrayList<>();
        for (int i = 0; i < Pipeline.MAX_IN_FLIGHT; i++) {
            window.add(pipeline.callAsync("set", "k", RESPONSE_ID, SIZE, mark(0), (response, length) -> null));
        }
        assertEquals(Pipeline.MAX_IN_FLIGHT, server.sent.get(), "the window is full");
        for (CompletableFuture<Void> future : window) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(2, TimeUnit.SECONDS));
            assertEquals(CsError.TIMEOUT, assertInstanceOf(CmapException.class, e.getCause()).error());
        }
    }
}
