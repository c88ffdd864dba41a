package io.jcmap.client;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.protocol.ipc.FlowControl;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A channel that is full before the pipeline's window is (a fresh socket connection whose server
 * has not read yet holds about ten datagrams; a ring of large requests) makes requests wait in
 * the backlog, never fail; only flow control raised by the server fails them, with TRY_AGAIN
 * (decision 0011).
 */
class PipelineFullChannelTest {
    private static final int RESPONSE_ID = ScriptedConnection.RESPONSE_ID;
    private static final int REQUEST_LENGTH = Integer.BYTES;
    private static final int EAGAIN = 11;

    /**
     * Holds at most {@code capacity} requests the server has not answered; the server answers
     * only as many as {@link #allowed}. Each request carries its issue number.
     */
    private static final class NarrowChannel extends ScriptedConnection {
        private final int capacity;
        final List<Integer> accepted = new CopyOnWriteArrayList<>();
        final AtomicInteger answered = new AtomicInteger();
        final AtomicInteger allowed = new AtomicInteger();
        final AtomicInteger refusals = new AtomicInteger();
        /** Sends still to refuse whatever the room: the server read a request but has not freed its place. */
        final AtomicInteger refuseNext = new AtomicInteger();
        volatile boolean flowControl;
        /** The server is gone (its flow-control word may still say STOP). */
        volatile boolean gone;

        @Override
        public boolean isConnected() {
            return !gone && super.isConnected();
        }

        NarrowChannel(int capacity) {
            this.capacity = capacity;
        }

        @Override
        public synchronized boolean send(MemorySegment message, int length) {
            if (flowControl) {
                throw FlowControl.raised();
            }
            if (accepted.size() - answered.get() >= capacity || refuseNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                refusals.incrementAndGet();
                return false;
            }
            accepted.add(message.get(JAVA_INT, 0));
            return true;
        }

        @Override
        public int receiveResponse(long timeoutNanos) {
            return awaitAnswer(timeoutNanos, () -> {
                int done = answered.get();
                return done < accepted.size() && done < allowed.get() && answered.compareAndSet(done, done + 1);
            });
        }
    }

    private static CompletableFuture<Integer> request(Pipeline pipeline, int number) {
        return pipeline.callAsync("set", "k" + number, RESPONSE_ID, REQUEST_LENGTH, buffer -> {
            buffer.set(JAVA_INT, 0, number);
            return REQUEST_LENGTH;
        }, (response, length) -> number);
    }

    private static Integer call(Pipeline pipeline, int number) {
        return pipeline.call("get", "k" + number, RESPONSE_ID, REQUEST_LENGTH, buffer -> {
            buffer.set(JAVA_INT, 0, number);
            return REQUEST_LENGTH;
        }, (response, length) -> number);
    }

