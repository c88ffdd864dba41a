package io.jcmap.protocol.fake;

import io.jcmap.protocol.ipc.Ipc;
import io.jcmap.protocol.ipc.IpcConnection;
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
 * libqb's socket server connects its end of a channel only when it first sends on it, and when
 * the client's socket is gone by then it retries for a second with its main loop blocked. So a
 * connection that leaves while the server may still do that tells the server it leaves (the
 * end of its setup stream) and keeps its sockets until the server hangs up (decision 0012).
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SocketLeaveTest {
    private static final long FIVE_SECONDS = TimeUnit.SECONDS.toNanos(5);
    private static final long SHORT_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    private final ShmTempDirectory shm = ShmTempDirectory.create("jcmap-fake-");
    private final Arena arena = Arena.ofShared();
    /** Whether the fake server, after our departure, still found our socket to connect to. */
    private final CompletableFuture<Boolean> foundUs = new CompletableFuture<>();
    private final CountDownLatch released = new CountDownLatch(1);

    @AfterEach
    void tearDown() {
        released.countDown();
        try {
            DecoyFile.assertNothingOpenBelow(shm.path());
        } finally {
            arena.close();
            shm.close();
        }
    }

    private MemorySegment message() {
        return arena.allocate(10).fill((byte) 0x42);
    }

    /** Returns when the client ended its side of the setup stream. */
    private static void awaitDeparture(FakeSession session) {
        try {
            while (true) {
                session.awaitNotification();
            }
        } catch (FakeSession.Gone left) {
            // what we waited for
        }
    }

    private void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Neither reads nor hangs up until the test ends. */
    private void holdUntilReleased(FakeSession session) {
        try {
            while (!released.await(10, TimeUnit.MILLISECONDS)) {
                session.checkNotClosing();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Takes one request and never answers it; once the client leaves, tries to answer. */
    private FakeServer silentUntilDeparture(FakeSocketChannels channels, CountDownLatch before) {
        return FakeServer.start(session -> {
            session.send(channels.answer().bytes());
            channels.takeRequest();
            awaitDeparture(session);
            await(before);
            foundUs.complete(channels.tryConnectResponses());
        });
    }

    @Test
    void aRequestNeverAnsweredKeepsOurSocketsUntilTheServerLetsGo() throws Exception {
        try (FakeSocketChannels channels = FakeSocketChannels.create(shm);
             FakeServer server = silentUntilDeparture(channels, new CountDownLatch(0));
             IpcConnection connection = Ipc.connect(server.options())) {
            assertTrue(connection.send(message(), 10));
            connection.leave(FIVE_SECONDS, false);
            assertTrue(foundUs.get(5, TimeUnit.SECONDS), "our socket was there when the server connected");
            assertFalse(connection.isConnected());
        }
    }

    @Test
    void aPlainCloseLeavesTheServerNothingToConnectTo() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        try (FakeSocketChannels channels = FakeSocketChannels.create(shm);
             FakeServer server = silentUntilDeparture(channels, closed)) {
            IpcConnection connection = Ipc.connect(server.options());
            assertTrue(connection.send(message(), 10));
            connection.close();
            closed.countDown();
            assertFalse(foundUs.get(5, TimeUnit.SECONDS), "what libqb's server then retries for a second");
        }
    }

    @Test
    void expectedEventsWithNoneReceivedKeepTheEventSocketUntilTheServerLetsGo() throws Exception {
        try (FakeSocketChannels channels = FakeSocketChannels.create(shm);
             FakeServer server = FakeServer.start(session -> {
                 session.send(channels.answer().bytes());
                 channels.connectResponses(session);
                 channels.respond(channels.takeRequest());
                 awaitDeparture(session);
                 foundUs.complete(channels.tryConnectEvents());
             });
             IpcConnection connection = Ipc.connect(server.options())) {
            assertTrue(connection.send(message(), 10));
            assertEquals(10, connection.receiveResponse(FIVE_SECONDS));
            connection.leave(FIVE_SECONDS, true);
            assertTrue(foundUs.get(5, TimeUnit.SECONDS), "our event socket was there when the server connected");
        }
    }

    @Test
    void withNothingTheServerStillHasToConnectLeavingDoesNotWait() {
        try (FakeSocketChannels channels = FakeSocketChannels.create(shm);
             FakeServer server = FakeServer.start(session -> {
                 session.send(channels.answer().bytes());
                 channels.connectToClient(session);
                 channels.respond(channels.takeRequest());
                 channels.sendEvent(new byte[] {1, 2});
                 holdUntilReleased(session); // never lets go of the client while the test runs
             });
             IpcConnection connection = Ipc.connect(server.options())) {
            assertTrue(connection.send(message(), 10));
            assertEquals(10, connection.receiveResponse(FIVE_SECONDS));
            assertEquals(2, connection.receiveEvent(FIVE_SECONDS));
            long start = System.nanoTime();
            connection.leave(FIVE_SECONDS, true);
            assertTrue(System.nanoTime() - start < FIVE_SECONDS / 2, "left at once");
        }
    }

    @Test
    void aServerThatDoesNotLetGoIsLeftAfterTheGrace() {
        try (FakeSocketChannels channels = FakeSocketChannels.create(shm);
             FakeServer server = FakeServer.start(session -> {
                 session.send(channels.answer().bytes());
                 channels.takeRequest();
                 holdUntilReleased(session); // stopped, as a SIGSTOPped corosync
             });
             IpcConnection connection = Ipc.connect(server.options())) {
            assertTrue(connection.send(message(), 10));
            long start = System.nanoTime();
            connection.leave(SHORT_GRACE_NANOS, false);
            long elapsed = System.nanoTime() - start;
            assertTrue(elapsed >= SHORT_GRACE_NANOS, "waited the grace");
            assertTrue(elapsed < FIVE_SECONDS / 2, "and no longer");
            assertFalse(connection.isConnected());
        }
    }
}
