package io.jcmap.protocol.fake;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.ipc.Ipc;
import io.jcmap.protocol.ipc.IpcConnection;
import io.jcmap.protocol.ipc.TransportType;
import io.jcmap.protocol.os.Errno;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static io.jcmap.protocol.fake.Hostile.assertErrno;
import static io.jcmap.protocol.fake.Hostile.assertWithin;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A fake server of the socket transport misbehaves; the client fails clearly and in time. */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileSocketServerTest {
    private static final long FIVE_SECONDS = TimeUnit.SECONDS.toNanos(5);

    private final ShmTempDirectory shm = ShmTempDirectory.create("jcmap-fake-");
    private final DecoyFile decoy = DecoyFile.create();
    private final Arena arena = Arena.ofShared();

    @AfterEach
    void tearDown() {
        try {
            decoy.assertUntouched();
            DecoyFile.assertNothingOpenBelow(shm.path());
        } finally {
            arena.close();
            shm.close();
            decoy.close();
        }
    }

    private static FakeServer serving(FakeSocketChannels channels, Consumer<FakeSession> afterHandshake) {
        return FakeServer.start(session -> {
            session.send(channels.answer().bytes());
            channels.connectToClient(session);
            afterHandshake.accept(session);
        });
    }

    private void connectFails(HandshakeAnswer answer, int... errnos) {
        try (FakeServer server = FakeServer.start(session -> session.send(answer.bytes()))) {
            assertErrno(() -> Ipc.connect(server.options()).close(), errnos);
        }
    }

    private MemorySegment message(int length) {
        return arena.allocate(length).fill((byte) 0x42);
    }

    /** Exchanges a request, its response and an event with a well-behaved fake. */
    private void exchangeWithAWellBehavedFake() {
        try (FakeSocketChannels channels = FakeSocketChannels.create(shm);
             FakeServer server = serving(channels, session -> {
                 channels.respond(channels.takeRequest());
                 channels.sendEvent(new byte[] {1, 2});
             });
             IpcConnection connection = Ipc.connect(server.options())) {
            assertTrue(connection.send(message(10), 10));
            assertEquals(10, connection.receiveResponse(FIVE_SECONDS));
            assertEquals(2, connection.receiveEvent(FIVE_SECONDS));
        }
    }

    private static long openSockets() {
        return DecoyFile.openFiles().filter(target -> target.startsWith("socket:")).count();
    }

    @Test
    void aConnectAfterASocketServerMakesItsSocketsEarlyAndTheyWork() {
        exchangeWithAWellBehavedFake(); // the last server chose sockets: the next connect makes its own early
        long before = openSockets();
        exchangeWithAWellBehavedFake();
        assertEquals(before, openSockets());
    }

    @Test
    void socketsMadeEarlyAreClosedWhenTheServerRefusesOrChoosesAnotherTransport() {
        exchangeWithAWellBehavedFake();
        long before = openSockets();
        try (FakeSocketChannels channels = FakeSocketChannels.create(shm)) {
            connectFails(channels.answer().error(-Errno.EACCES), Errno.EACCES);
        }
        // a refusal leaves the sockets expected; an SHM answer naming rings that are not there: the early sockets go with the failure
        connectFails(HandshakeAnswer.shm(FakeServer.MAX_MESSAGE_SIZE, shm.resolve("none-request").toString(),
                shm.resolve("none-response").toString(), shm.resolve("none-event").toString()), Errno.ENOENT);
        assertEquals(before, openSockets());
    }

    @Test
    void aWellBehavedFakeAnswersOverDatagrams() {
        try (FakeSocketChannels channels = FakeSocketChannels.create(shm);
             FakeServer server = serving(channels, session -> {
                 channels.respond(channels.takeRequest());
                 channels.sendEvent(new byte[] {1, 2});
             });
             IpcConnection connection = Ipc.connect(server.options())) {
            assertEquals(TransportType.SOCKET, connection.info().type());
            assertTrue(connection.send(message(10), 10));
            assertEquals(10, connection.receiveResponse(FIVE_SECONDS));
            assertArrayEquals(message(10).toArray(JAVA_BYTE), connection.response().asSlice(0, 10).toArray(JAVA_BYTE));
            assertEquals(2, connection.receiveEvent(FIVE_SECONDS));
        }
    }

    /**
     * close() wakes a thread waiting for an event at once (its shutdown ends the recv), not at
     * its next liveness check: the client's integration tests cannot tell the two apart.
     */
    @Test
    void closeWakesAThreadWaitingForAnEventBeforeItsNextLivenessCheck() throws Exception {
        try (FakeSocketChannels channels = FakeSocketChannels.create(shm);
             FakeServer server = serving(channels, session -> { });
             IpcConnection connection = Ipc.connect(Hostile.withoutLivenessChecks(server))) {
            Hostile.assertCloseWakes(connection, () -> connection.receiveEvent(TimeUnit.MINUTES.toNanos(2)),
                    "UnixSocket", "receiveWithin");
        }
    }

    @Test
    void aControlFileOutsideTheShmDirectoryIsRefused() {
        try (FakeSocketChannels channels = FakeSocketChannels.create(shm)) {
            connectFails(channels.answer().names(decoy.path().toString(), "base", ""), Errno.EACCES);
        }
    }

    @Test
    void aControlFileThatIsASymbolicLinkIsRefused() throws IOException {
        Files.createSymbolicLink(shm.resolve("evil-control"), decoy.path());
        try (FakeSocketChannels channels = FakeSocketChannels.create(shm)) {
            connectFails(channels.answer().names(shm.resolve("evil-control").toString(), "base", ""), Errno.ELOOP);
        }
    }

    @Test
    void aControlFileTooSmallIsABadMessage() {
        shm.file("small-control", 8);
        try (FakeSocketChannels channels = FakeSocketChannels.create(shm)) {
            connectFails(channels.answer().names(shm.resolve("small-control").toString(), "base", ""), Errno.EBADMSG);
        }
    }

    @Test
    void nothingBoundAtTheDatagramNamesIsAClearError() {
        try (FakeSocketChannels channels = FakeSocketChannels.create(shm)) {
            String control = shm.resolve("qb-control-fake").toString();
            connectFails(HandshakeAnswer.socket(FakeServer.MAX_MESSAGE_SIZE, control, "jcmap-nobody-here"),
                    Errno.ECONNREFUSED, Errno.ENOENT);
        }
    }

    @Test
    void flowControlInTheControlFileFailsSendWithEagain() {
        try (FakeSocketChannels channels = FakeSocketChannels.create(shm);
             FakeServer server = serving(channels, session -> { });
             IpcConnection connection = Ipc.connect(server.options())) {
            channels.controlInt(FakeSocketChannels.REQUEST_FLOW_CONTROL, 1);
            ErrnoException e = assertThrows(ErrnoException.class, () -> connection.send(message(10), 10),
                    "flow control on");
            assertEquals(Errno.EAGAIN, e.errno());
            channels.controlInt(FakeSocketChannels.REQUEST_FLOW_CONTROL, 0);
            assertTrue(connection.send(message(10), 10), "flow control off: sent");
        }
    }

    @Test
    void aDatagramOverTheMaximumIsTooBigAndDropped() {
        try (FakeSocketChannels channels = FakeSocketChannels.create(shm);
             FakeServer server = serving(channels, session -> {
                 channels.respond(new byte[FakeServer.MAX_MESSAGE_SIZE + 1000]);
                 channels.respond(new byte[] {7, 7, 7});
             });
             IpcConnection connection = Ipc.connect(server.options())) {
            assertErrno(() -> connection.receiveResponse(FIVE_SECONDS), Errno.EMSGSIZE);
            assertEquals(3, connection.receiveResponse(FIVE_SECONDS), "the next datagram is read whole");
        }
    }

    @Test
    void anEmptyDatagramIsABadMessage() {
        try (FakeSocketChannels channels = FakeSocketChannels.create(shm);
             FakeServer server = serving(channels, session -> channels.respond(new byte[0]));
             IpcConnection connection = Ipc.connect(server.options())) {
            assertErrno(() -> connection.receiveResponse(FIVE_SECONDS), Errno.EBADMSG);
        }
    }

    @Test
    void aServerThatHangsUpMidCallFailsTheWaitingReceiveQuickly() {
        try (FakeSocketChannels channels = FakeSocketChannels.create(shm);
             FakeServer server = serving(channels, session -> {
                 channels.takeRequest();
                 session.hangUp();
             });
             IpcConnection connection = Ipc.connect(server.options())) {
            assertTrue(connection.send(message(10), 10));
            assertWithin(1000, () -> assertErrno(() -> connection.receiveResponse(FIVE_SECONDS), Errno.ENOTCONN));
            assertFalse(connection.isConnected());
        }
    }

    @Test
    void aServerThatNeverAnswersLetsTheReceiveTimeOut() {
        try (FakeSocketChannels channels = FakeSocketChannels.create(shm);
             FakeServer server = serving(channels, session -> channels.takeRequest());
             IpcConnection connection = Ipc.connect(server.options())) {
            assertTrue(connection.send(message(10), 10));
            assertWithin(1000, () -> assertEquals(-1, connection.receiveResponse(TimeUnit.MILLISECONDS.toNanos(200))));
            assertTrue(connection.isConnected());
        }
    }
}
