package io.jcmap.protocol.it;

import io.jcmap.protocol.cmap.CmapMessageSize;
import io.jcmap.protocol.ipc.Ipc;
import io.jcmap.protocol.ipc.IpcConnection;
import io.jcmap.protocol.ipc.IpcOptions;
import io.jcmap.protocol.os.CurrentProcess;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CMAP codec driven by hand over one raw libqb connection to corosync: encode a request
 * into a native buffer, send it, wait for its response. No cmap-client involved.
 */
final class RawCmap implements AutoCloseable {
    static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Arena arena = Arena.ofShared();
    private final IpcConnection connection;
    private final MemorySegment request;

    private RawCmap(IpcConnection connection) {
        this.connection = connection;
        this.request = arena.allocate(connection.maxMessageSize(), 8);
    }

    /** Connects to corosync's "cmap" service as libcmap does (1 MiB asked for, root or us trusted). */
    static RawCmap connect() {
        return new RawCmap(Ipc.connect(IpcOptions.forService("cmap", CmapMessageSize.LIBCMAP_MAX_REQUEST_LENGTH,
                Set.copyOf(List.of(0, CurrentProcess.uid())))));
    }

    IpcConnection connection() {
        return connection;
    }

    /** Encodes with {@code encoder} (which returns the length) and sends; true unless try-again. */
    boolean send(ToIntFunction<MemorySegment> encoder) {
        int length = encoder.applyAsInt(request);
        return connection.send(request, length);
    }

    /** Sends and waits for the response; returns its length, the bytes are in {@link #response()}. */
    int call(ToIntFunction<MemorySegment> encoder) {
        assertTrue(send(encoder), "request ring accepted the request");
        int length = connection.receiveResponse(TIMEOUT_NANOS);
        assertTrue(length > 0, "corosync answered within 10 s");
        return length;
    }

    MemorySegment response() {
        return connection.response();
    }

    /** Waits for the next event; its length, the bytes in {@link #event()}. */
    int awaitEvent() {
        int length = connection.receiveEvent(TIMEOUT_NANOS);
        assertTrue(length > 0, "an event arrived within 10 s");
        return length;
    }

    MemorySegment event() {
        return connection.event();
    }

    @Override
    public void close() {
        connection.close();
        arena.close();
    }
}
