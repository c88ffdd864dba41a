package io.jcmap.protocol.os;

import io.jcmap.protocol.ErrnoException;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A process-shared POSIX semaphore that lives inside shared memory (libqb keeps one in every
 * ring header). It is driven through glibc's own {@code sem_*} functions on the mapped
 * address, so its representation is whatever the server's glibc uses.
 */
public final class SharedSemaphore {
    /** sizeof(sem_t) on LP64 glibc. */
    public static final int SIZE = 32;

    private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

    private final MemorySegment sem;
    private final EmptyWaits emptyWaits = new EmptyWaits();
    private volatile UnixSocket doorbell;
    private volatile Runnable beforeDoorbell = () -> { };

    /** Wraps the semaphore at the start of {@code memory}. */
    public SharedSemaphore(MemorySegment memory) {
        this.sem = memory.asSlice(0, SIZE);
    }

    /** Initializes a new process-shared semaphore with the value 0 (for tests and fakes). */
    public static SharedSemaphore initialize(MemorySegment memory) {
        SharedSemaphore semaphore = new SharedSemaphore(memory);
        if (Libc.semInit(semaphore.sem, 1, 0) != 0) {
            throw UnixSocket.failure("sem_init");
        }
        return semaphore;
    }

    /**
     * How far apart a virtual thread's looks may grow over a long wait here ({@link LookPace});
     * {@link LookPace#PROMPT} until set.
     */
    public void lookPace(LookPace pace) {
        emptyWaits.pace(pace);
    }

    /**
     * A socket that turns readable whenever a post may have come (libqb's SHM server sends a
     * byte on the setup socket after each notification it posts), and what must be read from it
     * before each wait (the bytes of what was taken already). A virtual thread whose wait is
     * long then waits for the socket instead of looking ({@link VirtualThreadWait}).
     */
    public void doorbell(UnixSocket socket, Runnable drain) {
        this.beforeDoorbell = drain;
        this.doorbell = socket;
    }

    /** Adds one and wakes a waiter. */
    public void post() {
        if (Libc.semPost(sem) != 0) {
            throw UnixSocket.failure("sem_post");
        }
    }

    /** Takes one if the value is positive; never blocks. */
    public boolean tryAcquire() {
        // glibc fails sem_trywait of a valid semaphore only for a count of zero (EAGAIN), so the
        // call goes without errno bookkeeping, which the usual "none there" would pay each time
        return Libc.semTryWaitNoErrno(sem) == 0;
    }

    /**
     * Takes one, waiting at most {@code timeoutNanos} on the monotonic clock: inside
     * {@code sem_clockwait}, or on a virtual thread by looks and parks ({@link VirtualThreadWait}).
     *
     * @return false when the time ran out
     */
    public boolean acquire(long timeoutNanos) {
        if (timeoutNanos <= 0) {
            return tryAcquire();
        }
        if (VirtualThreadWait.needed()) {
            return acquireByLooks(timeoutNanos);
        }
        MemorySegment deadline = CallScratch.get();
        if (Libc.clockGettime(LinuxAbi.CLOCK_MONOTONIC, deadline) != 0) {
            throw UnixSocket.failure("clock_gettime");
        }
        // seconds and nanoseconds added apart, so that no timeout (up to Long.MAX_VALUE) overflows
        long seconds = deadline.get(JAVA_LONG, TimespecDescriptor.SECONDS_OFFSET) + timeoutNanos / NANOS_PER_SECOND;
        long nanos = deadline.get(JAVA_LONG, TimespecDescriptor.NANOS_OFFSET) + timeoutNanos % NANOS_PER_SECOND;
        if (nanos >= NANOS_PER_SECOND) {
            seconds++;
            nanos -= NANOS_PER_SECOND;
        }
        deadline.set(JAVA_LONG, TimespecDescriptor.SECONDS_OFFSET, seconds);
        deadline.set(JAVA_LONG, TimespecDescriptor.NANOS_OFFSET, nanos);
        while (true) {
            if (Libc.semClockWait(sem, LinuxAbi.CLOCK_MONOTONIC, deadline) == 0) {
                return true;
            }
            int errno = Libc.errno();
            if (errno == Errno.ETIMEDOUT) {
                return false;
            }
            if (errno != Errno.EINTR) {
                throw new ErrnoException(errno, "sem_clockwait: " + Errno.describe(errno) + " (errno " + errno + ")");
            }
        }
    }

    private boolean acquireByLooks(long timeoutNanos) {
        VirtualThreadWait wait = new VirtualThreadWait(timeoutNanos, emptyWaits);
        boolean taken = false;
        try {
            UnixSocket bell = doorbell;
            while (!(taken = tryAcquire()) && pauseFor(wait, bell)) {
                // looked in vain, paused: look again
            }
            return taken;
        } finally {
            wait.end(taken);
        }
    }

    private boolean pauseFor(VirtualThreadWait wait, UnixSocket bell) {
        if (bell == null) {
            return wait.pause();
        }
        beforeDoorbell.run();
        return wait.pause(bell.fd(), UnixSocket.READABLE);
    }

    /** The current value: how many posts have not been taken yet. */
    public int value() {
        MemorySegment scratch = CallScratch.get();
        if (Libc.semGetValue(sem, scratch) != 0) {
            throw UnixSocket.failure("sem_getvalue");
        }
        return scratch.get(JAVA_INT, 0);
    }
}
