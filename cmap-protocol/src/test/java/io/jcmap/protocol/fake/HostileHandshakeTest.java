package io.jcmap.protocol.fake;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.ipc.Ipc;
import io.jcmap.protocol.ipc.IpcConnection;
import io.jcmap.protocol.ipc.IpcOptions;
import io.jcmap.protocol.os.CurrentProcess;
import io.jcmap.protocol.os.Credentials;
import io.jcmap.protocol.os.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

import static io.jcmap.protocol.fake.Hostile.assertErrno;
import static io.jcmap.protocol.fake.Hostile.assertWithin;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A fake libqb server answers the authenticate request with garbage, too little, absurd fields
 * or another user's credentials; the client refuses each with a clear ErrnoException, in time.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileHandshakeTest {
    private static final int MAX = FakeServer.MAX_MESSAGE_SIZE;

    private static final Set<Integer> ROOT_OR_SELF = FakeServer.rootOrSelf();

    private static ErrnoException connectFails(FakeServer.Script script, int... errnos) {
        return connectFails(FakeServer::options, script, errnos);
    }

    private static ErrnoException connectFails(Function<FakeServer, IpcOptions> options, FakeServer.Script script,
                                               int... errnos) {
        try (FakeServer server = FakeServer.start(script)) {
            return assertErrno(() -> Ipc.connect(options.apply(server)).close(), errnos);
        }
    }

    private static IpcOptions shortConnectTimeout(FakeServer server) {
        return server.options(Duration.ofMillis(300), ROOT_OR_SELF);
    }

    private static HandshakeAnswer valid() {
        return HandshakeAnswer.shm(MAX, "/dev/shm/none/qb-request-x", "/dev/shm/none/qb-response-x",
                "/dev/shm/none/qb-event-x");
    }

    @Test
    void theFakeSeesLibqbsAuthenticateRequest() {
        try (FakeServer server = FakeServer.start(session -> session.send(valid().error(-Errno.EPERM).bytes()))) {
            assertErrno(() -> Ipc.connect(server.options()), Errno.EPERM);
            assertEquals(MAX, server.sessions().getFirst().requestedMaxMessageSize());
        }
    }

    @Test
    void anAnswerOfRepeatedGarbageIsABadMessage() {
        byte[] garbage = new byte[HandshakeAnswer.LENGTH];
        Arrays.fill(garbage, (byte) 0x5a);
        connectFails(session -> session.send(garbage), Errno.EBADMSG);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 4711})
    void anAnswerOfRandomBytesGivesAnErrnoExceptionAndNothingElse(long seed) {
        byte[] garbage = new byte[HandshakeAnswer.LENGTH];
        new Random(seed).nextBytes(garbage);
        // a random error field may read as a refusal with some errno: any errno, but only that
        try (FakeServer server = FakeServer.start(session -> session.send(garbage))) {
            org.junit.jupiter.api.Assertions.assertThrows(ErrnoException.class, () -> Ipc.connect(server.options()));
        }
    }

    @Test
    void aTruncatedAnswerAndAHangUpIsNotConnected() {
        byte[] part = Arrays.copyOf(valid().bytes(), 100);
        connectFails(session -> {
            session.send(part);
            session.hangUp();
        }, Errno.ENOTCONN);
    }

    @Test
    void aTruncatedAnswerFollowedBySilenceTimesOutWithinTheConnectTimeout() {
        byte[] part = Arrays.copyOf(valid().bytes(), HandshakeAnswer.LENGTH - 1);
        assertWithin(1500, () -> connectFails(HostileHandshakeTest::shortConnectTimeout, session -> session.send(part), Errno.ETIMEDOUT));
    }

    @Test
    void aServerThatNeverAnswersTimesOut() {
        assertWithin(1500, () -> connectFails(HostileHandshakeTest::shortConnectTimeout, session -> { }, Errno.ETIMEDOUT));
    }

    @Test
    void aServerThatHangsUpAfterTheRequestIsNotConnected() {
        connectFails(FakeSession::hangUp, Errno.ENOTCONN);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 5, -2, Integer.MIN_VALUE})
    void aWrongMessageIdIsABadMessage(int id) {
        connectFails(session -> session.send(valid().id(id).bytes()), Errno.EBADMSG);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 24, HandshakeAnswer.LENGTH - 1, HandshakeAnswer.LENGTH + 1, 1 << 30, -1})
    void aSizeFieldOtherThanTheStructsIsABadMessage(int size) {
        connectFails(session -> session.send(valid().size(size).bytes()), Errno.EBADMSG);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, MAX - 1, 64 * 1024 * 1024 + 1, Integer.MAX_VALUE, -1})
    void anAbsurdMaxMessageSizeIsABadMessage(int size) {
        connectFails(session -> session.send(valid().maxMessageSize(size).bytes()), Errno.EBADMSG);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 7, -1})
    void anUnknownConnectionTypeIsABadMessage(int type) {
        connectFails(session -> session.send(valid().type(type).bytes()), Errno.EBADMSG);
    }

    @Test
    void aRefusalCarriesTheServersErrno() {
        connectFails(session -> session.send(valid().error(-Errno.EACCES).bytes()), Errno.EACCES);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 12345, -100000, Integer.MIN_VALUE})
    void anErrorFieldThatIsNoNegativeErrnoIsABadMessage(int error) {
        connectFails(session -> session.send(valid().error(error).bytes()), Errno.EBADMSG);
    }

    @Test
    void aChannelNameWithoutItsTerminatingNulIsABadMessage() {
        String endless = "/dev/shm/" + "x".repeat(4096 - 9);
        connectFails(session -> session.send(valid().names("/dev/shm/a", endless, "/dev/shm/c").bytes()), Errno.EBADMSG);
    }

    @Test
    void aServerWhoseCredentialsSayAnotherUidIsRefused() {
        // as root the fake may claim any uid in SCM_CREDENTIALS; the kernel checks the claim
        Credentials nobody = new Credentials(CurrentProcess.pid(), 65534, 65534);
        ErrnoException e = connectFails(session -> session.sendWithCredentials(valid().bytes(), nobody), Errno.EACCES);
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("65534"), e.getMessage());
    }

    @Test
    void aServerProcessRunningAsAnotherUserIsRefused() throws Exception {
        // a real process of uid 65534: the kernel, not a claim, names the foreign uid
        String name = "jcmap-foreign-" + java.util.UUID.randomUUID();
        Process helper = ForeignUidServer.start(65534, name);
        try {
            IpcOptions options = new IpcOptions(io.jcmap.protocol.os.UnixAddress.abstractName(name), MAX,
                    Duration.ofSeconds(5), ROOT_OR_SELF, ShmTempDirectory.SHM, Duration.ofMillis(20));
            ErrnoException e = assertErrno(() -> Ipc.connect(options).close(), Errno.EACCES);
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("uid 65534"), e.getMessage());
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("pid " + helper.pid()), e.getMessage());
        } finally {
            helper.getOutputStream().close();
            if (!helper.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                helper.destroyForcibly();
            }
        }
    }

    @Test
    void aServerOfAUidOutsideTheAllowedSetIsRefused() {
        connectFails(server -> server.options(Duration.ofSeconds(2), Set.of(4242)), session -> session.send(valid().bytes()), Errno.EACCES);
    }

    @Test
    void withAnEmptyAllowedSetAnyUidIsAcceptedAndTheRingsAreOpenedNext() {
        // the uid check passes; the next step, opening the rings named, fails as none exist
        Credentials nobody = new Credentials(CurrentProcess.pid(), 65534, 65534);
        connectFails(server -> server.options(Duration.ofSeconds(2), Set.of()), session -> session.sendWithCredentials(valid().bytes(), nobody), Errno.ENOENT);
    }

    @Test
    void nothingListeningIsConnectionRefused() {
        FakeServer server = FakeServer.start(session -> { });
        IpcOptions options = server.options();
        server.close();
        IpcConnection[] connection = new IpcConnection[1];
        assertErrno(() -> connection[0] = Ipc.connect(options), Errno.ECONNREFUSED, Errno.ENOENT);
    }
}
