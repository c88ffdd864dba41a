package io.jcmap.protocol.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Private anonymous memory that the kernel fills in page by page as it is first written, so a
 * buffer can span the largest message the server may send while costing, in resident memory,
 * only the largest message it did send. Java's allocators zero (and so touch) every page.
 */
public final class AnonymousMemory {
    private AnonymousMemory() {
    }

    /**
     * Reserves {@code length} bytes, unmapped by the garbage collector once the segment is
     * unreachable (so a late reader can never touch unmapped memory).
     *
     * @throws io.jcmap.protocol.ErrnoException when the kernel refuses the mapping
     */
    public static MemorySegment reserve(long length) {
        MemorySegment address = Libc.mmap(length, LinuxAbi.PROT_READ | LinuxAbi.PROT_WRITE,
                LinuxAbi.MAP_PRIVATE | LinuxAbi.MAP_ANONYMOUS, -1, 0);
        if (address.address() == -1L) {
            throw UnixSocket.failure("mmap(anonymous, " + length + ")");
        }
        return address.reinterpret(length, Arena.ofAuto(), mapped -> Libc.munmap(mapped, length));
    }
}
