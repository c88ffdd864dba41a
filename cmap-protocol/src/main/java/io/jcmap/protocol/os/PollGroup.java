package io.jcmap.protocol.os;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * Several descriptors watched as one: an {@code epoll} instance, which is readable while any
 * member is ready (for input, or hung up, or in error), and whose {@code epoll_wait} names the
 * ready members. An application polls it as one descriptor ({@link #of}); the
 * {@link ReadinessPoller} adds and removes the members its virtual threads wait for. Nothing is
 * ever read from it.
 */
public final class PollGroup implements AutoCloseable {
    private final int fd;
    private final AtomicBoolean closed = new AtomicBoolean();

    private PollGroup(int fd) {
        this.fd = fd;
    }

    /**
     * An empty group.
     *
     * @throws io.jcmap.protocol.ErrnoException the errno of a failed {@code epoll_create1}
     */
    static PollGroup create() {
        int fd = Libc.epollCreate1(LinuxAbi.EPOLL_CLOEXEC);
        if (fd < 0) {
            throw UnixSocket.failure("epoll_create1");
        }
        return new PollGroup(fd);
    }

    /**
     * A group watching {@code members} for input (hang-ups and errors are always reported).
     *
     * @throws io.jcmap.protocol.ErrnoException the errno of a failed {@code epoll_create1} or
     *     {@code epoll_ctl}
     */
    public static PollGroup of(int... members) {
        PollGroup group = create();
        for (int member : members) {
            if (!group.add(member, LinuxAbi.POLLIN)) {
                RuntimeException failure = UnixSocket.failure("epoll_ctl(" + member + ")");
                group.close();
                throw failure;
            }
        }
        return group;
    }

    /**
     * Watches {@code member} for {@code events} (poll's bits, which epoll shares, and epoll's
     * flags); false, with errno set, when epoll refused it.
     */
    boolean add(int member, int events) {
        MemorySegment event = CallScratch.get();
        event.set(JAVA_INT_UNALIGNED, EpollEventDescriptor.EVENTS_OFFSET, events);
        event.set(JAVA_LONG_UNALIGNED, EpollEventDescriptor.DATA_OFFSET, member);
        return Libc.epollCtl(fd, LinuxAbi.EPOLL_CTL_ADD, member, event) == 0;
    }

    /** Stops watching {@code member}; one that was closed has left by itself (EBADF, ENOENT). */
    void remove(int member) {
        Libc.epollCtl(fd, LinuxAbi.EPOLL_CTL_DEL, member, CallScratch.get());
    }

    /** The descriptor to poll for input, or to wait on with {@code epoll_wait}. */
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
