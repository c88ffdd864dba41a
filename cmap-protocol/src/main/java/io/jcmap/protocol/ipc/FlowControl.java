package io.jcmap.protocol.ipc;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.os.Errno;

/**
 * The flow-control word of a request channel (in the SHM ring's header, or the socket
 * transport's control file), which the server sets and the client obeys.
 */
public final class FlowControl {
    /**
     * The value at which a client stops sending. libqb's clients stop only at 1 (their
     * {@code fc_enable_max}); corosync sets 2 while it syncs, which only makes the server read
     * more slowly.
     */
    public static final int STOP = 1;

    private FlowControl() {
    }

    /** What a send fails with while the word says {@link #STOP}: libqb's -EAGAIN. */
    public static ErrnoException raised() {
        return new ErrnoException(Errno.EAGAIN, "the server raised flow control on the request channel");
    }
}
