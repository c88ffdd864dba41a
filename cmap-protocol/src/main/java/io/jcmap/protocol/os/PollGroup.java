package io.jcmap.protocol.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * Several descriptors an application polls as one: an {@code epoll} instance, which is readable
 * while any descriptor in it is readable, has hung up or reports an error. So one descriptor
 * can say both "a message waits" and "the peer is gone" when those come on different sockets.
 * Nothing is ever read from it.
 */
public final class PollGroup implements AutoCloseable {
    private final int fd;
    private final AtomicBoolean closed = new AtomicBoolean();

    private PollGroup(int fd) {
        this.fd = fd;
    }

    /**
     * A group watching {@code members} for input (hang-ups and errors are always reported).
     *
     * @throws io.jcmap.protocol.ErrnoException the errno of a failed {@code epoll_create1} or
     *     {@code epoll_ctl}
     */
    public static PollGroup of(int... members) {
        int fd = Libc.epollCreate1(LinuxAbi.EPOLL_CLOEXEC);
        if (fd < 0) {
            throw UnixSocket.failure("epoll_create1");
        }
        PollGroup group = new PollGroup(fd);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment event = arena.allocate(EpollEventDescriptor.LENGTH, 8);
            for (int member : members) {
                event.set(JAVA_INT_UNALIGNED, EpollEventDescriptor.EVENTS_OFFSET, LinuxAbi.POLLIN);
                event.set(JAVA_LONG_UNALIGNED, EpollEventDescriptor.DATA_OFFSET, member);
                if (Libc.epollCtl(fd, LinuxAbi.EPOLL_CTL_ADD, member, event) != 0) {
                    throw UnixSocket.failure("epoll_ctl(" + member + ")");
                }
            }
        } catch (RuntimeException e) {
            group.close();
            throw e;
        }
        return group;
    }

    /** The descriptor to poll for input. */
    public int fd() {
        return fd;
    }

    /** Closes the group, once; its members stay open. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Libc.close(fd);
        }
    }
}
