package io.jcmap.protocol.os;

import io.jcmap.protocol.ErrnoException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A non-blocking AF_UNIX socket. Every wait is a {@link #poll} with a timeout, so no call can
 * block forever; {@link #shutdown()} wakes up threads polling it from elsewhere.
 */
public final class UnixSocket implements AutoCloseable {
    /** Returned by send and receive when the call would block. */
    public static final long WOULD_BLOCK = -1;

    /** Poll bits, as {@code poll(2)} names them. */
    public static final short READABLE = LinuxAbi.POLLIN;
    public static final short WRITABLE = LinuxAbi.POLLOUT;
    /** Any of these in a poll result means the peer or the descriptor is gone. */
    public static final short BROKEN = LinuxAbi.POLLHUP | LinuxAbi.POLLERR | LinuxAbi.POLLNVAL;

    private static final int SEND_FLAGS = LinuxAbi.MSG_NOSIGNAL | LinuxAbi.MSG_DONTWAIT;
    private static final long CONNECT_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final int fd;
    /** The SO_RCVTIMEO last set for {@link #receiveWithin}; 0 until then (the kernel's: forever). */
    private long receiveTimeoutMicros;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final EmptyWaits emptyWaits = new EmptyWaits();
    /** Shut down already: close need not do it again. */
    private volatile boolean shutDown;

    private UnixSocket(int fd) {
        this.fd = fd;
    }

    /** A new stream socket. */
    public static UnixSocket stream() {
        return open(LinuxAbi.SOCK_STREAM);
    }

    /** A new datagram socket. */
    public static UnixSocket datagram() {
        return open(LinuxAbi.SOCK_DGRAM);
    }

    /**
     * A new datagram socket for {@link #receiveWithin}: its descriptor blocks, which only that
     * call uses (with a timeout); every other call of this class passes MSG_DONTWAIT.
     */
    public static UnixSocket datagramWithTimedReceives() {
        return open(LinuxAbi.SOCK_DGRAM, 0);
    }

    private static UnixSocket open(int type) {
        return open(type, LinuxAbi.SOCK_NONBLOCK);
    }

    private static UnixSocket open(int type, int nonBlocking) {
        int fd = Libc.socket(LinuxAbi.AF_UNIX, type | nonBlocking | LinuxAbi.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw failure("socket(AF_UNIX)");
        }
        return new UnixSocket(fd);
    }

    /** A connected pair, for tests and in-process peers. */
    public static UnixSocket[] pair(boolean datagram) {
        MemorySegment fds = CallScratch.get();
        int type = (datagram ? LinuxAbi.SOCK_DGRAM : LinuxAbi.SOCK_STREAM)
                | LinuxAbi.SOCK_NONBLOCK | LinuxAbi.SOCK_CLOEXEC;
        if (Libc.socketpair(LinuxAbi.AF_UNIX, type, 0, fds) < 0) {
            throw failure("socketpair(AF_UNIX)");
        }
        return new UnixSocket[] {new UnixSocket(fds.get(JAVA_INT, 0)), new UnixSocket(fds.get(JAVA_INT, 4))};
    }

    static ErrnoException failure(String call) {
        int errno = Libc.errno();
        return new ErrnoException(errno, call + ": " + Errno.describe(errno) + " (errno " + errno + ")");
    }

    /** The descriptor, for polling by the application (like cmap_fd_get). */
    public int fd() {
        return fd;
    }

    /**
     * Connects, retrying while the listener's backlog is full (EAGAIN on a non-blocking Unix
     * socket) until {@code deadlineNanos} of {@link System#nanoTime()}, or until another thread
     * {@link #shutdown shuts it down} (ECANCELED).
     */
    public void connect(UnixAddress address, long deadlineNanos) {
        MemorySegment sockaddr = CallScratch.get();
        while (true) {
            if (shutDown) {
                // shut down by another thread (a connect given up): a full listen queue would keep us retrying
                throw new ErrnoException(Errno.ECANCELED, "connect(" + address + "): the socket was shut down");
            }
            int length = address.writeTo(sockaddr);
            if (Libc.connect(fd, sockaddr, length) == 0) {
                return;
            }
            int errno = Libc.errno();
            if ((errno != Errno.EAGAIN && errno != Errno.EINTR) || System.nanoTime() - deadlineNanos > 0) {
                throw new ErrnoException(errno, "connect(" + address + "): " + Errno.describe(errno)
                        + " (errno " + errno + ")");
            }
            LockSupport.parkNanos(CONNECT_RETRY_NANOS);
        }
    }

    /** Binds the socket to a local address. */
    public void bind(UnixAddress address) {
        MemorySegment sockaddr = CallScratch.get();
        int length = address.writeTo(sockaddr);
        if (Libc.bind(fd, sockaddr, length) != 0) {
            throw failure("bind(" + address + ")");
        }
    }

    /** Marks a bound stream socket as accepting connections (the server side; used by test fakes). */
    public void listen(int backlog) {
        if (Libc.listen(fd, backlog) != 0) {
            throw failure("listen(fd " + fd + ")");
        }
    }

    /**
     * Takes one pending connection without blocking. The new socket is non-blocking too.
     *
     * @return the connection, or {@code null} when none is waiting
     */
    public UnixSocket accept() {
        int accepted = Libc.accept4(fd, MemorySegment.NULL, MemorySegment.NULL,
                LinuxAbi.SOCK_NONBLOCK | LinuxAbi.SOCK_CLOEXEC);
        if (accepted >= 0) {
            return new UnixSocket(accepted);
        }
        int errno = Libc.errno();
        if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
            return null;
        }
        throw new ErrnoException(errno, "accept(fd " + fd + "): " + Errno.describe(errno) + " (errno " + errno + ")");
    }

    /** Turns SO_PASSCRED on or off: with it on, received messages carry the sender's credentials. */
    public void passCredentials(boolean on) {
        setIntOption(LinuxAbi.SO_PASSCRED, on ? 1 : 0, "SO_PASSCRED");
    }

    /** Raises SO_SNDBUF and SO_RCVBUF to at least {@code bytes}, as libqb does for datagram channels. */
    public void ensureBufferSizes(int bytes) {
        if (intOption(LinuxAbi.SO_SNDBUF, "SO_SNDBUF") <= bytes) {
            setIntOption(LinuxAbi.SO_SNDBUF, bytes, "SO_SNDBUF");
        }
        if (intOption(LinuxAbi.SO_RCVBUF, "SO_RCVBUF") <= bytes) {
            setIntOption(LinuxAbi.SO_RCVBUF, bytes, "SO_RCVBUF");
        }
    }

    /**
     * SO_SNDBUF as the kernel keeps it: net.core.wmem_default until a size is set, then twice
     * what was set, capped at net.core.wmem_max first. {@link #ensureBufferSizes} sets none when
     * the default is already larger than asked, so a small size keeps the default, not twice it.
     */
    public int sendBufferSize() {
        return intOption(LinuxAbi.SO_SNDBUF, "SO_SNDBUF");
    }

    private void setIntOption(int option, int value, String name) {
        MemorySegment scratch = CallScratch.get();
        scratch.set(JAVA_INT, 0, value);
        if (Libc.setsockopt(fd, LinuxAbi.SOL_SOCKET, option, scratch, Integer.BYTES) != 0) {
            throw failure("setsockopt(" + name + ")");
        }
    }

    private int intOption(int option, String name) {
        MemorySegment scratch = CallScratch.get();
        scratch.set(JAVA_INT, 8, Integer.BYTES);
        if (Libc.getsockopt(fd, LinuxAbi.SOL_SOCKET, option, scratch, scratch.asSlice(8)) != 0) {
            throw failure("getsockopt(" + name + ")");
        }
        return scratch.get(JAVA_INT, 0);
    }

    /** The credentials of the process that created the peer socket (SO_PEERCRED). */
    public Credentials peerCredentials() {
        MemorySegment scratch = CallScratch.get();
        scratch.set(JAVA_INT, 16, MsghdrDescriptor.UCRED_LENGTH);
        if (Libc.getsockopt(fd, LinuxAbi.SOL_SOCKET, LinuxAbi.SO_PEERCRED, scratch, scratch.asSlice(16)) != 0) {
            throw failure("getsockopt(SO_PEERCRED)");
        }
        return readCredentials(scratch);
    }

    private static Credentials readCredentials(MemorySegment ucred) {
        return new Credentials(ucred.get(JAVA_INT, MsghdrDescriptor.UCRED_PID_OFFSET),
                ucred.get(JAVA_INT, MsghdrDescriptor.UCRED_UID_OFFSET),
                ucred.get(JAVA_INT, MsghdrDescriptor.UCRED_GID_OFFSET));
    }

    /**
     * Sends up to {@code length} bytes of a native segment without blocking. Returns the bytes
     * sent (a datagram is all or nothing) or {@link #WOULD_BLOCK}.
     */
    public long send(MemorySegment data, long length) {
        while (true) {
            long sent = Libc.send(fd, data, length, SEND_FLAGS);
            if (sent >= 0) {
                return sent;
            }
            int errno = Libc.errno();
            if (errno == Errno.EAGAIN) {
                return WOULD_BLOCK;
            }
            if (errno != Errno.EINTR) { // a signal came first and nothing was sent: again at once
                throw new ErrnoException(errno, "send(fd " + fd + "): " + Errno.describe(errno)
                        + " (errno " + errno + ")");
            }
        }
    }

    /**
     * Sends like {@link #send} with an explicit SCM_CREDENTIALS message. The kernel checks the
     * claim: only a privileged sender may name a uid, gid or pid other than its own. Used by test
     * fakes to play a server of another user.
     */
    public long sendWithCredentials(MemorySegment data, long length, Credentials credentials) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment msghdr = arena.allocate(MsghdrDescriptor.LENGTH, 8);
            MemorySegment iov = arena.allocate(MsghdrDescriptor.IOV_LENGTH, 8);
            MemorySegment control = arena.allocate(MsghdrDescriptor.CREDENTIALS_CONTROL_LENGTH, 8);
            iov.set(ADDRESS, MsghdrDescriptor.IOV_BASE_OFFSET, data);
            iov.set(JAVA_LONG, MsghdrDescriptor.IOV_LEN_OFFSET, length);
            control.set(JAVA_LONG, MsghdrDescriptor.CMSG_LEN_OFFSET,
                    MsghdrDescriptor.CMSG_DATA_OFFSET + MsghdrDescriptor.UCRED_LENGTH);
            control.set(JAVA_INT, MsghdrDescriptor.CMSG_LEVEL_OFFSET, LinuxAbi.SOL_SOCKET);
            control.set(JAVA_INT, MsghdrDescriptor.CMSG_TYPE_OFFSET, LinuxAbi.SCM_CREDENTIALS);
            MemorySegment ucred = control.asSlice(MsghdrDescriptor.CMSG_DATA_OFFSET);
            ucred.set(JAVA_INT, MsghdrDescriptor.UCRED_PID_OFFSET, credentials.pid());
            ucred.set(JAVA_INT, MsghdrDescriptor.UCRED_UID_OFFSET, credentials.uid());
            ucred.set(JAVA_INT, MsghdrDescriptor.UCRED_GID_OFFSET, credentials.gid());
            msghdr.set(ADDRESS, MsghdrDescriptor.IOV_OFFSET, iov);
            msghdr.set(JAVA_LONG, MsghdrDescriptor.IOVLEN_OFFSET, 1);
            msghdr.set(ADDRESS, MsghdrDescriptor.CONTROL_OFFSET, control);
            msghdr.set(JAVA_LONG, MsghdrDescriptor.CONTROLLEN_OFFSET, control.byteSize());
            long sent = Libc.sendmsg(fd, msghdr, SEND_FLAGS);
            if (sent >= 0) {
                return sent;
            }
            int errno = Libc.errno();
            if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
                return WOULD_BLOCK;
            }
            throw new ErrnoException(errno, "sendmsg(fd " + fd + "): " + Errno.describe(errno)
                    + " (errno " + errno + ")");
        }
    }

    /**
     * Sends the datagrams {@code from} up to {@code from + count} of {@code run} with one
     * {@code sendmmsg}, without blocking, in order. Returns how many went: fewer than
     * {@code count} when the send buffer filled up on the way, 0 when it was full from the start.
     */
    public int sendMany(DatagramRun run, int from, int count) {
        while (true) {
            int sent = Libc.sendmmsg(fd, run.headersFrom(from), count, SEND_FLAGS);
            if (sent >= 0) {
                return sent;
            }
            int errno = Libc.errno();
            if (errno == Errno.EAGAIN) {
                return 0;
            }
            if (errno != Errno.EINTR) { // as for send: nothing went, so again at once
                throw new ErrnoException(errno, "sendmmsg(fd " + fd + "): " + Errno.describe(errno)
                        + " (errno " + errno + ")");
            }
        }
    }

    /** Sends one byte, as libqb's notification on the setup socket. */
    public long sendByte(byte value) {
        MemorySegment scratch = CallScratch.get();
        scratch.set(JAVA_BYTE, 0, value);
        return send(scratch, 1);
    }

    /**
     * Receives into a native segment without blocking. Returns the bytes received (for a
     * datagram socket, the size of the whole datagram even when it was longer than
     * {@code length}), 0 at the end of a stream, or {@link #WOULD_BLOCK}.
     */
    public long receive(MemorySegment into, long length) {
        return receive(into, length, true);
    }

    /**
     * Takes a waiting datagram into {@code into} without blocking: its full size (truncated to
     * {@code length} if longer), or {@link #WOULD_BLOCK} for nothing waiting and for any failure
     * alike: it skips the errno bookkeeping, which a look that usually finds nothing would pay on
     * every call. A lasting failure shows at the next {@link #receive} or in a poll; a datagram
     * socket's one-off error report may be lost, so callers watch the peer through another
     * channel as well (libqb's setup socket).
     */
    public long receiveIfWaiting(MemorySegment into, long length) {
        long size = Libc.recvNoErrno(fd, into, length, LinuxAbi.MSG_DONTWAIT | LinuxAbi.MSG_NOSIGNAL | LinuxAbi.MSG_TRUNC);
        return size >= 0 ? size : WOULD_BLOCK;
    }

    /**
     * Receives one datagram, waiting inside {@code recv} for up to {@code waitNanos} (rounded up
     * to a microsecond) if none is there yet: one system call where a poll would take two, and
     * the sender's wake-up goes straight to the waiting receiver. The socket stays non-blocking
     * for everything else. Returns the datagram's full size as {@link #receive} does, 0 after our
     * own {@link #shutdown()} (which ends the wait at once), or {@link #WOULD_BLOCK} when the
     * time is up and for any failure alike, like {@link #receiveIfWaiting}: a datagram socket's
     * errors are one-off reports, and the caller watches the peer through the setup socket. A
     * failed call is not repeated to learn its errno, as elsewhere: here that would wait again.
     * For one receiving thread at a time: the wait is a socket option, set only when it changes.
     */
    public long receiveWithin(MemorySegment into, long length, long waitNanos) {
        if (VirtualThreadWait.needed()) {
            return receiveByLooks(into, length, waitNanos);
        }
        long micros = Math.max(1, (waitNanos + 999) / 1_000);
        if (micros != receiveTimeoutMicros) {
            setReceiveTimeout(micros);
        }
        long size = Libc.recvNoErrno(fd, into, length, LinuxAbi.MSG_NOSIGNAL | LinuxAbi.MSG_TRUNC);
        return size >= 0 ? size : WOULD_BLOCK;
    }

    /** {@link #receiveWithin} on a virtual thread, which must not wait inside recv (see {@link VirtualThreadWait}). */
    private long receiveByLooks(MemorySegment into, long length, long waitNanos) {
        VirtualThreadWait wait = new VirtualThreadWait(waitNanos, emptyWaits);
        long size = WOULD_BLOCK;
        try {
            while ((size = receiveIfWaiting(into, length)) == WOULD_BLOCK) {
                if (shutDown) {
                    // only a blocking recv of a shut datagram socket returns 0; a look gets EAGAIN
                    size = 0;
                    break;
                }
                if (!wait.pause(fd, READABLE)) {
                    break;
                }
            }
            return size;
        } finally {
            wait.end(size != WOULD_BLOCK);
        }
    }

    private void setReceiveTimeout(long micros) {
        MemorySegment timeval = CallScratch.get();
        timeval.set(JAVA_LONG, TimevalDescriptor.SECONDS_OFFSET, micros / 1_000_000);
        timeval.set(JAVA_LONG, TimevalDescriptor.MICROS_OFFSET, micros % 1_000_000);
        if (Libc.setsockopt(fd, LinuxAbi.SOL_SOCKET, LinuxAbi.SO_RCVTIMEO, timeval, TimevalDescriptor.LENGTH) != 0) {
            throw failure("setsockopt(SO_RCVTIMEO)");
        }
        receiveTimeoutMicros = micros;
    }

    private long receive(MemorySegment into, long length, boolean likelyReady) {
        int flags = LinuxAbi.MSG_DONTWAIT | LinuxAbi.MSG_NOSIGNAL | LinuxAbi.MSG_TRUNC;
        long received = likelyReady ? Libc.recvReady(fd, into, length, flags) : Libc.recv(fd, into, length, flags);
        if (received >= 0) {
            return received;
        }
        int errno = Libc.errno();
        if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
            return WOULD_BLOCK;
        }
        throw new ErrnoException(errno, "recv(fd " + fd + "): " + Errno.describe(errno) + " (errno " + errno + ")");
    }

    /**
     * Drains up to {@code count} bytes (notification bytes, whose values carry no meaning)
     * without blocking. Returns how many were read, 0 at the end of the stream, or
     * {@link #WOULD_BLOCK}.
     */
    public long discard(int count) {
        MemorySegment scratch = CallScratch.get();
        return receive(scratch, Math.min(count, CallScratch.SIZE), false); // often finds nothing yet
    }

    /**
     * Receives without blocking and collects the sender's credentials sent along (SO_PASSCRED
     * must be on). Returns {@code null} when nothing is waiting.
     */
    public Received receiveWithCredentials(MemorySegment into, long length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment msghdr = arena.allocate(MsghdrDescriptor.LENGTH, 8);
            MemorySegment iov = arena.allocate(MsghdrDescriptor.IOV_LENGTH, 8);
            MemorySegment control = arena.allocate(MsghdrDescriptor.CREDENTIALS_CONTROL_LENGTH, 8);
            iov.set(ADDRESS, MsghdrDescriptor.IOV_BASE_OFFSET, into);
            iov.set(JAVA_LONG, MsghdrDescriptor.IOV_LEN_OFFSET, length);
            msghdr.set(ADDRESS, MsghdrDescriptor.IOV_OFFSET, iov);
            msghdr.set(JAVA_LONG, MsghdrDescriptor.IOVLEN_OFFSET, 1);
            msghdr.set(ADDRESS, MsghdrDescriptor.CONTROL_OFFSET, control);
            msghdr.set(JAVA_LONG, MsghdrDescriptor.CONTROLLEN_OFFSET, control.byteSize());
            long received = Libc.recvmsg(fd, msghdr, LinuxAbi.MSG_DONTWAIT | LinuxAbi.MSG_NOSIGNAL);
            if (received < 0) {
                int errno = Libc.errno();
                if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
                    return null;
                }
                throw new ErrnoException(errno, "recvmsg(fd " + fd + "): " + Errno.describe(errno)
                        + " (errno " + errno + ")");
            }
            return new Received(received, credentialsIn(msghdr, control));
        }
    }

    private static Credentials credentialsIn(MemorySegment msghdr, MemorySegment control) {
        long controlLength = msghdr.get(JAVA_LONG, MsghdrDescriptor.CONTROLLEN_OFFSET);
        if (controlLength < MsghdrDescriptor.CMSG_DATA_OFFSET + MsghdrDescriptor.UCRED_LENGTH
                || control.get(JAVA_INT, MsghdrDescriptor.CMSG_LEVEL_OFFSET) != LinuxAbi.SOL_SOCKET
                || control.get(JAVA_INT, MsghdrDescriptor.CMSG_TYPE_OFFSET) != LinuxAbi.SCM_CREDENTIALS) {
            return null;
        }
        return readCredentials(control.asSlice(MsghdrDescriptor.CMSG_DATA_OFFSET));
    }

    /** What {@link #receiveWithCredentials} got: the byte count and the credentials, if any came. */
    public record Received(long bytes, Credentials credentials) {
    }

    /**
     * How far apart a virtual thread's looks may grow over a long wait here ({@link LookPace});
     * {@link LookPace#PROMPT} until set.
     */
    public void lookPace(LookPace pace) {
        emptyWaits.pace(pace);
    }

    /**
     * Waits up to {@code timeoutMillis} (-1: no limit, 0: just look) for any of {@code events}.
     * Returns the bits that are set; 0 on timeout or interruption by a signal. A virtual thread
     * waits by looks and parks ({@link VirtualThreadWait}).
     */
    public int poll(short events, int timeoutMillis) {
        if (timeoutMillis != 0 && VirtualThreadWait.needed()) {
            return pollByLooks(events, timeoutMillis < 0 ? Long.MAX_VALUE : TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
        }
        return pollOnce(events, timeoutMillis);
    }

    private int pollByLooks(short events, long timeoutNanos) {
        VirtualThreadWait wait = new VirtualThreadWait(timeoutNanos, emptyWaits);
        int ready = 0;
        try {
            while ((ready = pollOnce(events, 0)) == 0 && wait.pause(fd, events)) {
                // looked in vain, paused: look again
            }
            return ready;
        } finally {
            wait.end(ready != 0);
        }
    }

    private int pollOnce(short events, int timeoutMillis) {
        MemorySegment pollfd = CallScratch.get();
        pollfd.set(JAVA_INT, PollfdDescriptor.FD_OFFSET, fd);
        pollfd.set(JAVA_SHORT, PollfdDescriptor.EVENTS_OFFSET, events);
        pollfd.set(JAVA_SHORT, PollfdDescriptor.REVENTS_OFFSET, (short) 0);
        int ready = Libc.poll(pollfd, 1, timeoutMillis);
        if (ready < 0) {
            int errno = Libc.errno();
            if (errno == Errno.EINTR) {
                return 0;
            }
            throw new ErrnoException(errno, "poll: " + Errno.describe(errno) + " (errno " + errno + ")");
        }
        return ready == 0 ? 0 : pollfd.get(JAVA_SHORT, PollfdDescriptor.REVENTS_OFFSET) & 0xFFFF;
    }

    /**
     * Shuts both directions down; wakes up every thread polling this socket or waiting in
     * {@link #receiveWithin}. Idempotent.
     */
    public void shutdown() {
        if (!closed.get()) {
            Libc.shutdown(fd, LinuxAbi.SHUT_RDWR);
            shutDown = true;
        }
    }

    /** Ends what we send (the peer reads the end of the stream); we can still receive. */
    public void shutdownOutput() {
        if (!closed.get()) {
            Libc.shutdown(fd, LinuxAbi.SHUT_WR);
        }
    }

    /** Closes the descriptor once; callers make sure no other thread still uses it. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            if (!shutDown) {
                Libc.shutdown(fd, LinuxAbi.SHUT_RDWR);
            }
            Libc.close(fd);
        }
    }

    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public String toString() {
        return "UnixSocket[fd " + fd + (closed.get() ? ", closed]" : "]");
    }
}
