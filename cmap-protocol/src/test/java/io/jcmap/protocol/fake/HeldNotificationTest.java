package io.jcmap.protocol.fake;

import io.jcmap.protocol.ipc.Ipc;
import io.jcmap.protocol.ipc.IpcConnection;
import io.jcmap.protocol.os.UnixSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SHM requests sent without notifying are in the ring at once, but their notification bytes
 * (one per request, which libqb's server reads after handling them) go out only with the next
 * {@code notifyServer}, all in one, or with the next plain send.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HeldNotificationTest {
    private static final int MAX = FakeServer.MAX_MESSAGE_SIZE;
    private static final int POLL_MILLIS = 200;

    private final ShmTempDirectory shm = ShmTempDirectory.create("jcmap-held-");
    private final Arena arena = Arena.ofShared();

    @AfterEach
    void tearDown() {
        arena.close();
        shm.close();
    }

    /** What the server saw on the setup socket at each stage. */
    private record Seen(boolean byteBeforeNotify, int afterNotify, boolean extraAfterNotify, int afterPlainSend) {
    }

    @Test
    void heldRequestsAreInTheRingAndTheirBytesLeaveTogetherOnNotify() throws Exception {
        CountDownLatch written = new CountDownLatch(1);
        CountDownLatch looked = new CountDownLatch(1);
        CountDownLatch notified = new CountDownLatch(1);
        CountDownLatch counted = new CountDownLatch(1);
        CompletableFuture<Seen> seen = new CompletableFuture<>();
        try (FakeRings rings = FakeRings.create(shm, MAX);
             FakeServer server = FakeServer.start(session -> {
                 session.send(rings.answer().bytes());
                 written.await();
                 boolean early = readable(session, 0);
                 looked.countDown();
                 notified.await();
                 int afterNotify = session.readBytes(3, 5_000).length;
                 boolean extra = readable(session, POLL_MILLIS);
                 counted.countDown();
                 int afterPlainSend = session.readBytes(3, 5_000).length;
                 seen.complete(new Seen(early, afterNotify, extra, afterPlainSend));
             });
             IpcConnection connection = Ipc.connect(server.options())) {
            MemorySegment message = arena.allocate(100);
            FakeRing request = rings.request();
            for (int i = 0; i < 3; i++) {
                assertTrue(connection.sendWithoutNotifying(message, 100));
            }
            assertEquals(3 * FakeRings.chunkWords(100), request.headerInt(FakeRing.WRITE_PT), "in the ring at once");
            assertEquals(3, request.ring().semaphore().value(), "one post per chunk");
            written.countDown();
            looked.await();
            connection.notifyServer();
            notified.countDown();
            counted.await();
            // two more held, then a plain send: its notification carries theirs
            assertTrue(connection.sendWithoutNotifying(message, 100));
            assertTrue(connection.sendWithoutNotifying(message, 100));
            assertTrue(connection.send(message, 100));
            Seen result = seen.get(5, TimeUnit.SECONDS);
            assertFalse(result.byteBeforeNotify(), "no notification before notifyServer");
            assertEquals(3, result.afterNotify(), "one byte per held request");
            assertFalse(result.extraAfterNotify(), "and no more");
            assertEquals(3, result.afterPlainSend(), "a plain send announces the held ones too");
        }
    }

    private static boolean readable(FakeSession session, int millis) {
        return (session.socket().poll(UnixSocket.READABLE, millis) & UnixSocket.READABLE) != 0;
    }
}
