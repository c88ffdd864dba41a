package io.jcmap.protocol.fake;

import io.jcmap.protocol.ipc.Ipc;
import io.jcmap.protocol.ipc.IpcConnection;
import io.jcmap.protocol.ipc.IpcOptions;
import io.jcmap.protocol.os.Errno;
import io.jcmap.protocol.os.KernelThread;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static io.jcmap.protocol.fake.Hostile.assertErrno;
import static io.jcmap.protocol.fake.Hostile.assertWithin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On the socket transport a look for a response trusts the server's count in the control file
 * and calls recv only when it says one is waiting; {@code awaitResponse} waits for the count or
 * for the socket to become readable, without taking anything.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SocketResponseLookTest {
    private static final long FIVE_SECONDS = TimeUnit.SECONDS.toNanos(5);

    private final ShmTempDirectory shm = ShmTempDirectory.create("jcmap-fake-");
    private final CountDownLatch responded = new CountDownLatch(1);

    @AfterEach
    void tearDown() {
        try {
            DecoyFile.assertNothingOpenBelow(shm.path());
        } finally {
            shm.close();
        }
    }

    private FakeServer serving(FakeSocketChannels channels, Consumer<FakeSocketChannels> afterConnect) {
        return FakeServer.start(session -> {
            session.send(channels.answer().bytes());
            channels.connectToClient(session);
            afterConnect.accept(channels);
            responded.countDown();
        });
    }

    private void awaitResponded() throws InterruptedException {
        assertTrue(responded.await(5, TimeUnit.SECONDS), "the fake server responded");
    }

    @Test
    void aLookTakesACountedResponseAndTheCountGoesBackToZero() throws InterruptedException {
        try (FakeSocketChannels channels = FakeSocketChannels.create(shm);
             FakeServer server = serving(channels, c -> c.respond(new byte[] {1, 2, 3}));
             IpcConnection connection = Ipc.connect(server.options())) {
            assertTrue(connection.looksWithoutSyscall());
            awaitResponded();
            assertEquals(1, channels.responsesCounted());
            assertEquals(3, connection.receiveResponse(0), "a look takes what the count announces");
            assertEquals(0, channels.responsesCounted());
            assertEquals(-1, connection.receiveResponse(0), "nothing more");
        }
    }

    @Test
    void aLookSkipsAnUncountedDatagramUntilAWaitSawTheSocketReadable() throws InterruptedException {
        try (FakeSocketChannels channels = FakeSocketChannels.create(shm);
             FakeServer server = serving(channels, c -> c.respondUncounted(new byte[] {4, 5}));
             IpcConnection connection = Ipc.connect(server.options())) {
            awaitResponded();
            assertEquals(-1, connection.receiveResponse(0), "a count of 0: the look makes no recv");
            assertTrue(connection.awaitResponse(FIVE_SECONDS), "the socket is readable");
            assertEquals(2, connection.receiveResponse(0), "after that wait the look calls recv anyway");
            assertEquals(-1, connection.receiveResponse(0));
        }
    }

    @Test
    void awaitResponseTakesNothingAndReturnsAtOnceWhenCounted() throws InterruptedException {
        try (FakeSocketChannels channels = FakeSocketChannels.create(shm);
             FakeServer server = serving(channels, c -> c.respond(new byte[] {6}));
             IpcConnection connection = Ipc.connect(server.options())) {
            awaitResponded();
            assertWithin(1000, () -> assertTrue(connection.awaitResponse(FIVE_SECONDS)));
            assertTrue(connection.awaitResponse(FIVE_SECONDS), "still there: the wait took nothing");
            assertEquals(1, connection.receiveResponse(0));
        }
    }

    @Test
    void awaitResponseTimesOutWhenNothingComes() {
        try (FakeSocketChannels channels = FakeSocketChannels.create(shm);
             FakeServer server = serving(channels, c -> { });
             IpcConnection connection = Ipc.connect(server.options())) {
            long start = System.nanoTime();
            assertFalse(connection.awaitResponse(TimeUnit.MILLISECONDS.toNanos(150)));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(tookMillis >= 150 && tookMillis < 1000, "waited its time, and not much longer: " + tookMillis);
            assertTrue(connection.isConnected());
        }
    }

    @Test
    void closingEndsAWaitingAwaitResponseAtOnce() throws Exception {
        try (FakeSocketChannels channels = FakeSocketChannels.create(shm);
             FakeServer server = serving(channels, c -> { })) {
            // liveness slices longer than the wait: only the close itself can end it in time
            IpcOptions defaults = server.options();
            IpcConnection connection = Ipc.connect(new IpcOptions(defaults.endpoint(), defaults.maxMessageSize(),
                    defaults.connectTimeout(), defaults.allowedServerUids(), defaults.shmDirectory(),
                    Duration.ofSeconds(30)));
            CompletableFuture<KernelThread> waiterThread = new CompletableFuture<>();
            CompletableFuture<Throwable> waiter = CompletableFuture.supplyAsync(() -> {
                waiterThread.complete(KernelThread.current());
                try {
                    connection.awaitResponse(FIVE_SECONDS);
                    return null;
                } catch (RuntimeException e) {
                    return e;
                }
            });
            // asleep in the kernel: in its poll, so the close must wake it, not merely precede it
            waiterThread.get(5, TimeUnit.SECONDS).awaitAsleep("awaitResponse");
            long start = System.nanoTime();
            connection.close();
            Throwable failure = waiter.get(1, TimeUnit.SECONDS);
            assertErrno(() -> {
                throw (RuntimeException) failure;
            }, Errno.ENOTCONN);
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1));
        }
    }

    @Test
    void aServerThatHangsUpEndsAwaitResponseWithinItsLivenessInterval() {
        try (FakeSocketChannels channels = FakeSocketChannels.create(shm);
             FakeServer server = FakeServer.start(session -> {
                 session.send(channels.answer().bytes());
                 channels.connectToClient(session);
                 responded.await(5, TimeUnit.SECONDS);
                 session.hangUp();
             });
             IpcConnection connection = Ipc.connect(server.options())) {
            responded.countDown();
            assertWithin(1000, () -> assertErrno(() -> connection.awaitResponse(FIVE_SECONDS), Errno.ENOTCONN));
        }
    }
}
