package io.jcmap.protocol.ipc;

import io.jcmap.protocol.shm.ShmConnection;
import io.jcmap.protocol.socket.ChannelSockets;
import io.jcmap.protocol.socket.SocketConnection;

/** The entry point: connect to a libqb service with whatever transport the server chooses. */
public final class Ipc {
    /**
     * The transport the last server chose. Where it was the socket transport, the next connect
     * makes its datagram sockets while the server prepares the connection, instead of after its
     * answer: on two CPUs that takes ten system calls off the time a connect waits.
     */
    private static volatile TransportType lastChosen;

    private Ipc() {
    }

    /**
     * Connects, authenticates and opens the transport the server chose.
     *
     * @throws io.jcmap.protocol.ErrnoException see {@link SetupSocket#connect}, plus the errors
     *     of opening the server's shared files
     */
    public static IpcConnection connect(IpcOptions options) {
        return connect(options, new ConnectAbort());
    }

    /**
     * As {@link #connect(IpcOptions)}; while it waits for the server, {@code abort} ends it.
     *
     * @throws io.jcmap.protocol.ErrnoException as above, or ECANCELED once {@code abort} was aborted
     */
    public static IpcConnection connect(IpcOptions options, ConnectAbort abort) {
        SetupSocket.Handshake handshake = SetupSocket.start(options, abort);
        ChannelSockets early = null;
        try {
            if (lastChosen == TransportType.SOCKET) {
                early = ChannelSockets.open(options.maxMessageSize());
            }
            SetupSocket setup = handshake.finish();
            TransportType chosen = setup.response().type();
            lastChosen = chosen; // other threads connect too: switch on our own answer
            if (chosen == TransportType.SHM && early != null) {
                early.close();
            }
            return switch (chosen) {
                case SHM -> ShmConnection.open(setup, options);
                case SOCKET -> early == null ? SocketConnection.open(setup, options)
                        : SocketConnection.open(setup, options, early);
            };
        } catch (RuntimeException e) {
            handshake.abandon(); // the setup socket finish() made is the handshake's own socket
            if (early != null) {
                early.close(); // closing twice does nothing
            }
            throw e;
        }
    }
}
