package io.jcmap.client;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.cmap.ResponseHeaderDescriptor;
import io.jcmap.protocol.ipc.ConnectionResponse;
import io.jcmap.protocol.ipc.IpcConnection;
import io.jcmap.protocol.ipc.TransportType;
import io.jcmap.protocol.os.Credentials;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A connection without a server, for the pipeline's unit tests: every response is the same OK
 * status with {@link #RESPONSE_ID}; subclasses decide when one is there. No events.
 */
abstract class ScriptedConnection implements IpcConnection {
    static final int RESPONSE_ID = 7;
    private static final int ENOTCONN = 107;

    private final MemorySegment response = Arena.ofAuto().allocate(ResponseHeaderDescriptor.LENGTH);
    private volatile boolean closed;

    ScriptedConnection() {
        response.set(JAVA_INT_UNALIGNED, ResponseHeaderDescriptor.ID_OFFSET, RESPONSE_ID);
        response.set(JAVA_INT_UNALIGNED, ResponseHeaderDescriptor.SIZE_OFFSET, ResponseHeaderDescriptor.LENGTH);
        response.set(JAVA_INT_UNALIGNED, ResponseHeaderDescriptor.ERROR_OFFSET, CsError.OK.code());
    }

    /**
     * Waits up to {@code timeoutNanos}, looking every 100 us, until {@code takeOne} hands out a
     * response; throws ENOTCONN once closed.
     *
     * @return the response's length, or -1 if none came in time
     */
    int awaitAnswer(long timeoutNanos, BooleanSupplier takeOne) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            checkOpen();
            if (takeOne.getAsBoolean()) {
                return ResponseHeaderDescriptor.LENGTH;
            }
            if (System.nanoTime() - deadline >= 0) {
                return -1;
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
        }
    }

    /** Throws ENOTCONN once closed, as a real connection does for a waiting reader. */
    void checkOpen() {
        if (closed) {
            throw new ErrnoException(ENOTCONN, "closed");
        }
    }

    @Override
    public ConnectionResponse info() {
        return new ConnectionResponse(TransportType.SHM, 1 << 20, "request", "response", "event",
                new Credentials(1, 0, 0));
    }

    @Override
    public MemorySegment response() {
        return response;
    }

    @Override
    public int receiveEvent(long timeoutNanos) {
        return -1;
    }

    @Override
    public MemorySegment event() {
        return response;
    }

    @Override
    public int eventFd() {
        return -1;
    }

    @Override
    public boolean isConnected() {
        return !closed;
    }

    @Override
    public void close() {
        closed = true;
    }
}
