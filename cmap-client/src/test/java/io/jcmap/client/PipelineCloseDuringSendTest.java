package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.cmap.ResponseHeaderDescriptor;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * A handle closed while a thread is inside its send: the close shuts the sockets down, so the
 * send fails with EPIPE or ENOTCONN. What the caller is told is why: the handle was closed.
 */
class PipelineCloseDuringSendTest {
    private static final int EPIPE = 32;

    /** Its send lets the handle be closed, then fails as a shut-down socket does. */
    private static final class ClosedDuringSend extends ScriptedConnection {
        Pipeline pipeline;

        @Override
        public boolean send(MemorySegment message, int length) {
            pipeline.breakDown(new CmapException(CsError.BAD_HANDLE, "handle closed"));
            throw new ErrnoException(EPIPE, "send(fd 9): Broken pipe");
        }

        @Override
        public int receiveResponse(long timeoutNanos) {
            checkOpen();
            return -1;
        }
    }

    private static Pipeline pipeline() {
        ClosedDuringSend connection = new ClosedDuringSend();
        connection.pipeline = new Pipeline(connection, 0, reason -> { });
        return connection.pipeline;
    }

    @Test
    void aSyncCallFailsWithBadHandleNotTheErrnoOfTheShutDownSocket() {
        CmapException thrown = assertThrows(CmapException.class, () -> pipeline().call("set", "k",
                ScriptedConnection.RESPONSE_ID, ResponseHeaderDescriptor.LENGTH,
                buffer -> ResponseHeaderDescriptor.LENGTH, (response, length) -> null));
        assertEquals(CsError.BAD_HANDLE, thrown.error(), thrown::getMessage);
    }

    @Test
    void anAsyncCallFailsWithBadHandleToo() throws Exception {
        CompletableFuture<Object> future = pipeline().callAsync("set", "k", ScriptedConnection.RESPONSE_ID,
                ResponseHeaderDescriptor.LENGTH, buffer -> ResponseHeaderDescriptor.LENGTH, (response, length) -> null);
        CompletionException thrown = assertThrows(CompletionException.class,
                () -> future.orTimeout(5, TimeUnit.SECONDS).join());
        CmapException cause = assertInstanceOf(CmapException.class, thrown.getCause());
        assertEquals(CsError.BAD_HANDLE, cause.error(), cause::getMessage);
    }
}
