package io.jcmap.protocol.os;

import io.jcmap.protocol.ErrnoException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * One platform thread for the JVM that waits in {@code epoll} for the descriptors that virtual
 * threads wait on, and unparks each waiter when its descriptor is ready. A virtual thread that
 * waits this way holds no carrier, makes no looks while nothing comes, and is woken as soon as
 * something does. The JDK does the same for its own sockets but has no way in for a descriptor
 * of ours. Started by the first wait; if {@code epoll} cannot be had, nobody waits here and the
 * callers keep looking ({@link VirtualThreadWait}).
 */
final class ReadinessPoller {
    private static final Logger LOG = LoggerFactory.getLogger(ReadinessPoller.class);
    private static final int EVENTS_PER_WAIT = 64;

    private final PollGroup group;
    /** Who waits on which descriptor: one thread per descriptor at a time. */
    private final ConcurrentHashMap<Integer, Thread> waiters = new ConcurrentHashMap<>();
    private volatile boolean failed;

    private ReadinessPoller(PollGroup group) {
        this.group = group;
    }

    /** The JVM's poller, or null when epoll is not to be had. */
    static ReadinessPoller get() {
        return Holder.INSTANCE;
    }

    private static final class Holder {
        static final ReadinessPoller INSTANCE = start();
    }

    private static ReadinessPoller start() {
        PollGroup group;
        try {
            group = PollGroup.create();
        } catch (ErrnoException e) {
            LOG.warn("{}; virtual threads will look for readiness instead", e.getMessage());
            return null;
        }
        ReadinessPoller poller = new ReadinessPoller(group);
        Thread.ofPlatform().daemon().name("jcmap-readiness").start(poller::run);
        return poller;
    }

    /**
     * Parks the calling thread until {@code fd} reports one of {@code events} (or a hang-up or an
     * error, which epoll always reports), {@code timeoutNanos} pass, or another unpark comes;
     * the caller looks again afterwards in any case.
     *
     * @return false, without waiting, when it cannot wait here: another thread waits on
     *     {@code fd}, or epoll refused it
     */
    boolean await(int fd, short events, long timeoutNanos) {
        Thread me = Thread.currentThread();
        if (failed || waiters.putIfAbsent(fd, me) != null) {
            return false;
        }
        try {
            // poll's POLLIN, POLLOUT, POLLERR and POLLHUP have epoll's values
            if (!group.add(fd, (events & 0xFFFF) | LinuxAbi.EPOLLONESHOT)) {
                return false;
            }
            try {
                LockSupport.parkNanos(this, timeoutNanos);
            } finally {
                group.remove(fd);
            }
            return true;
        } finally {
            waiters.remove(fd, me);
        }
    }

    private void run() {
        MemorySegment events = Arena.ofAuto().allocate((long) EVENTS_PER_WAIT * EpollEventDescriptor.LENGTH, 8);
        while (true) {
            int ready = Libc.epollWait(group.fd(), events, EVENTS_PER_WAIT, -1);
            if (ready < 0) {
                int errno = Libc.errno();
                if (errno == Errno.EINTR) {
                    continue;
                }
                LOG.warn("epoll_wait: {} (errno {}); virtual threads will look for readiness instead",
                        Errno.describe(errno), errno);
                failed = true;
                waiters.values().forEach(LockSupport::unpark);
                return;
            }
            for (int i = 0; i < ready; i++) {
                long fd = events.get(JAVA_LONG_UNALIGNED, (long) i * EpollEventDescriptor.LENGTH + EpollEventDescriptor.DATA_OFFSET);
                Thread waiter = waiters.get((int) fd);
                if (waiter != null) {
                    LockSupport.unpark(waiter);
                }
            }
        }
    }
}
