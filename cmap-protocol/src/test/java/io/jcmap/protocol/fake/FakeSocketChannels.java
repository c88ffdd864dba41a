package io.jcmap.protocol.fake;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.os.UnixAddress;
import io.jcmap.protocol.os.UnixSocket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The server half of libqb's socket transport: a 24-byte control file (three channels of
 * {sent @0, flow_control @4}) and two datagram sockets bound to {@code BASE-request} and
 * {@code BASE-event-tx}, which connect to the client's {@code BASE-response} and
 * {@code BASE-event} once the client has bound them.
 */
public final class FakeSocketChannels implements AutoCloseable {
    public static final int CONTROL_BYTES = 24;
    public static final long REQUEST_FLOW_CONTROL = 4;
    /** The sent counts of the response (channel 1) and event (channel 2) channels. */
    private static final long RESPONSE_SENT = 8;
    private static final long EVENT_SENT = 16;
    private static final VarHandle COUNT = JAVA_INT.varHandle();

    private final String base = "jcmap-fake-dgram-" + UUID.randomUUID();
    private final Path controlFile;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment control;
    private final UnixSocket requests = UnixSocket.datagram();
    private final UnixSocket events = UnixSocket.datagram();
    private final int maxMessageSize;

    private FakeSocketChannels(ShmTempDirectory directory, int maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
        controlFile = directory.file("qb-control-fake", CONTROL_BYTES);
        try (FileChannel channel = FileChannel.open(controlFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            control = channel.map(FileChannel.MapMode.READ_WRITE, 0, CONTROL_BYTES, arena);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        requests.bind(UnixAddress.abstractName(base + "-request"));
        events.bind(UnixAddress.abstractName(base + "-event-tx"));
        // as libqb's set_sock_size does for the negotiated size
        requests.ensureBufferSizes(maxMessageSize);
        events.ensureBufferSizes(maxMessageSize);
    }

    public static FakeSocketChannels create(ShmTempDirectory directory) {
        return create(directory, FakeServer.MAX_MESSAGE_SIZE);
    }

    /** Channels whose handshake answer negotiates {@code maxMessageSize}. */
    public static FakeSocketChannels create(ShmTempDirectory directory, int maxMessageSize) {
        return new FakeSocketChannels(directory, maxMessageSize);
    }

    public HandshakeAnswer answer() {
        return HandshakeAnswer.socket(maxMessageSize, controlFile.toString(), base);
    }

    /** The send buffer the responses are charged to, as the kernel keeps it. */
    public int responseSendBuffer() {
        return requests.sendBufferSize();
    }

    public MemorySegment control() {
        return control;
    }

    public void controlInt(long offset, int value) {
        control.set(JAVA_INT, offset, value);
    }

    /** Connects both sockets to the client's ends, waiting until the client has bound them. */
    public void connectToClient(FakeSession session) {
        connectResponses(session);
        connect(events, base + "-event", session);
    }

    /** Connects the response socket only, as libqb's server does with its first response. */
    public void connectResponses(FakeSession session) {
        connect(requests, base + "-response", session);
    }

    /** One try to connect the response socket: whether the client's end is still there. */
    public boolean tryConnectResponses() {
        return tryConnect(requests, base + "-response");
    }

    /** One try to connect the event socket: whether the client's end is still there. */
    public boolean tryConnectEvents() {
        return tryConnect(events, base + "-event");
    }

    private static boolean tryConnect(UnixSocket socket, String name) {
        try {
            socket.connect(UnixAddress.abstractName(name), System.nanoTime());
            return true;
        } catch (ErrnoException gone) {
            return false;
        }
    }

    private static void connect(UnixSocket socket, String name, FakeSession session) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try {
                socket.connect(UnixAddress.abstractName(name), deadline);
                return;
            } catch (ErrnoException notBoundYet) {
                // a client that already left never binds: give up as soon as the server closes
                session.checkNotClosing();
                if (System.nanoTime() - deadline > 0) {
                    throw notBoundYet;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
    }

    /** Waits up to 5 s for one request datagram and returns it. */
    public byte[] takeRequest() {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment buffer = scratch.allocate(FakeServer.MAX_MESSAGE_SIZE * 2L);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() - deadline < 0) {
                long n = requests.receive(buffer, buffer.byteSize());
                if (n >= 0) {
                    return buffer.asSlice(0, n).toArray(JAVA_BYTE);
                }
                requests.poll(UnixSocket.READABLE, 20);
            }
            throw new IllegalStateException("no request within 5 s");
        }
    }

    /** Sends a response and then counts it in the control file, as libqb's server does. */
    public void respond(byte[] datagram) {
        send(requests, datagram);
        count(RESPONSE_SENT);
    }

    /** Sends a response without counting it: a server caught between its send and its count. */
    public void respondUncounted(byte[] datagram) {
        send(requests, datagram);
    }

    public void sendEvent(byte[] datagram) {
        send(events, datagram);
        count(EVENT_SENT);
    }

    /** Responses sent and not yet received, by the control file's count. */
    public int responsesCounted() {
        return (int) COUNT.getVolatile(control, RESPONSE_SENT);
    }

    private void count(long offset) {
        COUNT.getAndAdd(control, offset, 1);
    }

    private static void send(UnixSocket socket, byte[] datagram) {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment native_ = scratch.allocate(Math.max(1, datagram.length));
            MemorySegment.copy(datagram, 0, native_, JAVA_BYTE, 0, datagram.length);
            if (socket.send(native_, datagram.length) != datagram.length) {
                throw new IllegalStateException("datagram of " + datagram.length + " bytes not sent");
            }
        }
    }

    @Override
    public void close() {
        requests.close();
        events.close();
        arena.close();
    }
}
