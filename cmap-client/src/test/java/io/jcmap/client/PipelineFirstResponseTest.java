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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Where the server connects its end only with its first response (libqb's socket transport),
 * the pipeline keeps one request on the wire until that response, and a close leaves through
 * {@link io.jcmap.protocol.ipc.IpcConnection#leave}, which waits for the server where it must
 * (decision 0012).
 */
class PipelineFirstResponseTest {
    private static final int RESPONSE_ID = ScriptedConnection.RESPONSE_ID;

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
    void closingLeavesThroughTheConnectionAndFailsWhatWaits() throws Exception {
        SlowServer server = new SlowServer(true);
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        CompletableFuture<Void> waiting = request(pipeline);
        CmapException reason = new CmapException(CsError.BAD_HANDLE, "handle closed");
        pipeline.close(reason, true);
        assertEquals(Pipeline.LEAVE_GRACE_NANOS, server.leaveGraceNanos, "left with the grace");
        assertTrue(server.leftExpectingEvents, "told that events may come");
        assertFalse(server.isConnected());
        CmapException failed = assertInstanceOf(CmapException.class,
                assertThrows(ExecutionException.class, () -> waiting.get(5, TimeUnit.SECONDS)).getCause());
        assertEquals(CsError.BAD_HANDLE, failed.error());
    }
}
