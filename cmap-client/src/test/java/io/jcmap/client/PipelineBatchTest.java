package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcmap.protocol.cmap.CodecException;
import io.jcmap.protocol.cmap.ResponseHeaderDescriptor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A batch's requests are written together and the server is woken once for them, never left
 * with a request in its ring that no wake-up announces (libqb's server would block waiting for
 * its notification byte).
 */
class PipelineBatchTest {
    private static final int RESPONSE_ID = ScriptedConnection.RESPONSE_ID;

    private static CompletableFuture<Void> add(RequestBatch batch) {
        return batch.add("set", "k", RESPONSE_ID, ResponseHeaderDescriptor.LENGTH,
                buffer -> ResponseHeaderDescriptor.LENGTH, (response, length) -> null);
    }


    private static void allDone(List<CompletableFuture<Void>> futures) throws Exception {
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aBatchIsSentOnlyWhenFlushedAndTheServerIsWokenOnceForAllOfIt() throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        RequestBatch batch = new RequestBatch();
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            futures.add(add(batch));
        }
        assertEquals(0, server.sent.get(), "nothing is sent before the flush");
        pipeline.sendBatch(batch);
        assertEquals(20, server.sent.get());
        assertEquals(1, server.notifications.get(), "one wake-up for the whole batch");
        assertEquals(0, server.unnotified.get(), "no request left unannounced");
        assertEquals(0, batch.size(), "emptied for reuse");

