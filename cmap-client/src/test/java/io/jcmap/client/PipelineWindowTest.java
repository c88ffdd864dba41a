package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.protocol.cmap.ResponseHeaderDescriptor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline never has more than {@link Pipeline#MAX_IN_FLIGHT} requests unanswered, because
 * libqb drops responses that do not fit the client's channel; requests beyond it wait in a
 * backlog without blocking asynchronous callers.
 */
class PipelineWindowTest {
    private static final int RESPONSE_ID = ScriptedConnection.RESPONSE_ID;

    private static CompletableFuture<Void> request(Pipeline pipeline) {
        return pipeline.callAsync("set", "k", RESPONSE_ID, ResponseHeaderDescriptor.LENGTH,
                buffer -> ResponseHeaderDescriptor.LENGTH, (response, length) -> null);
    }


    private static CompletableFuture<Object> callWithBound(Pipeline pipeline, long responseBound) {
        return CompletableFuture.supplyAsync(() -> pipeline.call("get", "k", RESPONSE_ID,
                ResponseHeaderDescriptor.LENGTH, responseBound, buffer -> ResponseHeaderDescriptor.LENGTH,
                (response, length) -> "ok"), runnable -> Thread.ofPlatform().daemon().start(runnable));
    }

    /**
     * libqb drops a response that finds no room in the client's channel, so requests go on the
     * wire only while the answers they may get fit beside those already due; one whose answer
     * alone is larger goes when nothing else is in flight.
     */
    @Test
    void requestsWaitWhileTheirResponsesWouldNotFitBesideThoseAlreadyDue() throws Exception {
        SlowServer server = new SlowServer();
        server.responseCapacity = 1000;
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        List<CompletableFuture<Object>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            calls.add(callWithBound(pipeline, 400));
            int expected = Math.min(i + 1, 2);
            Waits.until(() -> server.sent.get() == expected, expected + " sent");
        }
        Waits.holdsFor(50, () -> server.sent.get() == 2, "a third 400-byte answer would not fit in 1000 bytes");

        server.allowed.set(1);
        Waits.until(() -> server.sent.get() == 3, "the third sent once an answer was read");
        CompletableFuture<Object> huge = callWithBound(pipeline, 5000);
        Waits.holdsFor(50, () -> server.sent.get() == 3, "a 5000-byte answer waits for an empty channel");
        server.allowed.set(3);
        Waits.until(() -> server.sent.get() == 4, "the large one sent alone");
        assertEquals(3, server.answered.get());
        server.allowed.set(4);
        for (CompletableFuture<Object> call : calls) {
            assertEquals("ok", call.get(10, TimeUnit.SECONDS));
        }
        assertEquals("ok", huge.get(10, TimeUnit.SECONDS));
    }

    @Test
    void asyncRequestsBeyondTheWindowReturnAtOnceAndAreSentAsResponsesFreePlaces() throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        int total = Pipeline.MAX_IN_FLIGHT * 4;
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            futures.add(request(pipeline)); // never blocks the caller
        }
        Waits.holdsFor(50, () -> server.sent.get() == Pipeline.MAX_IN_FLIGHT
                && futures.stream().noneMatch(CompletableFuture::isDone), "nothing is sent beyond the window");

        server.allowed.set(Pipeline.MAX_IN_FLIGHT + 10);
        Waits.until(() -> server.answered.get() == Pipeline.MAX_IN_FLIGHT + 10, "ten more answers");
        Waits.until(() -> server.sent.get() == 2 * Pipeline.MAX_IN_FLIGHT + 10, "ten more sent");
        assertTrue(futures.get(Pipeline.MAX_IN_FLIGHT + 9).isDone());
        assertFalse(futures.get(Pipeline.MAX_IN_FLIGHT + 10).isDone());

        server.allowed.set(total);
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertEquals(total, server.answered.get());
        assertEquals(Pipeline.MAX_IN_FLIGHT, server.maxUnanswered.get());
    }

    @Test
    void aSynchronousCallerBeyondTheWindowWaitsBehindTheBacklog() throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        List<CompletableFuture<Void>> earlier = new ArrayList<>();
        for (int i = 0; i < Pipeline.MAX_IN_FLIGHT + 5; i++) {
            earlier.add(request(pipeline));
        }
        CompletableFuture<Object> sync = CompletableFuture.supplyAsync(() -> pipeline.call("get", "k", RESPONSE_ID,
                ResponseHeaderDescriptor.LENGTH, buffer -> ResponseHeaderDescriptor.LENGTH, (response, length) -> "ok"));
        Waits.holdsFor(100, () -> !sync.isDone() && server.sent.get() == Pipeline.MAX_IN_FLIGHT,
                "the synchronous call waits behind the backlog");
        server.allowed.set(Pipeline.MAX_IN_FLIGHT + 6);
        assertEquals("ok", sync.get(10, TimeUnit.SECONDS));
        assertTrue(earlier.stream().allMatch(CompletableFuture::isDone), "answered in issue order");
        assertEquals(Pipeline.MAX_IN_FLIGHT, server.maxUnanswered.get());
    }

    @Test
    void aBreakdownFailsBackloggedRequestsWithItsReason() {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 2 * Pipeline.MAX_IN_FLIGHT; i++) {
            futures.add(request(pipeline));
        }
        CmapException reason = new CmapException(CsError.LIBRARY, "connection lost");
        pipeline.breakDown(reason);
        for (CompletableFuture<Void> future : futures) {
            ExecutionException failed = assertThrows(ExecutionException.class, () -> future.get(2, TimeUnit.SECONDS));
            CmapException cause = assertInstanceOf(CmapException.class, failed.getCause());
            assertEquals(CsError.LIBRARY, cause.error());
            assertSame(reason, cause.getCause());
        }
        assertEquals(Pipeline.MAX_IN_FLIGHT, server.sent.get());
    }

    @Test
    void backloggedRequestsTimeOutAtTheirDeadlineEvenWhenTheWindowStaysFull() {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, TimeUnit.MILLISECONDS.toNanos(200), reason -> { });
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 2 * Pipeline.MAX_IN_FLIGHT; i++) {
            futures.add(request(pipeline));
        }
        CmapException thrown = assertThrows(CmapException.class,
                () -> pipeline.call("get", "k", RESPONSE_ID, ResponseHeaderDescriptor.LENGTH,
                        buffer -> ResponseHeaderDescriptor.LENGTH, (response, length) -> "ok"));
        assertEquals(CsError.TIMEOUT, thrown.error());
        for (CompletableFuture<Void> future : futures) {
            ExecutionException failed = assertThrows(ExecutionException.class, () -> future.get(5, TimeUnit.SECONDS));
            assertEquals(CsError.TIMEOUT, assertInstanceOf(CmapException.class, failed.getCause()).error());
        }
        assertEquals(Pipeline.MAX_IN_FLIGHT, server.sent.get());
    }
}
