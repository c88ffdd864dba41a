package io.jcmap.protocol.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Private anonymous memory that the kernel backs page by page as it is first written, so a
 * buffer can span the largest message the server may send while costing, in resident memory,
 * only as much as the messages it did send. Java's allocators zero (and so touch) every page.
 */
public final class AnonymousMemory {
    private AnonymousMemory() {
    }

    /**
     * Reserves {@code length} bytes in {@code arena}, whose close unmaps them.
     *
     * @throws io.jcmap.protocol.ErrnoException when the kernel refuses the mapping
     */
    public static MemorySegment reserve(long length, Arena arena) {
        MemorySegment address = Libc.mmap(length, LinuxAbi.PROT_READ | LinuxAbi.PROT_WRITE,
                LinuxAbi.MAP_PRIVATE | LinuxAbi.MAP_ANONYMOUS, -1, 0);
        if (address.address() == -1L) {
            throw UnixSocket.failure("mmap(anonymous, " + length + ")");
        }
        return address.reinterpret(length, arena, mapped -> Libc.munmap(mapped, length));
    }
}
