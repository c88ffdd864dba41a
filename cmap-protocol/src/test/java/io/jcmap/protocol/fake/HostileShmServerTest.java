package io.jcmap.protocol.fake;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.ipc.Ipc;
import io.jcmap.protocol.ipc.IpcConnection;
import io.jcmap.protocol.os.Errno;
import io.jcmap.protocol.os.KernelThread;
import io.jcmap.protocol.shm.ChunkDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
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

/**
 * A fake SHM server names ring files it should not, makes them too small, corrupts ring
 * headers and chunks, hangs up or goes silent. The client fails each with a clear
 * ErrnoException, in bounded time, and touches no file outside the shm directory.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileShmServerTest {
    private static final int MAX = FakeServer.MAX_MESSAGE_SIZE;
    private static final long FIVE_SECONDS = TimeUnit.SECONDS.toNanos(5);

    private ShmTempDirectory shm;
    private DecoyFile decoy;
    private Arena arena;

    @BeforeEach
    void setUp() {
        shm = ShmTempDirectory.create("jcmap-fake-");
        decoy = DecoyFile.create("-header");
        arena = Arena.ofShared();
    }

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

    private String decoyRingName() {
        String path = decoy.path().toString();
        return path.substring(0, path.length() - "-header".length());
    }

    private MemorySegment message(byte... bytes) {
        MemorySegment m = arena.allocate(Math.max(bytes.length, 1));
        MemorySegment.copy(bytes, 0, m, JAVA_BYTE, 0, bytes.length);
        return m;
    }

    /** Connects to a server that answers with {@code rings}, then runs {@code afterHandshake}. */
    private static FakeServer serving(FakeRings rings, Consumer<FakeSession> afterHandshake) {
        return FakeServer.start(session -> {
            session.send(rings.answer().bytes());
            afterHandshake.accept(session);
        });
    }

    private void connectFails(HandshakeAnswer answer, int... errnos) {
        try (FakeServer server = FakeServer.start(session -> session.send(answer.bytes()))) {
            assertErrno(() -> Ipc.connect(server.options()).close(), errnos);
        }
    }

    // ---- the fixture itself works -------------------------------------------------------

    @Test
    void aWellBehavedFakeAnswersRequestsAndSendsEvents() {
        try (FakeRings rings = FakeRings.create(shm, MAX);
             FakeServer server = serving(rings, session -> {
                 byte[] request = rings.takeRequest(session);
                 rings.respond(request);
                 rings.sendEvent(session, new byte[] {9, 8, 7});
             });
             IpcConnection connection = Ipc.connect(server.options())) {
            assertEquals(2, rings.request().headerInt(FakeRing.REF_COUNT), "client attached to the request ring");
            assertTrue(connection.send(message((byte) 1, (byte) 2, (byte) 3, (byte) 4, (byte) 5), 5));
            assertEquals(5, connection.receiveResponse(FIVE_SECONDS));
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, connection.response().asSlice(0, 5).toArray(JAVA_BYTE));
            assertEquals(3, connection.receiveEvent(FIVE_SECONDS));
            assertArrayEquals(new byte[] {9, 8, 7}, connection.event().asSlice(0, 3).toArray(JAVA_BYTE));
        }
    }

    /**
     * endRequests (a connection found lost) wakes a thread waiting for a response with ENOTCONN
     * and refuses later requests, while an event that had arrived is still taken; after it a
     * look finds the server's hang-up (decision 0022).
     */
    @Test
    void endedRequestsWakeTheResponseWaiterAndLeaveTheEventsReadable() throws Exception {
        CountDownLatch eventSent = new CountDownLatch(1);
        try (FakeRings rings = FakeRings.create(shm, MAX);
             FakeServer server = serving(rings, session -> {
                 rings.sendEvent(session, new byte[] {4, 5, 6});
                 eventSent.countDown();
                 session.awaitNotification(); // our request, which is never answered
                 session.hangUp();
             });
             IpcConnection connection = Ipc.connect(server.options())) {
            assertTrue(eventSent.await(5, TimeUnit.SECONDS));
            assertTrue(connection.send(message((byte) 1), 1));
            CompletableFuture<KernelThread> waiterThread = new CompletableFuture<>();
            CompletableFuture<Integer> waiter = CompletableFuture.supplyAsync(() -> {
                waiterThread.complete(KernelThread.current());
                return connection.receiveResponse(FIVE_SECONDS);
            });
            waiterThread.get(5, TimeUnit.SECONDS).awaitAsleep("the response waiter");
            long start = System.nanoTime();
            connection.endRequests();
            ExecutionException woken = assertThrows(ExecutionException.class, () -> waiter.get(5, TimeUnit.SECONDS));
            assertEquals(Errno.ENOTCONN, ((ErrnoException) woken.getCause()).errno());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "woken, not timed out");
            assertEquals(Errno.ENOTCONN, assertThrows(ErrnoException.class, () -> connection.send(message((byte) 2), 1)).errno());
            assertEquals(3, connection.receiveEvent(0), "the event that had arrived");
            assertArrayEquals(new byte[] {4, 5, 6}, connection.event().asSlice(0, 3).toArray(JAVA_BYTE));
            long deadline = System.nanoTime() + FIVE_SECONDS;
            while (true) {
                try {
                    assertEquals(-1, connection.receiveEvent(0));
                } catch (ErrnoException gone) {
                    assertEquals(Errno.ENOTCONN, gone.errno(), "a look finds the hang-up");
                    break;
                }
                assertTrue(System.nanoTime() < deadline, "the hang-up was never reported");
            }
        }
    }

    /**
     * A look for a response whose very first try takes the wake-up of endRequests (or of close,
     * which posts the same count) finds no chunk behind it: it reports the ended requests, where
     * reading would have found a malformed ring. The close variant needs a thread caught between
     * entering and its first try; endRequests leaves the count for a later caller to take.
     */
    @Test
    void aFirstLookThatTakesTheWakeUpOfEndedRequestsReportsThemNotAMalformedRing() {
        try (FakeRings rings = FakeRings.create(shm, MAX);
             FakeServer server = serving(rings, session -> session.awaitNotification());
             IpcConnection connection = Ipc.connect(server.options())) {
            connection.endRequests();
            for (long timeout : new long[] {0, FIVE_SECONDS}) {
                long start = System.nanoTime();
                ErrnoException ended = assertThrows(ErrnoException.class, () -> connection.receiveResponse(timeout));
                assertEquals(Errno.ENOTCONN, ended.errno(), ended.getMessage());
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "at once, not timed out");
            }
        }
    }

    @Test
    void bytesBeyondThe12328OfTheAnswerAreNotMistakenForEventsOrResponses() {
        try (FakeRings rings = FakeRings.create(shm, MAX);
             FakeServer server = FakeServer.start(session -> {
                 byte[] answer = rings.answer().bytes();
                 byte[] longer = java.util.Arrays.copyOf(answer, answer.length + 1000);
                 java.util.Arrays.fill(longer, answer.length, longer.length, (byte) 0x77);
                 session.send(longer);
                 rings.respond(rings.takeRequest(session));
             });
             IpcConnection connection = Ipc.connect(server.options())) {
            assertEquals(-1, connection.receiveEvent(0), "no event is in the event ring");
            assertTrue(connection.send(message((byte) 3), 1));
            assertEquals(1, connection.receiveResponse(FIVE_SECONDS), "responses still come from the ring");
            assertTrue(connection.isConnected());
        }
    }

    // ---- ring files that must not be opened ---------------------------------------------

    @Test
    void aRingOutsideTheShmDirectoryIsRefusedAndTheFileLeftAlone() {
        try (FakeRings rings = FakeRings.create(shm, MAX)) {
            connectFails(rings.answer().names(decoyRingName(), rings.response().name(), rings.event().name()),
                    Errno.EACCES);
            connectFails(rings.answer().names(rings.request().name(), rings.response().name(), decoyRingName()),
                    Errno.EACCES);
        }
    }

    @Test
    void aRingNameClimbingOutOfTheShmDirectoryIsRefused() {
        String climbing = "/dev/shm/.." + decoyRingName();
        try (FakeRings rings = FakeRings.create(shm, MAX)) {
            connectFails(rings.answer().names(rings.request().name(), climbing, rings.event().name()), Errno.EACCES);
            connectFails(rings.answer().names(rings.request().name(), "qb-response-relative", rings.event().name()),
                    Errno.EACCES);
        }
    }

    @Test
    void aRingFileThatIsASymbolicLinkIsRefused() throws IOException {
        Files.createSymbolicLink(shm.resolve("evil-header"), decoy.path());
        try (FakeRings rings = FakeRings.create(shm, MAX)) {
            connectFails(rings.answer().names(rings.request().name(), shm.resolve("evil").toString(),
                    rings.event().name()), Errno.ELOOP);
        }
    }

    @Test
    void aRingPathThroughASymbolicLinkToADirectoryIsRefused() throws IOException {
        Files.createSymbolicLink(shm.resolve("tmp"), decoy.path().getParent());
        String through = shm.resolve("tmp").resolve(Path.of(decoyRingName()).getFileName()).toString();
        try (FakeRings rings = FakeRings.create(shm, MAX)) {
            connectFails(rings.answer().names(through, rings.response().name(), rings.event().name()),
                    Errno.ELOOP, Errno.ENOTDIR);
        }
    }

    @Test
    void aRingFileThatIsADirectoryIsRefused() throws IOException {
        Files.createDirectory(shm.resolve("dir-header"));
        try (FakeRings rings = FakeRings.create(shm, MAX)) {
            connectFails(rings.answer().names(rings.request().name(), shm.resolve("dir").toString(),
                    rings.event().name()), Errno.EISDIR, Errno.EBADMSG);
        }
    }

    @Test
    void missingRingFilesAreNotFound() {
        try (FakeRings rings = FakeRings.create(shm, MAX)) {
            connectFails(rings.answer().names(rings.request().name(), shm.resolve("absent").toString(),
                    rings.event().name()), Errno.ENOENT);
        }
    }

    // ---- ring files too small, headers out of range -----------------------------------

    @Test
    void aHeaderFileTooSmallIsABadMessageAndNotExtended() {
        Path header = shm.file("small-header", 100);
        shm.file("small-data", 8192);
        try (FakeRings rings = FakeRings.create(shm, MAX)) {
            connectFails(rings.answer().names(rings.request().name(), shm.resolve("small").toString(),
                    rings.event().name()), Errno.EBADMSG);
        }
        assertEquals(100, size(header), "the client never extends a file");
    }

    @Test
    void aDataFileShorterThanTheHeaderClaimsIsABadMessageAndNotExtended() throws IOException {
        try (FakeRings rings = FakeRings.create(shm, MAX)) {
            Path data = Path.of(rings.response().name() + "-data");
            long words = rings.response().headerInt(FakeRing.WORD_SIZE);
            try (var channel = java.nio.channels.FileChannel.open(data, java.nio.file.StandardOpenOption.WRITE)) {
                channel.truncate(words * 4 - 4);
            }
            connectFails(rings.answer(), Errno.EBADMSG);
            assertEquals(words * 4 - 4, size(data), "the client never extends a file");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 4096, -1, Integer.MAX_VALUE})
    void aWordSizeOutOfRangeIsABadMessage(int wordSize) {
        try (FakeRings rings = FakeRings.create(shm, MAX)) {
            rings.event().headerInt(FakeRing.WORD_SIZE, wordSize);
            connectFails(rings.answer(), Errno.EBADMSG);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 1 << 20, Integer.MIN_VALUE})
    void aRequestRingWritePointerOutOfRangeMakesSendABadMessage(int pointer) {
        try (FakeRings rings = FakeRings.create(shm, MAX);
             FakeServer server = serving(rings, session -> { });
             IpcConnection connection = Ipc.connect(server.options())) {
            rings.request().headerInt(FakeRing.WRITE_PT, pointer);
            assertErrno(() -> connection.send(message((byte) 1), 1), Errno.EBADMSG);
            rings.request().headerInt(FakeRing.WRITE_PT, 0);
            rings.request().headerInt(FakeRing.READ_PT, pointer);
            assertErrno(() -> connection.send(message((byte) 1), 1), Errno.EBADMSG);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 1 << 20, Integer.MIN_VALUE})
    void aResponseReadPointerOutOfRangeIsABadMessage(int pointer) {
        try (FakeRings rings = FakeRings.create(shm, MAX);
             FakeServer server = serving(rings, session -> {
                 rings.response().headerInt(FakeRing.READ_PT, pointer);
                 rings.response().ring().semaphore().post();
             });
             IpcConnection connection = Ipc.connect(server.options())) {
            assertErrno(() -> connection.receiveResponse(FIVE_SECONDS), Errno.EBADMSG);
        }
    }

    @Test
    void aDataFileShrunkAfterConnectingIsABadMessageNotACrash() throws IOException {
        try (FakeRings rings = FakeRings.create(shm, MAX);
             FakeServer server = serving(rings, session -> { });
             IpcConnection connection = Ipc.connect(server.options())) {
            rings.respond(new byte[100]);
            truncate(Path.of(rings.response().name() + "-data"));
            truncate(Path.of(rings.request().name() + "-data"));
            assertErrno(() -> connection.receiveResponse(FIVE_SECONDS), Errno.EBADMSG);
            assertErrno(() -> connection.send(message((byte) 1), 1), Errno.EBADMSG, Errno.ENOTCONN);
            assertFalse(connection.isConnected());
        }
    }

    private static void truncate(Path file) throws IOException {
        try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(0);
        }
    }

    // ---- chunks with absurd contents ----------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {MAX + 1, 0x7fff_fff0, -1, -8})
    void aResponseChunkWithAnAbsurdLengthIsABadMessage(int length) {
        try (FakeRings rings = FakeRings.create(shm, MAX);
             FakeServer server = serving(rings, session -> {
                 rings.response().rawChunk(0, length, ChunkDescriptor.MAGIC_COMMITTED, new byte[] {1, 2, 3, 4});
                 rings.response().headerInt(FakeRing.WRITE_PT, 3);
                 rings.response().ring().semaphore().post();
             });
             IpcConnection connection = Ipc.connect(server.options())) {
            assertErrno(() -> connection.receiveResponse(FIVE_SECONDS), Errno.EBADMSG);
        }
    }

    @Test
    void anEventChunkWithAnAbsurdLengthIsABadMessage() {
        try (FakeRings rings = FakeRings.create(shm, MAX);
             FakeServer server = serving(rings, session -> {
                 rings.event().rawChunk(0, Integer.MAX_VALUE, ChunkDescriptor.MAGIC_COMMITTED, new byte[4]);
                 rings.event().headerInt(FakeRing.WRITE_PT, 3);
                 rings.event().ring().semaphore().post();
                 session.notifyEvent();
             });
             IpcConnection connection = Ipc.connect(server.options())) {
            assertErrno(() -> connection.receiveEvent(FIVE_SECONDS), Errno.EBADMSG);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, ChunkDescriptor.MAGIC_ALLOCATED, ChunkDescriptor.MAGIC_RECLAIMED, 0x12345678})
    void aPostedChunkThatIsNotCommittedIsABadMessage(int magic) {
        try (FakeRings rings = FakeRings.create(shm, MAX);
             FakeServer server = serving(rings, session -> {
                 rings.response().rawChunk(0, 4, magic, new byte[4]);
                 rings.response().headerInt(FakeRing.WRITE_PT, 3);
                 rings.response().ring().semaphore().post();
             });
             IpcConnection connection = Ipc.connect(server.options())) {
            assertErrno(() -> connection.receiveResponse(FIVE_SECONDS), Errno.EBADMSG);
        }
    }

    @Test
    void aChunkWrappingAroundTheEndOfTheRingIsReadWhole() {
        byte[] payload = new byte[64];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i + 1);
        }
        try (FakeRings rings = FakeRings.create(shm, MAX);
             FakeServer server = serving(rings, session -> {
                 int words = rings.response().headerInt(FakeRing.WORD_SIZE);
                 // an empty ring whose pointers stand 5 words before the end: the chunk wraps
                 rings.response().headerInt(FakeRing.WRITE_PT, words - 5);
                 rings.response().headerInt(FakeRing.READ_PT, words - 5);
                 rings.respond(payload);
             });
             IpcConnection connection = Ipc.connect(server.options())) {
            assertEquals(64, connection.receiveResponse(FIVE_SECONDS));
            assertArrayEquals(payload, connection.response().asSlice(0, 64).toArray(JAVA_BYTE));
            int words = rings.response().headerInt(FakeRing.WORD_SIZE);
            assertEquals((words - 5 + FakeRings.chunkWords(64)) % words, rings.response().headerInt(FakeRing.READ_PT),
                    "the read pointer moved past the chunk, modulo the word size");
        }
    }

    // ---- a server that goes away or goes quiet -----------------------------------------

    @Test
    void aServerThatHangsUpMidCallFailsTheWaitingReceiveQuickly() {
        CountDownLatch took = new CountDownLatch(1);
        try (FakeRings rings = FakeRings.create(shm, MAX);
             FakeServer server = serving(rings, session -> {
                 rings.takeRequest(session);
                 took.countDown();
                 session.hangUp();
             });
             IpcConnection connection = Ipc.connect(server.options())) {
            assertTrue(connection.send(message((byte) 1), 1));
            assertWithin(1000, () -> assertErrno(() -> connection.receiveResponse(FIVE_SECONDS), Errno.ENOTCONN));
            assertFalse(connection.isConnected());
            assertErrno(() -> connection.receiveResponse(FIVE_SECONDS), Errno.ENOTCONN);
        }
    }

    @Test
    void aServerThatReleasesTheRequestRingMakesSendNotConnected() {
        try (FakeRings rings = FakeRings.create(shm, MAX);
             FakeServer server = serving(rings, session -> { });
             IpcConnection connection = Ipc.connect(server.options())) {
            rings.request().headerInt(FakeRing.REF_COUNT, 1);
            assertErrno(() -> connection.send(message((byte) 1), 1), Errno.ENOTCONN);
        }
    }

    @Test
    void aServerThatNeverAnswersLetsTheReceiveTimeOut() {
        try (FakeRings rings = FakeRings.create(shm, MAX);
             FakeServer server = serving(rings, rings::takeRequest);
             IpcConnection connection = Ipc.connect(server.options())) {
            assertTrue(connection.send(message((byte) 1), 1));
            assertWithin(1000, () -> assertEquals(-1, connection.receiveResponse(TimeUnit.MILLISECONDS.toNanos(200))));
            assertTrue(connection.isConnected(), "a slow server is still a server");
            assertEquals(-1, connection.receiveEvent(0));
        }
    }

    @Test
    void closeWakesAThreadWaitingForAResponse() throws Exception {
        try (FakeRings rings = FakeRings.create(shm, MAX);
             FakeServer server = serving(rings, session -> { })) {
            IpcConnection connection = Ipc.connect(server.options());
            var waiter = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return connection.receiveResponse(FIVE_SECONDS);
                } catch (RuntimeException e) {
                    return e;
                }
            });
            assertWithin(1000, connection::close);
            Object outcome = waiter.get(2, TimeUnit.SECONDS);
            assertTrue(outcome instanceof io.jcmap.protocol.ErrnoException e && e.errno() == Errno.ENOTCONN,
                    "woken with ENOTCONN: " + outcome);
        }
    }

    /**
     * close() wakes a thread waiting for an event at once, not at its next liveness check: the
     * client's integration tests cannot tell the two apart, its checks come every 100 ms.
     */
    @Test
    void closeWakesAThreadWaitingForAnEventBeforeItsNextLivenessCheck() throws Exception {
        try (FakeRings rings = FakeRings.create(shm, MAX);
             FakeServer server = serving(rings, session -> { });
             IpcConnection connection = Ipc.connect(Hostile.withoutLivenessChecks(server))) {
            Hostile.assertCloseWakes(connection, () -> connection.receiveEvent(TimeUnit.MINUTES.toNanos(2)),
                    "SharedSemaphore", "acquire");
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
