package io.jcmap.protocol.ipc;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.os.Errno;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Counts the threads inside a connection's methods, so that closing can wait for them to leave
 * before the shared memory they use is unmapped. Once closed, nobody enters again. Also keeps
 * whether requests ended before the close (a connection found lost keeps its events).
 */
public final class ActiveCalls {
    private static final int CLOSED = 1 << 30;
    private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    private final AtomicInteger state = new AtomicInteger();
    /** Requests and responses are over, events are still read ({@link IpcConnection#endRequests}). */
    private final AtomicBoolean requestsEnded = new AtomicBoolean();

    /**
     * Registers the calling thread.
     *
     * @throws ErrnoException ENOTCONN once closed
     */
    public void enter() {
        while (true) {
            int current = state.get();
            if ((current & CLOSED) != 0) {
                throw new ErrnoException(Errno.ENOTCONN, "connection closed");
            }
            if (state.compareAndSet(current, current + 1)) {
                return;
            }
        }
    }

    public void exit() {
        state.decrementAndGet();
    }

    /** Whether no thread is inside; once closed and idle, none ever will be. */
    public boolean isIdle() {
        return (state.get() & ~CLOSED) == 0;
    }

    public boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }

    /**
     * Marks the connection closed. Returns true for the one caller that closed it.
     */
    public boolean markClosed() {
        while (true) {
            int current = state.get();
            if ((current & CLOSED) != 0) {
                return false;
            }
            if (state.compareAndSet(current, current | CLOSED)) {
                return true;
            }
        }
    }

    /**
     * Marks requests and responses ended, unless closed or ended already.
     *
     * @return true for the one caller that ended them: it wakes a thread waiting for a response
     */
    public boolean endRequests() {
        return !isClosed() && requestsEnded.compareAndSet(false, true);
    }

    /**
     * @throws ErrnoException ENOTCONN once {@link #endRequests} ended requests and responses
     */
    public void checkRequestsOpen() {
        if (requestsEnded.get()) {
            throw new ErrnoException(Errno.ENOTCONN, "requests ended: connection lost");
        }
    }

    /**
     * Waits until every thread that entered has left, or the time is up.
     *
     * @return true when nobody is inside any more
     */
    public boolean awaitIdle(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while ((state.get() & ~CLOSED) != 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        return true;
    }
}
