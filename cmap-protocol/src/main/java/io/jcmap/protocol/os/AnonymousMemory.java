package io.jcmap.protocol.os;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Private anonymous memory that the kernel backs page by page as it is first written, so a
 * buffer can span the largest message the server may send while costing, in resident memory,
 * only as much as the messages it did send. Java's allocators zero (and so touch) every page.
 *
 * <p>Like {@link SharedMapping}, it belongs to no arena: {@link #close()} unmaps it, and the
 * owner makes sure that no thread touches it any more by then.
 */
public final class AnonymousMemory implements AutoCloseable {
    private final MemorySegment segment;
    private final AtomicBoolean unmapped = new AtomicBoolean();

    private AnonymousMemory(MemorySegment segment) {
        this.segment = segment;
    }

    /**
     * Reserves {@code length} bytes.
     *
     * @throws io.jcmap.protocol.ErrnoException when the kernel refuses the mapping
     */
    public static AnonymousMemory reserve(long length) {
        MemorySegment address = Libc.mmap(length, LinuxAbi.PROT_READ | LinuxAbi.PROT_WRITE,
                LinuxAbi.MAP_PRIVATE | LinuxAbi.MAP_ANONYMOUS, -1, 0);
        if (address.address() == -1L) {
            throw UnixSocket.failure("mmap(anonymous, " + length + ")");
        }
        return new AnonymousMemory(address.reinterpret(length));
    }

    /** The reserved memory. */
    public MemorySegment segment() {
        return segment;
    }

    /** Unmaps the memory, once; no thread may touch {@link #segment()} from now on. */
    @Override
    public void close() {
        if (unmapped.compareAndSet(false, true)) {
            Libc.munmap(segment, segment.byteSize());
        }
    }
}
