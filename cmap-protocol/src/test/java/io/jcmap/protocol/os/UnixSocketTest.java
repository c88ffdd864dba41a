package io.jcmap.protocol.os;

import io.jcmap.protocol.ErrnoException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The socket wrapper over socketpair and abstract listeners. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class UnixSocketTest {
    private static final int POLLIN = 0x1;
    private static final int POLLOUT = 0x4;
    private static final int POLLHUP = 0x10;
    private static final int EPIPE = 32;
    private static final int ECONNREFUSED = 111;

    private final SocketPairs sockets = new SocketPairs();
    private final Arena arena = sockets.arena();

    @AfterEach
    void closeAll() {
        sockets.close();
    }

    private UnixSocket[] pair(boolean datagram) {
        return sockets.pair(datagram);
    }

    private MemorySegment native_(byte[] bytes) {
        MemorySegment segment = arena.allocate(Math.max(1, bytes.length));
        MemorySegment.copy(bytes, 0, segment, JAVA_BYTE, 0, bytes.length);
        return segment;
    }

    private byte[] receive(UnixSocket socket, int capacity) {
        MemorySegment into = arena.allocate(capacity);
        long n = socket.receive(into, capacity);
        assertTrue(n >= 0, "nothing received");
        return into.asSlice(0, Math.min(n, capacity)).toArray(JAVA_BYTE);
    }

    /** The real gid, as the kernel reports it in /proc. */
    private static int gid() {
        try {
            String line = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("Gid:")).findFirst().orElseThrow();
            return Integer.parseInt(line.split("\\s+")[1]);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void streamCarriesBytes() {
        UnixSocket[] pair = pair(false);
        assertEquals(3, pair[0].send(native_(new byte[] {1, 2, 3}), 3));
        assertArrayEquals(new byte[] {1, 2, 3}, receive(pair[1], 16));
        assertEquals(1, pair[1].sendByte((byte) 9));
        assertArrayEquals(new byte[] {9}, receive(pair[0], 16));
    }

    @Test
    void emptySocketWouldBlock() {
        UnixSocket[] pair = pair(false);
        assertEquals(UnixSocket.WOULD_BLOCK, pair[0].receive(arena.allocate(8), 8));
        assertEquals(UnixSocket.WOULD_BLOCK, pair[0].discard(1));
    }

    @Test
    void fullSocketWouldBlockOnSend() {
        UnixSocket[] pair = pair(false);
        MemorySegment chunk = arena.allocate(65536);
        long total = 0;
        long sent;
        while ((sent = pair[0].send(chunk, chunk.byteSize())) != UnixSocket.WOULD_BLOCK) {
            total += sent;
            assertTrue(total < (1L << 30), "a socket buffer never filled up");
        }
        assertTrue(total > 0);
        assertEquals(0, pair[0].poll(UnixSocket.WRITABLE, 0) & POLLOUT);
    }

    @Test
    void datagramReceiveReportsTheWholeSizeEvenWhenItCutsTheDatagramShort() {
        UnixSocket[] pair = pair(true);
        byte[] message = new byte[100];
        message[99] = 7;
        assertEquals(100, pair[0].send(native_(message), 100));
        assertEquals(100, pair[1].receiveIfWaiting(arena.allocate(1), 1));   // cut short, and taken
        assertEquals(UnixSocket.WOULD_BLOCK, pair[1].receiveIfWaiting(arena.allocate(1), 1));
        assertEquals(100, pair[0].send(native_(message), 100));
        MemorySegment into = arena.allocate(100);
        assertEquals(100, pair[1].receive(into, 100));
        assertEquals(7, into.get(JAVA_BYTE, 99));
        assertEquals(UnixSocket.WOULD_BLOCK, pair[1].receive(into, 100));
    }

    private UnixSocket[] timedPair() {
        return timedPair(sockets::keep);
    }

    /**
     * Two datagram sockets for timed receives, bound to abstract names and connected to each
     * other; handed to {@code owner} for closing.
     */
    static UnixSocket[] timedPair(Consumer<UnixSocket> owner) {
        UnixAddress firstName = UnixAddress.abstractName("jcmap-test-" + UUID.randomUUID());
        UnixAddress secondName = UnixAddress.abstractName("jcmap-test-" + UUID.randomUUID());
        UnixSocket first = UnixSocket.datagramWithTimedReceives();
        owner.accept(first);
        UnixSocket second = UnixSocket.datagramWithTimedReceives();
        owner.accept(second);
        first.bind(firstName);
        second.bind(secondName);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        first.connect(secondName, deadline);
        second.connect(firstName, deadline);
        return new UnixSocket[] {first, second};
    }

    private static CompletableFuture<Long> receiveWithin15Seconds(UnixSocket socket, MemorySegment into) {
        return CompletableFuture.supplyAsync(() -> socket.receiveWithin(into, into.byteSize(), TimeUnit.SECONDS.toNanos(15)));
    }

    @Test
    void aTimedReceiveTakesADatagramThatArrivesWhileItWaits() throws Exception {
        UnixSocket[] pair = timedPair();
        MemorySegment into = arena.allocate(64);
        CompletableFuture<Long> receiver = receiveWithin15Seconds(pair[1], into);
        assertEquals(3, pair[0].send(native_(new byte[] {1, 2, 3}), 3));
        assertEquals(3L, receiver.get(5, TimeUnit.SECONDS));
        assertArrayEquals(new byte[] {1, 2, 3}, into.asSlice(0, 3).toArray(JAVA_BYTE));
    }

    @Test
    void aTimedReceiveEndsWhenItsTimeIsUpWhileOtherCallsStillNeverWait() {
        UnixSocket[] pair = timedPair();
        MemorySegment into = arena.allocate(64);
        long start = System.nanoTime();
        assertEquals(UnixSocket.WOULD_BLOCK, pair[1].receiveWithin(into, 64, TimeUnit.MILLISECONDS.toNanos(200)));
        long waited = System.nanoTime() - start;
        // once: a timed-out recv repeated (say, to learn its errno) would wait 400 ms
        assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(180) && waited < TimeUnit.MILLISECONDS.toNanos(390),
                () -> "waited " + waited / 1_000_000 + " ms for 200");
        long lookStart = System.nanoTime();
        assertEquals(UnixSocket.WOULD_BLOCK, pair[1].receive(into, 64));
        assertEquals(UnixSocket.WOULD_BLOCK, pair[1].receiveIfWaiting(into, 64));
        MemorySegment datagram = arena.allocate(1024);
        int sent = 0;
        while (pair[0].send(datagram, datagram.byteSize()) != UnixSocket.WOULD_BLOCK) {
            assertTrue(++sent < 100_000, "the peer's queue never filled up");
        }
        assertTrue(System.nanoTime() - lookStart < TimeUnit.MILLISECONDS.toNanos(40),
                "receives without a time, and sends to a full peer, return at once");
    }

    @Test
    void shutdownEndsATimedReceiveThatIsWaiting() throws Exception {
        UnixSocket[] pair = timedPair();
        MemorySegment into = arena.allocate(64);
        CompletableFuture<KernelThread> receiverThread = new CompletableFuture<>();
        CompletableFuture<Long> receiver = CompletableFuture.supplyAsync(() -> {
            receiverThread.complete(KernelThread.current());
            return pair[1].receiveWithin(into, into.byteSize(), TimeUnit.SECONDS.toNanos(15));
        });
        // asleep in the kernel: in its recv, the one wait it has left
        receiverThread.get(5, TimeUnit.SECONDS).awaitAsleep("the receiver");
        pair[1].shutdown();
        assertEquals(0L, receiver.get(5, TimeUnit.SECONDS));
    }

    @Test
    void discardDrainsNotificationBytes() {
        UnixSocket[] pair = pair(false);
        pair[0].send(native_(new byte[] {1, 1, 1, 1, 1}), 5);
        assertEquals(3, pair[1].discard(3));
        assertEquals(2, pair[1].discard(10));
        assertEquals(UnixSocket.WOULD_BLOCK, pair[1].discard(1));
    }

    @Test
    void pollReportsReadableAndTimesOut() {
        UnixSocket[] pair = pair(false);
        long start = System.nanoTime();
        assertEquals(0, pair[1].poll(UnixSocket.READABLE, 50));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(45));
        pair[0].sendByte((byte) 1);
        assertEquals(POLLIN, pair[1].poll(UnixSocket.READABLE, 1000) & POLLIN);
        assertEquals(POLLOUT, pair[1].poll(UnixSocket.WRITABLE, 0) & POLLOUT);
    }

    @Test
    void shutdownWakesAPollerElsewhere() throws Exception {
        UnixSocket[] pair = pair(false);
        CompletableFuture<Integer> poller = CompletableFuture.supplyAsync(() -> pair[1].poll(UnixSocket.READABLE, 15_000));
        long start = System.nanoTime();
        pair[1].shutdown();
        int revents = poller.get(5, TimeUnit.SECONDS);
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        assertNotEquals(0, revents & (POLLIN | POLLHUP));
        assertEquals(0, pair[1].receive(arena.allocate(1), 1));       // end of stream
    }

    @Test
    void peerCloseIsAHangUpAndTheEndOfTheStream() {
        UnixSocket[] pair = pair(false);
        pair[0].close();
        assertNotEquals(0, pair[1].poll(UnixSocket.READABLE, 1000) & POLLHUP);
        assertEquals(0, pair[1].receive(arena.allocate(1), 1));
        ErrnoException e = assertThrows(ErrnoException.class, () -> pair[1].sendByte((byte) 1));
        assertEquals(EPIPE, e.errno());
    }

    @Test
    void closeIsIdempotent() {
        UnixSocket socket = UnixSocket.stream();
        assertFalse(socket.isClosed());
        socket.close();
        socket.close();
        socket.shutdown();
        assertTrue(socket.isClosed());
        assertTrue(socket.toString().contains("closed"));
    }

    @Test
    void credentialsArriveWithPasscred() {
        UnixSocket[] pair = pair(false);
        pair[1].passCredentials(true);
        pair[0].sendByte((byte) 1);
        UnixSocket.Received received = pair[1].receiveWithCredentials(arena.allocate(8), 8);
        assertNotNull(received);
        assertEquals(1, received.bytes());
        assertEquals(new Credentials(CurrentProcess.pid(), CurrentProcess.uid(), gid()), received.credentials());
        assertNull(pair[1].receiveWithCredentials(arena.allocate(8), 8));     // nothing more waiting
    }

    @Test
    void noCredentialsWithoutPasscred() {
        UnixSocket[] pair = pair(false);
        pair[0].sendByte((byte) 1);
        UnixSocket.Received received = pair[1].receiveWithCredentials(arena.allocate(8), 8);
        assertEquals(1, received.bytes());
        assertNull(received.credentials());
    }

    @Test
    void peerCredentialsNameTheCreator() {
        UnixSocket[] pair = pair(false);
        assertEquals(new Credentials(CurrentProcess.pid(), CurrentProcess.uid(), gid()), pair[0].peerCredentials());
    }

    @Test
    void privilegedSenderMayClaimAnotherUid() {
        UnixSocket[] pair = pair(false);
        pair[1].passCredentials(true);
        Credentials claimed = new Credentials(CurrentProcess.pid(), 65534, 65534);
        // the build runs as root (corosync needs it); without CAP_SETUID the kernel refuses the claim
        assertEquals(1, pair[0].sendWithCredentials(native_(new byte[] {1}), 1, claimed));
        assertEquals(claimed, pair[1].receiveWithCredentials(arena.allocate(8), 8).credentials());
    }

    @Test
    void listenerAcceptsConnectionsOnAnAbstractName() {
        UnixAddress address = UnixAddress.abstractName("jcmap-test-" + UUID.randomUUID());
        UnixSocket listener = UnixSocket.stream();
        sockets.keep(listener);
        listener.bind(address);
        listener.listen(4);
        assertNull(listener.accept());
        UnixSocket client = UnixSocket.stream();
        sockets.keep(client);
        client.connect(address, System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
        assertNotEquals(0, listener.poll(UnixSocket.READABLE, 1000));
        UnixSocket accepted = listener.accept();
        assertNotNull(accepted);
        sockets.keep(accepted);
        client.sendByte((byte) 5);
        assertArrayEquals(new byte[] {5}, receive(accepted, 1));
        assertEquals(UnixSocket.WOULD_BLOCK, accepted.receive(arena.allocate(1), 1));  // non-blocking
    }

    /**
     * A connect retrying at a full listen queue (a server that accepts nothing: a stopped
     * corosync) ends once another thread shuts the socket down, not at its deadline: a handle's
     * close gives up a reconnect round's connect so (ConnectAbort).
     */
    @Test
    void aConnectRetryingAtAFullListenQueueEndsOnceTheSocketIsShutDown() throws Exception {
        UnixAddress address = UnixAddress.abstractName("jcmap-test-" + UUID.randomUUID());
        UnixSocket listener = UnixSocket.stream();
        sockets.keep(listener);
        listener.bind(address);
        listener.listen(0);
        UnixSocket queued = UnixSocket.stream();
        sockets.keep(queued);
        queued.connect(address, System.nanoTime() + TimeUnit.SECONDS.toNanos(1)); // fills the queue
        UnixSocket client = UnixSocket.stream();
        sockets.keep(client);
        Thread[] connecting = new Thread[1];
        CompletableFuture<Void> connect = CompletableFuture.runAsync(() -> {
            connecting[0] = Thread.currentThread();
            client.connect(address, System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
        }, runnable -> Thread.ofPlatform().daemon().start(runnable));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!retriesToConnect(connecting[0])) {
            assertFalse(connect.isDone(), "the connect ended before the socket was shut down: " + connect);
            assertTrue(System.nanoTime() - deadline < 0, "the connect never retried at the full queue");
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        client.shutdown();
        java.util.concurrent.ExecutionException failed = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> connect.get(5, TimeUnit.SECONDS), "the connect had not ended 5 s after the shutdown");
        assertEquals(Errno.ECANCELED, ((ErrnoException) failed.getCause()).errno(), failed.getCause()::getMessage);
    }

    /** Whether {@code thread} is inside {@link UnixSocket#connect}'s retries. */
    private static boolean retriesToConnect(Thread thread) {
        if (thread == null) {
            return false;
        }
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().equals(UnixSocket.class.getName()) && frame.getMethodName().equals("connect")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void connectingToNobodyIsRefused() {
        try (UnixSocket client = UnixSocket.stream()) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> client.connect(
                    UnixAddress.abstractName("jcmap-nobody-" + UUID.randomUUID()), System.nanoTime()));
            assertEquals(ECONNREFUSED, e.errno());
        }
    }

    @Test
    void bufferSizesGrowToTheMessageSize() {
        UnixSocket[] pair = pair(true);
        pair[0].ensureBufferSizes(1 << 20);
        byte[] big = new byte[1 << 19];
        assertEquals(big.length, pair[0].send(native_(big), big.length));
        assertEquals(big.length, pair[1].receive(arena.allocate(big.length), big.length));
    }
}