        server.allowed.set(20);
        allDone(futures);
        futures.clear();
        futures.add(add(batch)); // reused
        pipeline.sendBatch(batch);
        server.allowed.set(21);
        allDone(futures);
        assertEquals(2, server.notifications.get());
    }

    @Test
    void aBatchLargerThanTheWindowWaitsInTheBacklogAndEveryRefillIsAnnounced() throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        RequestBatch batch = new RequestBatch();
        int total = Pipeline.MAX_IN_FLIGHT * 3;
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            futures.add(add(batch));
        }
        pipeline.sendBatch(batch);
        assertEquals(Pipeline.MAX_IN_FLIGHT, server.sent.get(), "nothing is sent beyond the window");
        assertEquals(1, server.notifications.get());

        server.allowed.set(total);
        allDone(futures);
        assertEquals(total, server.answered.get());
        assertEquals(Pipeline.MAX_IN_FLIGHT, server.maxUnanswered.get());
        Waits.until(() -> server.unnotified.get() == 0 && server.notifications.get() > 1,
                "every backlogged request announced: the backlog's refills wake the server too");
    }

    private static CompletableFuture<Void> addMarked(RequestBatch batch, int mark) {
        return batch.add("set", "k", RESPONSE_ID, 64, buffer -> {
            buffer.fill((byte) mark);
            return 64;
        }, (response, length) -> null);
    }

    @Test
    void requestsLeftInTheBacklogKeepTheirBytesWhileTheBatchIsFilledAgain() throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        RequestBatch batch = new RequestBatch();
        int total = Pipeline.MAX_IN_FLIGHT + 20;
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            futures.add(addMarked(batch, 1));
        }
        pipeline.sendBatch(batch); // 20 wait in the backlog
        for (int i = 0; i < total; i++) {
            futures.add(addMarked(batch, 2)); // encoded over the same offsets while those 20 still wait
        }
        pipeline.sendBatch(batch);
        server.allowed.set(2 * total);
        allDone(futures);
        List<Byte> expected = new ArrayList<>();
        for (int i = 0; i < 2 * total; i++) {
            expected.add((byte) (i < total ? 1 : 2));
        }
        assertEquals(expected, server.firstBytes, "each request's own bytes, in order");
    }

    @Test
    void aBatchFlushedOnABrokenPipelineFailsEachRequestWithTheReason() {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        RequestBatch batch = new RequestBatch();
        CompletableFuture<Void> first = add(batch);
        CompletableFuture<Void> second = add(batch);
        pipeline.breakDown(new CmapException(CsError.BAD_HANDLE, "closed"));
        pipeline.sendBatch(batch); // no throw: each request learns it through its future
        for (CompletableFuture<Void> future : List.of(first, second)) {
            ExecutionException failure = assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
            CmapException cause = assertInstanceOf(CmapException.class, failure.getCause());
            assertEquals(CsError.BAD_HANDLE, cause.error());
        }
        assertEquals(0, server.sent.get());
    }

    /**
     * A failed request's completion action runs on the flushing thread, the batch's owner, which
     * may fill the batch again there: the request it added was cleared with the flushed ones, and
     * its future never completed.
     */
    @Test
    void aRequestAddedByACompletionActionRunDuringAFlushStaysForTheNextFlush() throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        pipeline.breakDown(new CmapException(CsError.LIBRARY, "connection lost"));
        RequestBatch batch = new RequestBatch();
        CompletableFuture<CompletableFuture<Void>> added = new CompletableFuture<>();
        CompletableFuture<Void> first = add(batch);
        first.whenComplete((value, failure) -> added.complete(add(batch)));

        pipeline.sendBatch(batch);
        CompletableFuture<Void> retry = added.get(10, TimeUnit.SECONDS);
        assertEquals(1, batch.size(), "the request added meanwhile waits for the next flush");
        pipeline.sendBatch(batch);
        for (CompletableFuture<Void> future : List.of(first, retry)) {
            ExecutionException failure = assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
            assertEquals(CsError.LIBRARY, assertInstanceOf(CmapException.class, failure.getCause()).error());
        }
    }

    /** ... and may flush it there: that flush left nulls to the one still going (a NullPointerException). */
    @Test
    void aCompletionActionRunDuringAFlushMayFlushTheBatchAgain() throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        pipeline.breakDown(new CmapException(CsError.LIBRARY, "connection lost"));
        RequestBatch batch = new RequestBatch();
        CompletableFuture<Void> first = add(batch);
        first.whenComplete((value, failure) -> pipeline.sendBatch(batch));
        CompletableFuture<Void> second = add(batch);

        pipeline.sendBatch(batch);
        for (CompletableFuture<Void> future : List.of(first, second)) {
            ExecutionException failure = assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
            assertEquals(CsError.LIBRARY, assertInstanceOf(CmapException.class, failure.getCause()).error());
        }
        assertEquals(0, batch.size());
        assertEquals(0, server.sent.get());
    }

    @Test
    void aRequestThatCannotBeEncodedIsRejectedAtOnceAndNotAdded() {
        RequestBatch batch = new RequestBatch();
        add(batch);
        CmapException thrown = assertThrows(CmapException.class, () -> batch.add("set", "k", RESPONSE_ID,
                ResponseHeaderDescriptor.LENGTH, buffer -> {
                    throw new CodecException(CsError.NAME_TOO_LONG.code(), "name too long");
                }, (response, length) -> null));
        assertEquals(CsError.NAME_TOO_LONG, thrown.error());
        assertEquals(1, batch.size());
    }

    @Test
    void aLargeBatchGrowsItsBufferAndKeepsEveryRequestIntact() throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        RequestBatch batch = new RequestBatch();
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int mark = i;
            futures.add(batch.add("set", "k", RESPONSE_ID, 1000, buffer -> {
                buffer.fill((byte) mark);
                return 999;
            }, (response, length) -> null));
        }
        List<Byte> firstBytes = server.firstBytes;
        pipeline.sendBatch(batch);
        server.allowed.set(100);
        allDone(futures);
        assertEquals(100, firstBytes.size());
        for (int i = 0; i < 100; i++) {
            assertEquals((byte) i, firstBytes.get(i), "request " + i);
        }
        assertSame(firstBytes, server.firstBytes);
        assertFalse(server.lengths.stream().anyMatch(length -> length != 999));
    }
}
