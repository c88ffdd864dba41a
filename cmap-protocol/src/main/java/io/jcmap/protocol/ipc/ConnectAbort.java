package io.jcmap.protocol.ipc;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.os.Errno;
import io.jcmap.protocol.os.UnixSocket;

import java.util.HashSet;
import java.util.Set;

/**
 * Lets another thread end the connects that use it ({@link Ipc#connect(IpcOptions, ConnectAbort)}):
 * once {@link #abort aborted}, a connect waiting for the server (whose listen queue took the
 * connection while it answers nothing, as a stopped corosync) fails at once with ECANCELED,
 * and so does every later one. A handle's close uses it for the connect of a reconnect round,
 * which would otherwise outlive the close by up to the connect timeout.
 */
public final class ConnectAbort {
    private final Object lock = new Object();
    /** The setup sockets of the connects under way; guarded by {@link #lock}. */
    private final Set<UnixSocket> watched = new HashSet<>();
    private boolean aborted;

    /** Ends the connects under way and refuses later ones. */
    public void abort() {
        synchronized (lock) {
            aborted = true;
            // shutdown(2) wakes a poll on the socket and ends a connect's retries; the socket is
            // closed only after it leaves the set, so its descriptor cannot have been reused here
            watched.forEach(UnixSocket::shutdown);
        }
    }

    /** Whether {@link #abort} was called. */
    public boolean isAborted() {
        synchronized (lock) {
            return aborted;
        }
    }

    /**
     * Watches {@code socket} until {@link #release}.
     *
     * @throws ErrnoException ECANCELED when already aborted
     */
    void watch(UnixSocket socket) {
        synchronized (lock) {
            if (aborted) {
                throw abandoned(null);
            }
            watched.add(socket);
        }
    }

    /**
     * Stops watching {@code socket}, before its owner closes or keeps it.
     *
     * @return whether the connect was aborted meanwhile
     */
    boolean release(UnixSocket socket) {
        synchronized (lock) {
            watched.remove(socket);
            return aborted;
        }
    }

    /** What an aborted connect fails with; {@code cause} is how it ended, if it ended otherwise. */
    static ErrnoException abandoned(Throwable cause) {
        return new ErrnoException(Errno.ECANCELED, "connect abandoned: aborted by another thread", cause);
    }
}
