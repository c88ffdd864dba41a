package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.cmap.ResponseHeaderDescriptor;
import io.jcmap.protocol.os.Errno;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** A send that finds the server gone fails every request in flight, each under its own name. */
class PipelineLostConnectionTest {
    private static final int RESPONSE_ID = ScriptedConnection.RESPONSE_ID;

    private static CompletableFuture<Object> request(Pipeline pipeline, String key) {
        return pipeline.callAsync("set", key, RESPONSE_ID, ResponseHeaderDescriptor.LENGTH,
                buffer -> ResponseHeaderDescriptor.LENGTH, (response, length) -> null);
    }

    private static CmapException failureOf(CompletableFuture<?> future) {
        ExecutionException failure = assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
        return assertInstanceOf(CmapException.class, failure.getCause());
    }

    @Test
    void requestsInFlightFailWithTheLostConnectionUnderTheirOwnNames() {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        CompletableFuture<Object> earlier = request(pipeline, "earlier");
        server.vanishOnSend = new ErrnoException(Errno.EPIPE, "send: Broken pipe");
        CompletableFuture<Object> failing = request(pipeline, "failing");

        // the reader may see the connection gone first ("closed"); either way the reason is the connection's
        CmapException own = failureOf(failing);
        assertEquals(CsError.LIBRARY, own.error());
        assertTrue(own.getMessage().startsWith("set(failing): connection lost: "), own.getMessage());
        CmapException other = failureOf(earlier);
        assertEquals(CsError.LIBRARY, other.error());
        assertTrue(other.getMessage().startsWith("set(earlier): connection lost: "), other.getMessage());
        assertFalse(other.getMessage().contains("failing"), "another request's name: " + other.getMessage());
    }
}
