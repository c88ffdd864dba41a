package io.jcmap.protocol.ipc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A native buffer that grows to the largest message received so far, so that a connection
 * does not hold a full maximum-size buffer per channel from the start; nothing is allocated
 * before the first message (many handles never receive an event, some never a response).
 * Memory is released by the garbage collector once the buffer is unreachable, which makes a
 * late reader safe. Used by one thread at a time.
 */
public final class ReceiveBuffer {
    /** Most messages are a response header and a key name or small value. */
    static final long INITIAL = 1024;

    private MemorySegment segment = MemorySegment.NULL;

    /** A segment of at least {@code size} bytes; its contents are not kept when it grows. */
    public MemorySegment ensure(long size) {
        if (segment.byteSize() < size) {
            long capacity = Math.max(Math.max(size, INITIAL), segment.byteSize() * 2);
            segment = Arena.ofAuto().allocate(capacity, 8);
        }
        return segment;
    }

    /** The current segment. */
    public MemorySegment segment() {
        return segment;
    }
}
