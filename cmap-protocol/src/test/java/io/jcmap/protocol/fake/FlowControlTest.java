package io.jcmap.protocol.fake;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.ipc.Ipc;
import io.jcmap.protocol.ipc.IpcConnection;
import io.jcmap.protocol.os.Errno;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When the server raises flow control in the request ring's header (the int at 8240), a send
 * fails with EAGAIN; when the ring is full because the server stopped reading, it says "not
 * now" (false). Either way it writes nothing: no chunk, no moved pointer, no semaphore post.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FlowControlTest {
    private static final int MAX = FakeServer.MAX_MESSAGE_SIZE;

    private final ShmTempDirectory shm = ShmTempDirectory.create("jcmap-flow-");
    private final Arena arena = Arena.ofShared();

    @AfterEach
    void tearDown() {
        arena.close();
        shm.close();
    }

    @Test
    void aSendUnderFlowControlFailsWithEagainAndWritesNothing() {
        try (FakeRings rings = FakeRings.create(shm, MAX);
             FakeServer server = FakeServer.start(session -> session.send(rings.answer().bytes()));
             IpcConnection connection = Ipc.connect(server.options())) {
            MemorySegment message = arena.allocate(100);
            FakeRing request = rings.request();

            request.headerInt(FakeRing.FLOW_CONTROL, 1);
            for (int i = 0; i < 3; i++) {
                ErrnoException e = assertThrows(ErrnoException.class, () -> connection.send(message, 100),
                        "flow control on");
                assertEquals(Errno.EAGAIN, e.errno());
            }
            assertEquals(0, request.headerInt(FakeRing.WRITE_PT), "nothing written");
            assertEquals(0, request.ring().semaphore().value(), "nothing posted");

            request.headerInt(FakeRing.FLOW_CONTROL, 0);
            assertTrue(connection.send(message, 100), "flow control off: sent");
            assertEquals(FakeRings.chunkWords(100), request.headerInt(FakeRing.WRITE_PT));
            assertEquals(1, request.ring().semaphore().value());
        }
    }

    @Test
    void aFullRequestRingIsNotNowNotAnOverrun() {
        try (FakeRings rings = FakeRings.create(shm, MAX);
             FakeServer server = FakeServer.start(session -> session.send(rings.answer().bytes()));
             IpcConnection connection = Ipc.connect(server.options())) {
            MemorySegment message = arena.allocate(1000);
            FakeRing request = rings.request();
            int words = request.headerInt(FakeRing.WORD_SIZE);
            int sent = 0;
            while (connection.send(message, 1000)) {
                sent++;
                assertTrue(sent * FakeRings.chunkWords(1000) < words, "wrote past the read pointer");
            }
            assertTrue(sent > 0);
            int writePointer = request.headerInt(FakeRing.WRITE_PT);
            assertFalse(connection.send(message, 1000), "still full: not now");
            assertEquals(writePointer, request.headerInt(FakeRing.WRITE_PT), "a refused send moves nothing");
            assertEquals(0, request.headerInt(FakeRing.READ_PT), "the unread chunks are intact");
            assertEquals(sent, request.ring().semaphore().value(), "one post per chunk");

            // the server reads one chunk: there is room again
            try (Arena scratch = Arena.ofConfined()) {
                assertTrue(request.ring().semaphore().tryAcquire());
                assertEquals(1000, request.ring().read(scratch.allocate(MAX)));
            }
            assertTrue(connection.send(message, 1000), "room again after the server read one");
            assertEquals(-1, connection.receiveResponse(TimeUnit.MILLISECONDS.toNanos(10)));
        }
    }
}
