package io.jcmap.protocol.socket;

import io.jcmap.protocol.os.UnixSocket;

/**
 * The two datagram sockets of a socket-transport connection (requests and responses on one,
 * events on the other), made and sized before they are bound: what they do not need from the
 * server's answer can then be done while the server still prepares the connection.
 *
 * @param bufferSize the send and receive buffers are at least this large
 */
public record ChannelSockets(UnixSocket requests, UnixSocket events, int bufferSize) implements AutoCloseable {

    /** Makes both sockets with buffers for messages of {@code bufferSize} bytes. */
    public static ChannelSockets open(int bufferSize) {
        UnixSocket requests = UnixSocket.datagramWithTimedReceives();
        UnixSocket events = null;
        try {
            events = UnixSocket.datagramWithTimedReceives();
            requests.ensureBufferSizes(bufferSize);
            events.ensureBufferSizes(bufferSize);
            return new ChannelSockets(requests, events, bufferSize);
        } catch (RuntimeException e) {
            requests.close();
            if (events != null) {
                events.close();
            }
            throw e;
        }
    }

    /** These sockets, with buffers for messages of {@code size} bytes. */
    ChannelSockets sizedFor(int size) {
        if (size <= bufferSize) {
            return this;
        }
        requests.ensureBufferSizes(size);
        events.ensureBufferSizes(size);
        return new ChannelSockets(requests, events, size);
    }

    /**
     * The send buffer of the server's end of the request channel, from which it answers: libqb
     * sizes it for the negotiated message size as {@link UnixSocket#ensureBufferSizes} does
     * (below net.core.wmem_default, 212,992 bytes on a stock kernel, it keeps the default), and
     * the kernel caps that at net.core.wmem_max (212,992 bytes on a stock kernel) and doubles it.
     * Ours, sized for the same size alone, got the same from the same kernel; for another size,
     * a socket of its own is sized to see.
     */
    long serverSendBuffer(int size) {
        if (size == bufferSize) {
            return requests.sendBufferSize();
        }
        try (UnixSocket probe = UnixSocket.datagram()) {
            probe.ensureBufferSizes(size);
            return probe.sendBufferSize();
        }
    }

    /** Closes both; closing again does nothing. */
    @Override
    public void close() {
        requests.close();
        events.close();
    }
}
