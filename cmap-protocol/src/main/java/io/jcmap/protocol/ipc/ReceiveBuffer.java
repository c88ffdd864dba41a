package io.jcmap.protocol.ipc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A native buffer that grows to the largest message received so far, so that a connection
 * does not hold a full maximum-size buffer per channel from the start. Memory is released by
 * the garbage collector once the buffer is unreachable, which makes a late reader safe.
 * Used by one thread at a time.
 */
public final class ReceiveBuffer {
    private static final long INITIAL = 16 * 1024;

    private MemorySegment segment = Arena.ofAuto().allocate(INITIAL, 8);

    /** A segment of at least {@code size} bytes; its contents are not kept when it grows. */
    public MemorySegment ensure(long size) {
        if (segment.byteSize() < size) {
            long capacity = Math.max(size, segment.byteSize() * 2);
            segment = Arena.ofAuto().allocate(capacity, 8);
        }
        return segment;
    }

    /** The current segment. */
    public MemorySegment segment() {
        return segment;
    }
}
