package io.jcmap.protocol.ipc;

import io.jcmap.protocol.shm.ShmConnection;
import io.jcmap.protocol.socket.SocketConnection;

/** The entry point: connect to a libqb service with whatever transport the server chooses. */
public final class Ipc {
    private Ipc() {
    }

    /**
     * Connects, authenticates and opens the transport the server chose.
     *
     * @throws io.jcmap.protocol.ErrnoException see {@link SetupSocket#connect}, plus the errors
     *     of opening the server's shared files
     */
    public static IpcConnection connect(IpcOptions options) {
        SetupSocket setup = SetupSocket.connect(options);
        try {
            return switch (setup.response().type()) {
                case SHM -> ShmConnection.open(setup, options);
                case SOCKET -> SocketConnection.open(setup, options);
            };
        } catch (RuntimeException e) {
            setup.close();
            throw e;
        }
    }
}
