package io.jcmap.protocol.os;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;

/** The sockets and native memory of one test, all released by {@link #close} after it. */
final class SocketPairs implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final List<UnixSocket> sockets = new ArrayList<>();

    /** Memory released with the sockets. */
    Arena arena() {
        return arena;
    }

    /** A connected pair, closed with the rest. */
    UnixSocket[] pair(boolean datagram) {
        UnixSocket[] pair = UnixSocket.pair(datagram);
        keep(pair[0]);
        keep(pair[1]);
        return pair;
    }

    /** Closes {@code socket} with the rest. */
    UnixSocket keep(UnixSocket socket) {
        sockets.add(socket);
        return socket;
    }

    @Override
    public void close() {
        sockets.forEach(UnixSocket::close);
        arena.close();
    }
}
