package io.jcmap.protocol.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Downcalls into the C library. Every call that can fail captures errno into a per-thread
 * slot, so that a failed call can be reported without a second native call and without
 * allocating on the fast path.
 */
final class Libc {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LOOKUP = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle CAPTURED_ERRNO =
            CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final ThreadLocal<MemorySegment> ERRNO_SLOT =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE));

    private static final MethodHandle SOCKET = bind("socket", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle CONNECT = bind("connect", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle BIND = bind("bind", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle LISTEN = bind("listen", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle ACCEPT4 = bind("accept4", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
    private static final MethodHandle SENDMSG = bind("sendmsg", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle SEND = bind("send", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final MethodHandle RECV = bind("recv", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
    // Variants without errno capture for calls that almost always succeed: the capture's
    // bookkeeping allocates a small object per call wherever the JIT does not inline it (seen in
    // JMH's gc profile). A failure is asked again with capture, which these calls allow: they do
    // not block (poll is asked again with no timeout), and a failed one changed nothing.
    private static final MethodHandle SEND_PLAIN =
            plain("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RECV_PLAIN =
            plain("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle POLL_PLAIN =
            plain("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SEM_TRYWAIT_PLAIN = plain("sem_trywait", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle SEM_CLOCKWAIT_PLAIN =
            plain("sem_clockwait", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
    private static final MethodHandle CLOCK_GETTIME_PLAIN =
            plain("clock_gettime", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SEM_POST_PLAIN = plain("sem_post", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle SENDMMSG = bind("sendmmsg", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    private static final MethodHandle RECVMSG = bind("recvmsg", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle SETSOCKOPT =
            bind("setsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle GETSOCKOPT =
            bind("getsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle POLL = bind("poll", JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final MethodHandle CLOSE = bind("close", JAVA_INT, JAVA_INT);
    private static final MethodHandle EPOLL_CREATE1 = bind("epoll_create1", JAVA_INT, JAVA_INT);
    private static final MethodHandle EPOLL_CTL = bind("epoll_ctl", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
    private static final MethodHandle EPOLL_WAIT = bind("epoll_wait", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    private static final MethodHandle SHUTDOWN = bind("shutdown", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle OPENAT = bindVariadic("openat", 3,
            JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    private static final MethodHandle FSTAT = bind("fstat", JAVA_INT, JAVA_INT, ADDRESS);
    private static final MethodHandle UNLINKAT = bind("unlinkat", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle MMAP =
            bind("mmap", ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG);
    private static final MethodHandle MUNMAP = bind("munmap", JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle SEM_POST = bind("sem_post", JAVA_INT, ADDRESS);
    private static final MethodHandle SEM_CLOCKWAIT =
            bind("sem_clockwait", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);
    private static final MethodHandle SEM_GETVALUE = bind("sem_getvalue", JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle SEM_GETVALUE_PLAIN =
            plain("sem_getvalue", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SEM_INIT = bind("sem_init", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    private static final MethodHandle CLOCK_GETTIME = bind("clock_gettime", JAVA_INT, JAVA_INT, ADDRESS);
    private static final MethodHandle KILL = bind("kill", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle SOCKETPAIR =
            bind("socketpair", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
    private static final MethodHandle GETUID = plain("getuid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETPID = plain("getpid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle STRERROR =
            plain("strerror", FunctionDescriptor.of(ADDRESS.withTargetLayout(
                    MemoryLayout.sequenceLayout(Long.MAX_VALUE, ValueLayout.JAVA_BYTE)), JAVA_INT));

    private Libc() {
    }

    private static MemorySegment symbol(String name) {
        return LOOKUP.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    }

    private static MethodHandle bind(String name, ValueLayout result, MemoryLayout... args) {
        return LINKER.downcallHandle(symbol(name), FunctionDescriptor.of(result, args), ERRNO);
    }

    private static MethodHandle bindVariadic(String name, int firstVariadic, ValueLayout result,
                                             MemoryLayout... args) {
        return LINKER.downcallHandle(symbol(name), FunctionDescriptor.of(result, args), ERRNO,
                Linker.Option.firstVariadicArg(firstVariadic));
    }

    private static MethodHandle plain(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(name), descriptor);
    }

    private static MemorySegment slot() {
        return ERRNO_SLOT.get();
    }

    /** errno as captured by this thread's last failing downcall of this class. */
    static int errno() {
        return (int) CAPTURED_ERRNO.get(slot(), 0L);
    }

    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    static int socket(int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(slot(), domain, type, protocol);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int socketpair(int domain, int type, int protocol, MemorySegment fds) {
        try {
            return (int) SOCKETPAIR.invokeExact(slot(), domain, type, protocol, fds);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int connect(int fd, MemorySegment address, int length) {
        try {
            return (int) CONNECT.invokeExact(slot(), fd, address, length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int bind(int fd, MemorySegment address, int length) {
        try {
            return (int) BIND.invokeExact(slot(), fd, address, length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int listen(int fd, int backlog) {
        try {
            return (int) LISTEN.invokeExact(slot(), fd, backlog);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int accept4(int fd, MemorySegment address, MemorySegment length, int flags) {
        try {
            return (int) ACCEPT4.invokeExact(slot(), fd, address, length, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static long sendmsg(int fd, MemorySegment msghdr, int flags) {
        try {
            return (long) SENDMSG.invokeExact(slot(), fd, msghdr, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int sendmmsg(int fd, MemorySegment messages, int count, int flags) {
        try {
            return (int) SENDMMSG.invokeExact(slot(), fd, messages, count, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** A non-blocking send; after a failure {@link #errno()} tells why. */
    static long send(int fd, MemorySegment buffer, long length, int flags) {
        try {
            long sent = (long) SEND_PLAIN.invokeExact(fd, buffer, length, flags);
            return sent >= 0 ? sent : (long) SEND.invokeExact(slot(), fd, buffer, length, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * A non-blocking receive expected to find data (a poll or peek said so); after a failure
     * {@link #errno()} tells why.
     */
    static long recvReady(int fd, MemorySegment buffer, long length, int flags) {
        try {
            long received = (long) RECV_PLAIN.invokeExact(fd, buffer, length, flags);
            return received >= 0 ? received : (long) RECV.invokeExact(slot(), fd, buffer, length, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** recv(2) without errno: for a caller to whom every failure means the same. */
    static long recvNoErrno(int fd, MemorySegment buffer, long length, int flags) {
        try {
            return (long) RECV_PLAIN.invokeExact(fd, buffer, length, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static long recv(int fd, MemorySegment buffer, long length, int flags) {
        try {
            return (long) RECV.invokeExact(slot(), fd, buffer, length, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static long recvmsg(int fd, MemorySegment msghdr, int flags) {
        try {
            return (long) RECVMSG.invokeExact(slot(), fd, msghdr, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int setsockopt(int fd, int level, int name, MemorySegment value, int length) {
        try {
            return (int) SETSOCKOPT.invokeExact(slot(), fd, level, name, value, length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int getsockopt(int fd, int level, int name, MemorySegment value, MemorySegment length) {
        try {
            return (int) GETSOCKOPT.invokeExact(slot(), fd, level, name, value, length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * poll(2); after a failure {@link #errno()} tells why. A failure (EINTR, in practice) is
     * polled again without waiting, to learn its errno: the caller's wait loop goes on from there.
     */
    static int poll(MemorySegment fds, long count, int timeoutMillis) {
        try {
            int ready = (int) POLL_PLAIN.invokeExact(fds, count, timeoutMillis);
            return ready >= 0 ? ready : (int) POLL.invokeExact(slot(), fds, count, 0);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int epollCreate1(int flags) {
        try {
            return (int) EPOLL_CREATE1.invokeExact(slot(), flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int epollCtl(int epollFd, int operation, int fd, MemorySegment event) {
        try {
            return (int) EPOLL_CTL.invokeExact(slot(), epollFd, operation, fd, event);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int epollWait(int epollFd, MemorySegment events, int maxEvents, int timeoutMillis) {
        try {
            return (int) EPOLL_WAIT.invokeExact(slot(), epollFd, events, maxEvents, timeoutMillis);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int close(int fd) {
        try {
            return (int) CLOSE.invokeExact(slot(), fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int shutdown(int fd, int how) {
        try {
            return (int) SHUTDOWN.invokeExact(slot(), fd, how);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int openat(int dirFd, MemorySegment path, int flags, int mode) {
        try {
            return (int) OPENAT.invokeExact(slot(), dirFd, path, flags, mode);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int fstat(int fd, MemorySegment stat) {
        try {
            return (int) FSTAT.invokeExact(slot(), fd, stat);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int unlinkat(int dirFd, MemorySegment name, int flags) {
        try {
            return (int) UNLINKAT.invokeExact(slot(), dirFd, name, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static MemorySegment mmap(long length, int protection, int flags, int fd, long offset) {
        try {
            return (MemorySegment) MMAP.invokeExact(slot(), MemorySegment.NULL, length, protection,
                    flags, fd, offset);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int munmap(MemorySegment address, long length) {
        try {
            return (int) MUNMAP.invokeExact(slot(), address, length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int semPost(MemorySegment sem) {
        try {
            int posted = (int) SEM_POST_PLAIN.invokeExact(sem);
            return posted == 0 ? 0 : (int) SEM_POST.invokeExact(slot(), sem);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** sem_trywait(3) without errno: on a valid semaphore glibc fails it only for a count of zero. */
    static int semTryWaitNoErrno(MemorySegment sem) {
        try {
            return (int) SEM_TRYWAIT_PLAIN.invokeExact(sem);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * sem_clockwait(3); after a failure {@link #errno()} tells why. A failure is asked again with
     * capture and the same absolute deadline: past it (the usual failure) that returns at once.
     */
    static int semClockWait(MemorySegment sem, int clock, MemorySegment deadline) {
        try {
            int taken = (int) SEM_CLOCKWAIT_PLAIN.invokeExact(sem, clock, deadline);
            return taken == 0 ? 0 : (int) SEM_CLOCKWAIT.invokeExact(slot(), sem, clock, deadline);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * sem_getvalue(3), which every ring write calls: without errno capture first (glibc never
     * fails it for a valid semaphore), and again with it only after a failure, whose errno the
     * caller then reads. The capture costs an allocation in some JIT outcomes (measured: 40 B
     * per SHM request).
     */
    static int semGetValue(MemorySegment sem, MemorySegment value) {
        try {
            int result = (int) SEM_GETVALUE_PLAIN.invokeExact(sem, value);
            return result == 0 ? 0 : (int) SEM_GETVALUE.invokeExact(slot(), sem, value);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int semInit(MemorySegment sem, int shared, int value) {
        try {
            return (int) SEM_INIT.invokeExact(slot(), sem, shared, value);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int clockGettime(int clock, MemorySegment timespec) {
        try {
            int read = (int) CLOCK_GETTIME_PLAIN.invokeExact(clock, timespec);
            return read == 0 ? 0 : (int) CLOCK_GETTIME.invokeExact(slot(), clock, timespec);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int kill(int pid, int signal) {
        try {
            return (int) KILL.invokeExact(slot(), pid, signal);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int getuid() {
        try {
            return (int) GETUID.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int getpid() {
        try {
            return (int) GETPID.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.equals(MemorySegment.NULL) ? "errno " + errno : text.getString(0);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }
}
