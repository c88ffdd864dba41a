package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.protocol.cmap.ResponseHeaderDescriptor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Where the server connects its end only with its first response (libqb's socket transport),
 * the pipeline keeps one request on the wire until that response, and a close lets it arrive,
 * for a while, before leaving (decision 0012).
 */
class PipelineFirstResponseTest {
    private static final int RESPONSE_ID = ScriptedConnection.RESPONSE_ID;
    private static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    private static CompletableFuture<Void> request(Pipeline pipeline) {
        return pipeline.callAsync("set", "k", RESPONSE_ID, ResponseHeaderDescriptor.LENGTH,
                buffer -> ResponseHeaderDescriptor.LENGTH, (response, length) -> null);
    }

    @Test
    void aBurstSendsOneRequestUntilTheFirstResponseThenTheWholeWindow() throws Exception {
        SlowServer server = new SlowServer(true);
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            futures.add(request(pipeline));
        }
        assertEquals(1, server.sent.get(), "one request before the server has answered");

        server.allowed.set(1);
        futures.get(0).get(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.sent.get() < 20 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        assertEquals(20, server.sent.get(), "the rest at once after the first answer");
        server.allowed.set(20);
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void settlingBeforeCloseReadsTheFirstAnswerWhenItComes() throws Exception {
        SlowServer server = new SlowServer(true);
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        CompletableFuture<Void> first = request(pipeline);
        CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS).execute(() -> server.allowed.set(1));
        long start = System.nanoTime();
        pipeline.settleBeforeClose(TimeUnit.SECONDS.toNanos(10));
        assertTrue(first.isDone() && !first.isCompletedExceptionally(), "its answer was read and delivered");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "returned with the answer");
    }

    @Test
    void settlingBeforeCloseGivesUpAfterTheGrace() {
        SlowServer server = new SlowServer(true);
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        CompletableFuture<Void> first = request(pipeline);
        long start = System.nanoTime();
        pipeline.settleBeforeClose(GRACE_NANOS);
        assertTrue(System.nanoTime() - start >= GRACE_NANOS, "waited the grace");
        assertFalse(first.isDone(), "still unanswered");
    }

    @Test
    void settlingBeforeCloseReturnsAtOnceOnceTheServerHasAnswered() throws Exception {
        SlowServer server = new SlowServer(true);
        server.allowed.set(1);
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        request(pipeline).get(10, TimeUnit.SECONDS);
        request(pipeline); // never answered: the server is connected, leaving costs it nothing
        long start = System.nanoTime();
        pipeline.settleBeforeClose(TimeUnit.SECONDS.toNanos(10));
        assertTrue(System.nanoTime() - start < GRACE_NANOS, "no wait");
    }
}
