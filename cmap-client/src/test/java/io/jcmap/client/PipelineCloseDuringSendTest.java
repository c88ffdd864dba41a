package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.cmap.ResponseHeaderDescriptor;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A handle closed while a thread is inside its send: the close shuts the sockets down, so the
 * send fails with EPIPE or ENOTCONN. What the caller is told is why: the handle was closed. And
 * a request being encoded when the close begins is failed by it, never left behind.
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

    /**
     * The request passed the check for a broken pipeline before the breakdown began and is
     * queued after it: the breakdown must still find it (it once looked at the queue first, and
     * the future never completed: SocketLeakIT, 2026-12-05).
     */
    @Test
    void anAsyncRequestEncodedWhileABreakdownBeginsFailsWithItsReason() throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        CountDownLatch encoding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<CompletableFuture<Object>> issued = CompletableFuture.supplyAsync(
                () -> pipeline.callAsync("set", "k", ScriptedConnection.RESPONSE_ID, ResponseHeaderDescriptor.LENGTH,
                        buffer -> {
                            encoding.countDown();
                            awaitQuietly(release);
                            return ResponseHeaderDescriptor.LENGTH;
                        }, (response, length) -> null),
                runnable -> Thread.ofPlatform().daemon().start(runnable));
        assertTrue(encoding.await(10, TimeUnit.SECONDS));
        Thread breaker = Thread.ofPlatform().daemon().start(
                () -> pipeline.breakDown(new CmapException(CsError.BAD_HANDLE, "handle closed")));
        Waits.until(() -> pipeline.brokenReason() != null && breaker.getState() == Thread.State.WAITING,
                "the breakdown begun and waiting for the sender");
        release.countDown();
        CompletableFuture<Object> future = issued.get(10, TimeUnit.SECONDS);
        CompletionException thrown = assertThrows(CompletionException.class,
                () -> future.orTimeout(5, TimeUnit.SECONDS).join());
        CmapException cause = assertInstanceOf(CmapException.class, thrown.getCause());
        assertEquals(CsError.BAD_HANDLE, cause.error(), cause::getMessage);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
