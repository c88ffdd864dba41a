package io.jcmap.protocol.fake;

import io.jcmap.protocol.os.Credentials;
import io.jcmap.protocol.os.UnixSocket;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/** The server's end of one client connection to a {@link FakeServer}. */
public final class FakeSession {
    private static final int POLL_MILLIS = 20;
    private static final int AUTHENTICATE_LENGTH = 24;

    /** The client hung up, or the server is closing. */
    static final class Gone extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Gone(String why) {
            super(why);
        }
    }

    private final UnixSocket socket;
    private final BooleanSupplier serverClosing;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile int requestedMaxMessageSize = -1;

    FakeSession(UnixSocket socket, BooleanSupplier serverClosing) {
        this.socket = socket;
        this.serverClosing = serverClosing;
    }

    public UnixSocket socket() {
        return socket;
    }

    /** The max_msg_size of the client's authenticate request. */
    public int requestedMaxMessageSize() {
        return requestedMaxMessageSize;
    }

    void readAuthenticate() {
        ByteBuffer request = ByteBuffer.wrap(readBytes(AUTHENTICATE_LENGTH, 5000)).order(ByteOrder.nativeOrder());
        if (request.getInt(0) != -1 || request.getInt(8) != AUTHENTICATE_LENGTH) {
            throw new IllegalStateException("client sent no authenticate request");
        }
        requestedMaxMessageSize = request.getInt(16);
    }

    /** Sends all of {@code bytes}, waiting while the socket buffer is full. */
    public void send(byte[] bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment native_ = arena.allocate(Math.max(1, bytes.length));
            MemorySegment.copy(bytes, 0, native_, JAVA_BYTE, 0, bytes.length);
            long sent = 0;
            while (sent < bytes.length) {
                long n = socket.send(native_.asSlice(sent), bytes.length - sent);
                if (n == UnixSocket.WOULD_BLOCK) {
                    checkNotClosing();
                    socket.poll(UnixSocket.WRITABLE, POLL_MILLIS);
                } else {
                    sent += n;
                }
            }
        }
    }

    /** Sends {@code bytes} in one call claiming {@code credentials} (needs root for another uid). */
    public void sendWithCredentials(byte[] bytes, Credentials credentials) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment native_ = arena.allocate(bytes.length);
            MemorySegment.copy(bytes, 0, native_, JAVA_BYTE, 0, bytes.length);
            long sent = socket.sendWithCredentials(native_, bytes.length, credentials);
            if (sent != bytes.length) {
                throw new IllegalStateException("sent " + sent + " of " + bytes.length + " bytes at once");
            }
        }
    }

    /** Reads exactly {@code count} bytes within {@code timeoutMillis}. */
    public byte[] readBytes(int count, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(Math.max(1, count));
            long received = 0;
            while (received < count) {
                long n = socket.receive(buffer.asSlice(received), count - received);
                if (n == 0) {
                    throw new Gone("client closed after " + received + " of " + count + " bytes");
                }
                if (n == UnixSocket.WOULD_BLOCK) {
                    checkNotClosing();
                    if (System.nanoTime() - deadline > 0) {
                        throw new IllegalStateException("client sent " + received + " of " + count + " bytes");
                    }
                    socket.poll(UnixSocket.READABLE, POLL_MILLIS);
                } else {
                    received += n;
                }
            }
            return buffer.asSlice(0, count).toArray(JAVA_BYTE);
        }
    }

    /**
     * Waits for one notification byte (the client wrote a request into the SHM request ring).
     *
     * @throws Gone when the client hangs up or the server closes first
     */
    public void awaitNotification() {
        while (true) {
            long n = socket.discard(1);
            if (n == 0) {
                throw new Gone("client closed the setup socket");
            }
            if (n > 0) {
                return;
            }
            checkNotClosing();
            socket.poll(UnixSocket.READABLE, POLL_MILLIS);
        }
    }

    /** Sends one event-notification byte, as libqb does for every event it puts in the event ring. */
    public void notifyEvent() {
        send(new byte[] {0});
    }

    /** Stays connected, reading and dropping whatever comes, until the client leaves or the server closes. */
    void holdOpen() {
        while (!serverClosing.getAsBoolean() && !socket.isClosed()) {
            long n = socket.discard(256);
            if (n == 0) {
                return;
            }
            if (n < 0) {
                socket.poll(UnixSocket.READABLE, POLL_MILLIS);
            }
        }
    }

    /** Hangs up now: closes the server's end of the setup socket. */
    public void hangUp() {
        socket.close();
    }

    void checkNotClosing() {
        if (serverClosing.getAsBoolean()) {
            throw new Gone("server closing");
        }
    }

    void close() {
        socket.close();
        closed.countDown();
    }

    void awaitClosed() {
        try {
            closed.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