    private static List<Integer> numbers(int count) {
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            numbers.add(i);
        }
        return numbers;
    }

    private static CmapException failure(CompletableFuture<?> future) {
        ExecutionException failed = assertThrows(ExecutionException.class, () -> future.get(5, TimeUnit.SECONDS));
        return assertInstanceOf(CmapException.class, failed.getCause());
    }

    @Test
    void anAsyncBurstDeeperThanTheChannelWaitsForRoomAndIsSentInIssueOrder() throws Exception {
        NarrowChannel channel = new NarrowChannel(11);
        Pipeline pipeline = new Pipeline(channel, 0, reason -> { });
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            futures.add(request(pipeline, i));
        }
        assertEquals(numbers(11), channel.accepted, "the channel took what it holds");
        assertTrue(futures.stream().noneMatch(CompletableFuture::isDone), "none refused, none answered");

        channel.allowed.set(50);
        for (int i = 0; i < 50; i++) {
            assertEquals(i, futures.get(i).get(10, TimeUnit.SECONDS));
        }
        assertEquals(numbers(50), channel.accepted, "each sent once, in issue order");
        assertTrue(channel.refusals.get() > 0);
    }

    @Test
    void aSynchronousCallBehindAFullChannelWaitsItsTurn() throws Exception {
        NarrowChannel channel = new NarrowChannel(3);
        Pipeline pipeline = new Pipeline(channel, 0, reason -> { });
        List<CompletableFuture<Integer>> earlier = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            earlier.add(request(pipeline, i));
        }
        int refusedBefore = channel.refusals.get();
        CompletableFuture<Integer> sync = CompletableFuture.supplyAsync(() -> call(pipeline, 5));
        Waits.until(() -> channel.refusals.get() > refusedBefore, "the call's request meets the full channel");
        assertFalse(sync.isDone(), "waits, does not fail");

        channel.allowed.set(6);
        assertEquals(5, sync.get(10, TimeUnit.SECONDS));
        assertTrue(earlier.stream().allMatch(f -> f.isDone() && !f.isCompletedExceptionally()));
        assertEquals(numbers(6), channel.accepted);
    }

    @Test
    void aRefusalWithNothingInFlightIsRetriedUntilTheChannelTakesIt() throws Exception {
        NarrowChannel channel = new NarrowChannel(100);
        channel.allowed.set(Integer.MAX_VALUE);
        Pipeline pipeline = new Pipeline(channel, 0, reason -> { });

        channel.refuseNext.set(5);
        assertEquals(0, call(pipeline, 0), "a synchronous caller retries by itself");
        assertEquals(5, channel.refusals.get());

        channel.refuseNext.set(5);
        assertEquals(1, request(pipeline, 1).get(10, TimeUnit.SECONDS), "the response thread retries");
        assertEquals(10, channel.refusals.get());
        assertEquals(numbers(2), channel.accepted);
    }

    @Test
    void flowControlFailsARequestWithTryAgainAtOnceAndNothingIsSent() throws Exception {
        NarrowChannel channel = new NarrowChannel(100);
        channel.allowed.set(Integer.MAX_VALUE);
        Pipeline pipeline = new Pipeline(channel, 0, reason -> { });
        channel.flowControl = true;

        CmapException thrown = assertThrows(CmapException.class, () -> call(pipeline, 0));
        assertEquals(CsError.TRY_AGAIN, thrown.error());
        assertEquals(EAGAIN, thrown.errno());
        CmapException failed = failure(request(pipeline, 1));
        assertEquals(CsError.TRY_AGAIN, failed.error());
        assertTrue(channel.accepted.isEmpty());

        channel.flowControl = false;
        assertEquals(2, call(pipeline, 2), "the pipeline still works");
        assertEquals(List.of(2), channel.accepted);
    }

    /** An iterator may repeat a burst refused before sending: corosync's iterator has not moved (decision 0032). */
    @Test
    void aBurstRefusedByFlowControlSaysNothingWasSent() {
        NarrowChannel channel = new NarrowChannel(100);
        channel.allowed.set(Integer.MAX_VALUE);
        Pipeline pipeline = new Pipeline(channel, 0, reason -> { });
        channel.flowControl = true;
        Pipeline.Results<Integer> refused = pipeline.callRepeated(numbered(0), 4);
        assertEquals(CsError.TRY_AGAIN, refused.failure().error());
        assertFalse(refused.anySent(), "nothing went out");
        assertTrue(channel.accepted.isEmpty());

        channel.flowControl = false;
        Pipeline.Results<Integer> taken = pipeline.callRepeated(numbered(1), 4);
        assertEquals(List.of(1, 1, 1, 1), taken.values());
        assertTrue(taken.anySent() && taken.failure() == null);
    }

    /** Whether the pipeline's response thread is in {@code type.method}. */
    private static boolean drainerIn(Pipeline pipeline, Class<?> type, String method) {
        try {
            return PipelineFrames.isIn(PipelineThreads.drainer(pipeline), type, method);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static Pipeline.Call<Integer> numbered(int number) {
        return new Pipeline.Call<>("iter_next", null, RESPONSE_ID, REQUEST_LENGTH, buffer -> {
            buffer.set(JAVA_INT, 0, number);
            return REQUEST_LENGTH;
        }, (response, length) -> number);
    }

    @Test
    void flowControlRaisedWhileRequestsWaitFailsThoseThenWaiting() throws Exception {
        NarrowChannel channel = new NarrowChannel(2);
        Pipeline pipeline = new Pipeline(channel, 0, reason -> { });
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            futures.add(request(pipeline, i));
        }
        channel.flowControl = true;
        channel.allowed.set(2);
        assertEquals(0, futures.get(0).get(10, TimeUnit.SECONDS));
        assertEquals(1, futures.get(1).get(10, TimeUnit.SECONDS));
        for (int i = 2; i < 5; i++) {
            assertEquals(CsError.TRY_AGAIN, failure(futures.get(i)).error(), "request " + i);
        }
        assertEquals(numbers(2), channel.accepted);
    }

    @Test
    void aChannelThatStaysFullTimesOutWaitingRequestsAtTheirDeadline() {
        NarrowChannel channel = new NarrowChannel(2);
        Pipeline pipeline = new Pipeline(channel, TimeUnit.MILLISECONDS.toNanos(200), reason -> { });
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            futures.add(request(pipeline, i));
        }
        CmapException thrown = assertThrows(CmapException.class, () -> call(pipeline, 10));
        assertEquals(CsError.TIMEOUT, thrown.error());
        for (CompletableFuture<Integer> future : futures) {
            assertEquals(CsError.TIMEOUT, failure(future).error());
        }
        assertEquals(numbers(2), channel.accepted);
        assertTrue(channel.refusals.get() > 0, "the waiting requests were offered and refused");
    }

    /**
     * The response thread, in a completion action, waits for the hold of another thread's
     * iteration, whose opener the channel refused with nothing in flight: it must retry that
     * opener while it waits (it reads for the holder), or neither ever moves, even once the
     * channel has room (RandomHandleCallsTest, flow, seed 31).
     */
    @Test
    void aReaderWaitingInAnActionForTheHoldRetriesTheHoldersRefusedOpener() throws Exception {
        NarrowChannel channel = new NarrowChannel(100);
        Pipeline pipeline = new Pipeline(channel, 0, reason -> { });
        CompletableFuture<Pipeline.Held<Integer, Integer>> inAction = new CompletableFuture<>();
        CompletableFuture<Integer> first = request(pipeline, 0);
        first.thenRun(() -> {
            try {
                inAction.complete(pipeline.callHeld(numbered(20), answer -> numbered(21), 1));
            } catch (RuntimeException e) {
                inAction.completeExceptionally(e);
            }
        });
        Waits.until(() -> drainerIn(pipeline, Pipeline.class, "readOne"),
                "the response thread reads, holding the receive lock while it waits");

        channel.refuseNext.set(Integer.MAX_VALUE); // the channel is full
        AtomicReference<Thread> holding = new AtomicReference<>();
        CompletableFuture<Pipeline.Held<Integer, Integer>> holder = CompletableFuture.supplyAsync(
                () -> pipeline.callHeld(numbered(10), answer -> numbered(11), 1),
                runnable -> holding.set(Thread.ofPlatform().daemon().start(runnable)));
        Waits.until(() -> channel.refusals.get() > 0, "the holder's opener meets the full channel");
        Waits.until(() -> PipelineFrames.waitsInside(holding.get(), "callHeld", "await"),
                "the holder waits for the response thread to read");

        channel.allowed.set(Integer.MAX_VALUE); // the first is answered: its action waits for the hold
        Waits.until(() -> channel.answered.get() == 1, "the first request is answered");
        Waits.until(() -> drainerIn(pipeline, WireHold.class, "acquire"),
                "the first request's action waits for the hold");
        channel.refuseNext.set(0); // room again

        assertEquals(List.of(11), holder.get(5, TimeUnit.SECONDS).then(), "the holder's iteration goes on");
        assertEquals(List.of(21), inAction.get(5, TimeUnit.SECONDS).then(), "then the action's");
        assertEquals(List.of(0, 10, 11, 20, 21), channel.accepted);
    }

    /**
     * A send refused by flow control once the server is gone finds the loss: the requests it
     * fails, those on the wire too, fail as after any loss (LIBRARY), not with the TRY_AGAIN that
     * says a request was not sent (RandomHandleCallsTest, flow, seed 252).
     */
    @Test
    void flowControlMetOnALostConnectionFailsTheRequestsOnTheWireAsALoss() throws Exception {
        NarrowChannel channel = new NarrowChannel(100);
        Pipeline pipeline = new Pipeline(channel, 0, reason -> { });
        CompletableFuture<Integer> onTheWire = request(pipeline, 0);
        Waits.until(() -> channel.accepted.size() == 1, "the first request is on the wire");

        channel.gone = true;
        channel.flowControl = true;
        CompletableFuture<Integer> next = request(pipeline, 1);
        assertEquals(CsError.LIBRARY, failure(onTheWire).error(), "sent, then the connection was lost");
        assertEquals(CsError.LIBRARY, failure(next).error());
        assertEquals(List.of(0), channel.accepted);
    }
}
