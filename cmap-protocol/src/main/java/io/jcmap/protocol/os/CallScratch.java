package io.jcmap.protocol.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A small native buffer per thread for the arguments of short system calls (a pollfd, a
 * timespec, one notification byte), so that the hot path allocates nothing. A method takes
 * it, uses it and returns before calling anything else that takes it.
 */
final class CallScratch {
    static final int SIZE = 256;

    private static final ThreadLocal<MemorySegment> BUFFER =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(SIZE, 16));

    private CallScratch() {
    }

    static MemorySegment get() {
        return BUFFER.get();
    }
}
