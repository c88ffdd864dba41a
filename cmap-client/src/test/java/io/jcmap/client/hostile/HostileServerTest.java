package io.jcmap.client.hostile;

import io.jcmap.client.Cmap;
import io.jcmap.client.CmapException;
import io.jcmap.client.CmapHandle;
import io.jcmap.client.CmapMap;
import io.jcmap.client.CmapOptions;
import io.jcmap.client.CsError;
import io.jcmap.client.Endpoint;
import io.jcmap.protocol.cmap.CmapMessageSize;
import io.jcmap.protocol.cmap.GetRequestDescriptor;
import io.jcmap.protocol.os.CurrentProcess;
import io.jcmap.protocol.os.Credentials;
import io.jcmap.protocol.fake.DecoyFile;
import io.jcmap.protocol.fake.FakeRings;
import io.jcmap.protocol.fake.FakeServer;
import io.jcmap.protocol.fake.FakeSession;
import io.jcmap.protocol.fake.HandshakeAnswer;
import io.jcmap.protocol.fake.ShmTempDirectory;
import io.jcmap.protocol.shm.ChunkDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The public API against a fake libqb server (cmap-protocol's test fixture, on an abstract
 * socket of its own): every hostile or broken answer becomes a {@link CmapException} with the
 * CsError libcmap would report, in bounded time, and no file outside /dev/shm is touched.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileServerTest {
    /** CMAP response ids and sizes, written out: SET_CURRENT_MAP is answered with id 10. */
    private static final int SET_CURRENT_MAP_RESPONSE = 10;
    private static final int GET_RESPONSE = 2;
    private static final int CS_OK = 1;
    private static final int BINARY = 12;

    private final ShmTempDirectory shm = ShmTempDirectory.create("jcmap-hostile-");
    private final DecoyFile decoy = DecoyFile.create("-header");

    @AfterEach
    void tearDown() {
        try {
            decoy.assertUntouched();
            DecoyFile.assertNothingOpenBelow(shm.path());
        } finally {
            shm.close();
            decoy.close();
        }
    }

    private static CmapOptions.Builder options(FakeServer server) {
        return CmapOptions.builder().endpoint(Endpoint.abstractName(server.name()))
                .maxMessageSize(FakeServer.MAX_MESSAGE_SIZE).connectTimeout(Duration.ofSeconds(2));
    }

    private static CmapException fails(CsError expected, Executable call) {
        long start = System.nanoTime();
        CmapException e = assertThrows(CmapException.class, call);
        assertEquals(expected, e.error(), e.getMessage());
        assertTrue(System.nanoTime() - start < 3_000_000_000L, "failed within 3 s");
        return e;
    }

    /** A bare 24-byte response header whose size field says {@code size}, true or not. */
    private static byte[] header(int id, int size, int error) {
        return ByteBuffer.allocate(24).order(ByteOrder.nativeOrder())
                .putInt(0, id).putInt(8, size).putInt(16, error).array();
    }

    /** A server that answers the handshake with these rings and initialize_map with OK, then runs {@code then}. */
    private static FakeServer connected(FakeRings rings, Consumer<FakeSession> then) {
        return FakeServer.start(session -> {
            session.send(rings.answer().bytes());
            rings.takeRequest(session);
            rings.respond(header(SET_CURRENT_MAP_RESPONSE, 24, CS_OK));
            then.accept(session);
        });
    }

    private static CmapHandle open(FakeServer server, CmapOptions options) {
        return Cmap.initialize(CmapMap.ICMAP, options);
    }

    @Test
    void aGarbageHandshakeAnswerIsMessageError() {
        byte[] garbage = new byte[HandshakeAnswer.LENGTH];
        Arrays.fill(garbage, (byte) 0x5a);
        try (FakeServer server = FakeServer.start(session -> session.send(garbage))) {
            fails(CsError.MESSAGE_ERROR, () -> open(server, options(server).build()));
        }
    }

    @Test
    void aServerThatNeverAnswersTheHandshakeIsTryAgainAfterTheConnectTimeout() {
        try (FakeServer server = FakeServer.start(session -> { })) {
            CmapException e = fails(CsError.TRY_AGAIN,
                    () -> open(server, options(server).connectTimeout(Duration.ofMillis(300)).build()));
            assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        }
    }

    @Test
    void aServerRunningAsAnotherUidIsAccessDenied() {
        Credentials nobody = new Credentials(CurrentProcess.pid(), 65534, 65534);
        try (FakeRings rings = FakeRings.create(shm, FakeServer.MAX_MESSAGE_SIZE);
             FakeServer server = FakeServer.start(session -> session.sendWithCredentials(rings.answer().bytes(), nobody))) {
            fails(CsError.ACCESS, () -> open(server, options(server).build()));
        }
    }

    @Test
    void aRingOutsideTheShmDirectoryIsAccessDeniedAndTheFileUntouched() {
        String path = decoy.path().toString();
        String outside = path.substring(0, path.length() - "-header".length());
        try (FakeRings rings = FakeRings.create(shm, FakeServer.MAX_MESSAGE_SIZE);
             FakeServer server = FakeServer.start(session -> session.send(
                     rings.answer().names(rings.request().name(), outside, rings.event().name()).bytes()))) {
            fails(CsError.ACCESS, () -> open(server, options(server).build()));
        }
    }

    @Test
    void aSocketTransportControlFileOutsideTheShmDirectoryIsAccessDenied() {
        try (FakeServer server = FakeServer.start(session -> session.send(HandshakeAnswer.socket(
                FakeServer.MAX_MESSAGE_SIZE, decoy.path().toString(), "jcmap-hostile-base").bytes()))) {
            fails(CsError.ACCESS, () -> open(server, options(server).build()));
        }
    }

    @Test
    void aRingThroughASymbolicLinkIsRefused() throws IOException {
        Files.createSymbolicLink(shm.resolve("evil-header"), decoy.path());
        try (FakeRings rings = FakeRings.create(shm, FakeServer.MAX_MESSAGE_SIZE);
             FakeServer server = FakeServer.start(session -> session.send(rings.answer()
                     .names(rings.request().name(), rings.response().name(), shm.resolve("evil").toString()).bytes()))) {
            CmapException e = fails(CsError.LIBRARY, () -> open(server, options(server).build()));
            assertEquals(40, e.errno(), "ELOOP");
        }
    }

    @Test
    void aRingHeaderWithAnAbsurdWordSizeIsMessageError() {
        try (FakeRings rings = FakeRings.create(shm, FakeServer.MAX_MESSAGE_SIZE);
             FakeServer server = FakeServer.start(session -> session.send(rings.answer().bytes()))) {
            rings.response().headerInt(io.jcmap.protocol.fake.FakeRing.WORD_SIZE, Integer.MAX_VALUE);
            fails(CsError.MESSAGE_ERROR, () -> open(server, options(server).build()));
        }
    }

    @Test
    void aWrongResponseIdToInitializeMapIsMessageError() {
        try (FakeRings rings = FakeRings.create(shm, FakeServer.MAX_MESSAGE_SIZE);
             FakeServer server = FakeServer.start(session -> {
                 session.send(rings.answer().bytes());
                 rings.takeRequest(session);
                 rings.respond(header(GET_RESPONSE, 24, CS_OK));
             })) {
            fails(CsError.MESSAGE_ERROR, () -> open(server, options(server).build()));
        }
    }

    @Test
    void anAsyncGetAnsweredWithAWrongIdCompletesWithMessageError() throws Exception {
        try (FakeRings rings = FakeRings.create(shm, FakeServer.MAX_MESSAGE_SIZE);
             FakeServer server = connected(rings, session -> {
                 rings.takeRequest(session);
                 rings.respond(header(SET_CURRENT_MAP_RESPONSE, 24, CS_OK));
             });
             CmapHandle cmap = open(server, options(server).build())) {
            var future = cmap.getAsync("any.key");
            var failure = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> future.get(3, java.util.concurrent.TimeUnit.SECONDS));
            CmapException e = assertInstanceOf(CmapException.class, failure.getCause());
            assertEquals(CsError.MESSAGE_ERROR, e.error(), e.getMessage());
        }
    }

    /**
     * A value longer than the first look's 256 bytes may change length before the second look:
     * that look reserves the longest value corosync stores, so whatever the value is by then
     * fits (it reserved the length the first answer gave, and a value grown meanwhile needed
     * more looks, up to TRY_AGAIN).
     */
    @Test
    void aGetsSecondLookReservesTheLongestValue() {
        int grown = 5_000;
        byte[] needs300 = ByteBuffer.allocate(40).order(ByteOrder.nativeOrder()).putInt(0, GET_RESPONSE).putInt(8, 40)
                .putInt(16, CS_OK).putLong(24, 300).put(32, (byte) BINARY).array();
        byte[] value = ByteBuffer.allocate(40 + grown).order(ByteOrder.nativeOrder()).putInt(0, GET_RESPONSE)
                .putInt(8, 40 + grown).putInt(16, CS_OK).putLong(24, grown).put(32, (byte) BINARY).array();
        java.util.concurrent.atomic.AtomicLong secondReserve = new java.util.concurrent.atomic.AtomicLong(-1);
        try (FakeRings rings = FakeRings.create(shm, FakeServer.MAX_MESSAGE_SIZE);
             FakeServer server = connected(rings, session -> {
                 rings.takeRequest(session);
                 rings.respond(needs300);
                 byte[] second = rings.takeRequest(session);
                 secondReserve.set(ByteBuffer.wrap(second).order(ByteOrder.nativeOrder())
                         .getLong(GetRequestDescriptor.VALUE_LEN_OFFSET));
                 rings.respond(value);
             });
             CmapHandle cmap = open(server, options(server).build())) {
            assertEquals(grown, cmap.getBinary("any.key").length);
            // the longest value corosync stores, or as much as this server's messages carry
            assertEquals(Math.min(CmapMessageSize.MAX_STORED_VALUE_LENGTH,
                    CmapMessageSize.maxGetValueLength(FakeServer.MAX_MESSAGE_SIZE)), secondReserve.get());
        }
    }

    @Test
    void aGetAnsweredWithAnAbsurdSizeFieldIsMessageError() {
        try (FakeRings rings = FakeRings.create(shm, FakeServer.MAX_MESSAGE_SIZE);
             FakeServer server = connected(rings, session -> {
                 rings.takeRequest(session);
                 rings.respond(header(GET_RESPONSE, 0x7fff_fff0, CS_OK));
             });
             CmapHandle cmap = open(server, options(server).build())) {
            fails(CsError.MESSAGE_ERROR, () -> cmap.getUint8("any.key"));
        }
    }

    @Test
    void aGetAnsweredWithAnAbsurdValueLengthIsMessageError() {
        byte[] answer = ByteBuffer.allocate(40).order(ByteOrder.nativeOrder()).putInt(0, GET_RESPONSE).putInt(8, 40)
                .putInt(16, CS_OK).putLong(24, Long.MAX_VALUE).put(32, (byte) 2).array();
        try (FakeRings rings = FakeRings.create(shm, FakeServer.MAX_MESSAGE_SIZE);
             FakeServer server = connected(rings, session -> {
                 rings.takeRequest(session);
                 rings.respond(answer);
             });
             CmapHandle cmap = open(server, options(server).build())) {
            fails(CsError.MESSAGE_ERROR, () -> cmap.getUint8("any.key"));
        }
    }

    @Test
    void aNumericTypeWithTheWrongLengthIsMessageError() {
        // INT32 (type 5) said to be 2 bytes long: no server sends that
        byte[] answer = ByteBuffer.allocate(48).order(ByteOrder.nativeOrder()).putInt(0, GET_RESPONSE).putInt(8, 48)
                .putInt(16, CS_OK).putLong(24, 2).put(32, (byte) 5).array();
        try (FakeRings rings = FakeRings.create(shm, FakeServer.MAX_MESSAGE_SIZE);
             FakeServer server = connected(rings, session -> {
                 rings.takeRequest(session);
                 rings.respond(answer);
             });
             CmapHandle cmap = open(server, options(server).build())) {
            fails(CsError.MESSAGE_ERROR, () -> cmap.getInt32("any.key"));
        }
    }

    @Test
    void aResponseChunkWithAnAbsurdLengthIsMessageError() {
        try (FakeRings rings = FakeRings.create(shm, FakeServer.MAX_MESSAGE_SIZE);
             FakeServer server = connected(rings, session -> {
                 rings.takeRequest(session);
                 int at = rings.response().headerInt(io.jcmap.protocol.fake.FakeRing.WRITE_PT);
                 rings.response().rawChunk(at, Integer.MAX_VALUE, ChunkDescriptor.MAGIC_COMMITTED, new byte[8]);
                 rings.response().headerInt(io.jcmap.protocol.fake.FakeRing.WRITE_PT, at + 4);
                 rings.response().ring().semaphore().post();
             });
             CmapHandle cmap = open(server, options(server).build())) {
            fails(CsError.MESSAGE_ERROR, () -> cmap.getUint8("any.key"));
        }
    }

    @Test
    void aValueThatDoesNotFitTheNegotiatedMessageSizeIsTooBigAndNeverSent() {
        try (FakeRings rings = FakeRings.create(shm, FakeServer.MAX_MESSAGE_SIZE);
             FakeServer server = connected(rings, session -> { });
             CmapHandle cmap = open(server, options(server).build())) {
            int writePointer = rings.request().headerInt(io.jcmap.protocol.fake.FakeRing.WRITE_PT);
            // 296 bytes of SET fixed part + the value must fit the 16384 negotiated
            fails(CsError.TOO_BIG, () -> cmap.setBinary("any.key", new byte[FakeServer.MAX_MESSAGE_SIZE - 296 + 1]));
            assertEquals(writePointer, rings.request().headerInt(io.jcmap.protocol.fake.FakeRing.WRITE_PT),
                    "nothing reached the request ring");
        }
    }

    @Test
    void aServerThatHangsUpMidCallIsLibrary() {
        try (FakeRings rings = FakeRings.create(shm, FakeServer.MAX_MESSAGE_SIZE);
             FakeServer server = connected(rings, session -> {
                 rings.takeRequest(session);
                 session.hangUp();
             });
             CmapHandle cmap = open(server, options(server).build())) {
            fails(CsError.LIBRARY, () -> cmap.getUint8("any.key"));
        }
    }

    @Test
    void aServerThatNeverAnswersIsTimeoutAfterTheRequestTimeout() {
        try (FakeRings rings = FakeRings.create(shm, FakeServer.MAX_MESSAGE_SIZE);
             FakeServer server = connected(rings, rings::takeRequest);
             CmapHandle cmap = open(server, options(server).requestTimeout(Duration.ofMillis(300)).build())) {
            long start = System.nanoTime();
            fails(CsError.TIMEOUT, () -> cmap.getUint8("any.key"));
            assertTrue(System.nanoTime() - start >= 250_000_000L, "waited for the request timeout");
        }
    }
}
