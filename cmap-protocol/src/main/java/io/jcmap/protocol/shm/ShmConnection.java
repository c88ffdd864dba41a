package io.jcmap.protocol.shm;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.ipc.ActiveCalls;
import io.jcmap.protocol.ipc.ConnectionResponse;
import io.jcmap.protocol.ipc.FlowControl;
import io.jcmap.protocol.ipc.IpcConnection;
import io.jcmap.protocol.ipc.IpcOptions;
import io.jcmap.protocol.ipc.ReceiveBuffer;
import io.jcmap.protocol.ipc.ResponseSpin;
import io.jcmap.protocol.ipc.SetupSocket;
import io.jcmap.protocol.ipc.WaitSpin;
import io.jcmap.protocol.os.LookPace;
import io.jcmap.protocol.os.CurrentProcess;
import io.jcmap.protocol.os.Errno;
import io.jcmap.protocol.os.SharedMapping;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The shared-memory transport: three rings (request, response, event) whose files the server
 * created, plus the setup socket, which carries one byte per request (so the server's poll
 * loop wakes up) and one byte per event (so the application's poll on {@link #eventFd()} wakes
 * up), and whose hang-up means the server is gone.
 */
public final class ShmConnection implements IpcConnection {
    private static final Logger LOG = LoggerFactory.getLogger(ShmConnection.class);
    /**
     * A request of at least this many bytes has the ring space of a next one warmed after it
     * ({@link #warmAfter}). Here corosync fell asleep between sets of 8 KiB in 12 loops of 13,
     * of 4 KiB in 9 of 17, of 2 KiB in 1 of 7 (2026-12-07); a machine slower to move lines
     * between CPUs gets there sooner, and below 1 KiB there are few lines to move.
     */
    private static final int WARM_AHEAD_MIN_BYTES = 1024;
    /** Both the server and we hold a reference while connected. */
    private static final int CONNECTED_REFERENCES = 2;
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** After a hang-up, how often and how far apart we look whether the server process is gone. */
    private static final int GONE_LOOKS = 4;
    private static final long GONE_LOOK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final SetupSocket setup;
    private final IpcOptions options;
    private final MappedRing request;
    private final MappedRing response;
    private final MappedRing event;
    private final ActiveCalls calls = new ActiveCalls();
    private final ReceiveBuffer responseBuffer = new ReceiveBuffer();
    private final ResponseSpin responseSpin = new ResponseSpin();
    private final ReceiveBuffer eventBuffer = new ReceiveBuffer();
    /** Event notification bytes owed: an event was read before its byte arrived. */
    private final AtomicInteger owedEventBytes = new AtomicInteger();
    private volatile boolean hungUp;

    private ShmConnection(SetupSocket setup, IpcOptions options, MappedRing request, MappedRing response,
                          MappedRing event) {
        this.setup = setup;
        this.options = options;
        this.request = request;
        this.response = response;
        this.event = event;
        // answers are late only when corosync stalls; notifications come after quiet times
        response.ring().semaphore().lookPace(LookPace.PATIENT);
        // each notification is followed by a byte on the setup socket (decision 0024)
        event.ring().semaphore().doorbell(setup.socket(), this::settleEventBytes);
    }

    /** Opens the rings the server named in its handshake answer. */
    public static ShmConnection open(SetupSocket setup, IpcOptions options) {
        ConnectionResponse info = setup.response();
        MappedRing request = null;
        MappedRing response = null;
        try {
            request = MappedRing.open(options.shmDirectory(), info.requestName(), info.maxMessageSize(),
                    RingHeaderDescriptor.FLOW_CONTROL_LENGTH);
            response = MappedRing.open(options.shmDirectory(), info.responseName(), info.maxMessageSize(), 0);
            // corosync writes an event over the negotiated size when the ring has room: read it
            MappedRing event = MappedRing.open(options.shmDirectory(), info.eventName(), info.maxMessageSize(), 0,
                    true);
            return new ShmConnection(setup, options, request, response, event);
        } catch (RuntimeException | InternalError e) {
            if (response != null) {
                response.close();
            }
            if (request != null) {
                request.close();
            }
            if (e instanceof InternalError fault) {
                // a ring file shrank between its size check and our first read of it
                throw shrunkAtOpen(fault);
            }
            throw e;
        }
    }

    @Override
    public ConnectionResponse info() {
        return setup.response();
    }

    @Override
    public boolean send(MemorySegment message, int length) {
        return send(message, length, true);
    }

    @Override
    public boolean sendWithoutNotifying(MemorySegment message, int length) {
        return send(message, length, false);
    }

    @Override
    public int notifyServer() {
        calls.enter();
        try {
            flushOwedNotifications();
            return 0;
        } finally {
            calls.exit();
        }
    }

    private boolean send(MemorySegment message, int length, boolean notify) {
        calls.enter();
        try {
            calls.checkRequestsOpen();
            Ring ring = request.ring();
            if (ring.referenceCount() != CONNECTED_REFERENCES) {
                hungUp = true;
                throw new ErrnoException(Errno.ENOTCONN, "server released the request ring");
            }
            if (ring.flowControl() == FlowControl.STOP) {
                throw FlowControl.raised();
            }
            if (!ring.write(message, length)) {
                return false;
            }
            if (notify) {
                setup.notifyRequest();
                warmAfter(ring, length);
            } else {
                setup.oweNotification();
            }
            return true;
        } catch (InternalError fault) {
            throw shrunk(fault);
        } finally {
            calls.exit();
        }
    }

    /**
     * Gets the ring space of a next request as long as this one ready while the server reads
     * this one ({@link Ring#warmNextPayload}): a caller that sent a long value is likely to send
     * another. Shorter requests write too few lines to gain from it. The request is out: a ring
     * file that shrank is left to the next call to report.
     */
    private static void warmAfter(Ring ring, int length) {
        if (length < WARM_AHEAD_MIN_BYTES) {
            return;
        }
        try {
            ring.warmNextPayload(length);
        } catch (InternalError shrunk) {
            LOG.debug("request ring shrank while warmed after a request of {} bytes", length, shrunk);
        }
    }

    /**
     * The response ring's bytes, less the word that always stays empty and the margin's word of
     * rounding: the server writes a response when the free space is its length plus the margin
     * (its chunk header and that word), so chunks whose {@link #responseFootprint}s add up to this
     * all fit with none read.
     */
    @Override
    public long responseCapacity() {
        long roundingWord = ChunkDescriptor.MARGIN_BYTES
                - (long) ChunkDescriptor.HEADER_WORDS * ChunkDescriptor.WORD_BYTES;
        return (long) response.ring().wordSize() * ChunkDescriptor.WORD_BYTES - ChunkDescriptor.WORD_BYTES
                - roundingWord;
    }

    /** Its chunk: header and payload words. */
    @Override
    public long responseFootprint(long length) {
        return (ChunkDescriptor.HEADER_WORDS + ChunkDescriptor.payloadWords(length)) * ChunkDescriptor.WORD_BYTES;
    }

    @Override
    public int receiveResponse(long timeoutNanos) {
        return receive(response.ring(), responseBuffer, timeoutNanos, false);
    }

    @Override
    public void endRequests() {
        if (calls.endRequests()) {
            response.ring().semaphore().post(); // wakes a thread waiting for a response: it finds them ended
        }
    }

    @Override
    public boolean awaitResponse(long timeoutNanos) {
        calls.enter();
        try {
            Ring ring = response.ring();
            // the response thread sleeps at once: pipelined requests need the CPU for corosync
            if (!await(ring, timeoutNanos, 0)) {
                return false;
            }
            // give the count back: whoever reads next takes it with the chunk
            ring.semaphore().post();
            return true;
        } catch (InternalError fault) {
            throw shrunk(fault);
        } finally {
            calls.exit();
        }
    }

    @Override
    public boolean takesRequestsInRuns() {
        return true;
    }

    @Override
    public boolean looksWithoutSyscall() {
        return true;
    }

    @Override
    public MemorySegment response() {
        return responseBuffer.segment();
    }

    @Override
    public int receiveEvent(long timeoutNanos) {
        return receive(event.ring(), eventBuffer, timeoutNanos, true);
    }

    @Override
    public MemorySegment event() {
        return eventBuffer.segment();
    }

    private int receive(Ring ring, ReceiveBuffer buffer, long timeoutNanos, boolean isEvent) {
        calls.enter();
        try {
            if (isEvent) {
                settleEventBytes();
            }
            // only a wait for a response teaches the spin (decision 0028): no clock read otherwise
            boolean learns = !isEvent && timeoutNanos > 0;
            long started = learns ? System.nanoTime() : 0;
            long spin = isEvent ? WaitSpin.within(timeoutNanos) : responseSpin.within(timeoutNanos);
            if (!await(ring, timeoutNanos, spin)) {
                if (isEvent && timeoutNanos <= 0) {
                    // a look for events is how dispatch(ALL) learns that the server is gone: the
                    // application polls our event descriptor, which its hang-up makes readable for good
                    checkOpen();
                }
                return -1;
            }
            if (learns) {
                responseSpin.answered(System.nanoTime() - started);
            }
            int length = ring.read(buffer.ensure(ring.committedLength()));
            if (isEvent) {
                owedEventBytes.incrementAndGet();
                settleEventBytes();
            }
            return length;
        } catch (InternalError fault) {
            throw shrunk(fault);
        } finally {
            calls.exit();
        }
    }

    /**
     * Takes the ring's semaphore, after watching the ring for {@code spinNanos}, waiting in
     * slices so that a vanished server or a close is noticed within one liveness interval.
     */
    private boolean await(Ring ring, long timeoutNanos, long spinNanos) {
        if (ring.semaphore().tryAcquire() || spin(ring, spinNanos)) {
            checkAwake(ring); // the count may be a wake-up of close() or endRequests(), with no chunk behind it
            return true;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        long slice = options.livenessInterval().toNanos();
        while (true) {
            checkAwake(ring);
            flushOwedNotifications();
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            if (ring.semaphore().acquire(Math.min(slice, remaining))) {
                checkAwake(ring);
                return true;
            }
            // a whole slice without an answer: is the server still there?
            checkOpen();
        }
    }

    /**
     * Throws ENOTCONN once closed, and for the response ring once requests ended: {@link #await}
     * calls it before it reads, so no response is read after {@link #endRequests}.
     */
    private void checkAwake(Ring ring) {
        if (calls.isClosed()) {
            throw closed();
        }
        if (ring == response.ring()) {
            calls.checkRequestsOpen();
        }
    }

    /**
     * Watches the ring for a committed chunk for a few microseconds before sleeping on the
     * semaphore: an answer that is that close costs no futex sleep and wake-up.
     */
    private static boolean spin(Ring ring, long spinNanos) {
        if (spinNanos <= 0) {
            return false;
        }
        long end = System.nanoTime() + spinNanos;
        do {
            // the server commits the chunk, then posts: the count follows within nanoseconds
            if (ring.hasCommittedChunk() && ring.semaphore().tryAcquire()) {
                return true;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() - end < 0);
        return false;
    }

    private void checkOpen() {
        if (calls.isClosed()) {
            throw closed();
        }
        if (hungUp || setup.isHungUp()) {
            hungUp = true;
            throw new ErrnoException(Errno.ENOTCONN, "server closed the connection (pid "
                    + info().server().pid() + ")");
        }
    }

    /** A server that stopped reading for a while may have left request notifications owed. */
    private void flushOwedNotifications() {
        try {
            setup.flushNotifications();
        } catch (ErrnoException gone) {
            hungUp = true;
            checkOpen();
        }
    }

    /** Reads the notification bytes of events already taken from the ring. */
    private void settleEventBytes() {
        int owed = owedEventBytes.get();
        while (owed > 0) {
            long read = setup.socket().discard(owed);
            if (read <= 0) {
                return;
            }
            owed = owedEventBytes.addAndGet((int) -read);
        }
    }

    /**
     * The JVM turns a SIGBUS in a Java access of mapped memory into an InternalError: the server
     * shrank a ring file under our mapping. The connection is unusable from then on.
     */
    private ErrnoException shrunk(InternalError fault) {
        hungUp = true;
        return new ErrnoException(Errno.EBADMSG, "shared-memory ring became inaccessible (a ring file shrank)", fault);
    }

    private static ErrnoException shrunkAtOpen(InternalError fault) {
        return new ErrnoException(Errno.EBADMSG, "a shared-memory ring file shrank while it was opened", fault);
    }

    private static ErrnoException closed() {
        return new ErrnoException(Errno.ENOTCONN, "connection closed");
    }

    @Override
    public int eventFd() {
        return setup.socket().fd();
    }

    @Override
    public boolean isConnected() {
        if (calls.isClosed() || hungUp) {
            return false;
        }
        hungUp = hangUpSeen();
        return !hungUp;
    }

    @Override
    public void close() {
        if (!calls.markClosed()) {
            return;
        }
        // looked at before our own shutdown, which reads as a hang-up too
        boolean serverLeft = hungUp || hangUpSeen();
        setup.shutdown();
        // wake up threads waiting on our rings; the server no longer reads these counts
        response.ring().semaphore().post();
        event.ring().semaphore().post();
        if (!calls.awaitIdle(CLOSE_WAIT_NANOS)) {
            LOG.warn("threads still inside the connection after {} ms; its memory stays mapped",
                    TimeUnit.NANOSECONDS.toMillis(CLOSE_WAIT_NANOS));
            setup.close();
            return;
        }
        // Nobody is inside and nobody can enter: unmapping cannot pull memory from under a reader.
        // Unmapped here, not in the background: six large mappings going on another thread
        // slowed the next connect's mapping more than they saved this close (decision 0007).
        event.close();
        response.close();
        request.close();
        setup.close();
        if (serverLeft && serverGone()) {
            // nobody else will: the files (3 MiB of shared memory) would stay until the next boot
            event.removeNames();
            response.removeNames();
            request.removeNames();
        }
    }

    /** Whether the setup socket says the server hung up; a socket that fails to say counts as one. */
    private boolean hangUpSeen() {
        try {
            return setup.isHungUp();
        } catch (ErrnoException e) {
            return true;
        }
    }

    /**
     * Whether the server process has exited, after it hung up: libqb's client then removes the
     * server's ring files, and gives a dying server up to 40 ms to disappear first. Only a pid
     * the kernel gave us (SO_PEERCRED) counts; 0 (a server in another pid namespace) never does.
     */
    private boolean serverGone() {
        int pid = info().server().pid();
        if (pid <= 0) {
            return false;
        }
        for (int look = 1; CurrentProcess.isAlive(pid); look++) {
            if (look == GONE_LOOKS) {
                return false;
            }
            LockSupport.parkNanos(GONE_LOOK_INTERVAL_NANOS);
        }
        return true;
    }

    /** A ring with the two mappings behind it. */
    record MappedRing(SharedMapping header, SharedMapping data, Ring ring) {

        static MappedRing open(Path root, String name, int maxMessageSize, int userDataLength) {
            return open(root, name, maxMessageSize, userDataLength, false);
        }

        static MappedRing open(Path root, String name, int maxMessageSize, int userDataLength,
                               boolean readsWhatFits) {
            SharedMapping header = SharedMapping.open(root, name + "-header", RingHeaderDescriptor.length(userDataLength));
            try {
                return over(root, name, header, maxMessageSize, readsWhatFits);
            } catch (RuntimeException | InternalError e) {
                header.close();
                throw e;
            }
        }

        private static MappedRing over(Path root, String name, SharedMapping header, int maxMessageSize,
                                       boolean readsWhatFits) {
            long words = Integer.toUnsignedLong(header.segment().get(ValueLayout.JAVA_INT,
                    RingHeaderDescriptor.WORD_SIZE_OFFSET));
            long minimum = ChunkDescriptor.payloadWords(maxMessageSize) + ChunkDescriptor.HEADER_WORDS + 1;
            if (words < minimum || words > Ring.wordSizeFor(maxMessageSize, 1L << 16) * 2) {
                throw new ErrnoException(Errno.EBADMSG, "ring " + name + " claims " + words
                        + " words for messages of " + maxMessageSize + " bytes");
            }
            SharedMapping data = SharedMapping.open(root, name + "-data", words * ChunkDescriptor.WORD_BYTES);
            try {
                Ring ring = new Ring(header.segment(), data.segment(), maxMessageSize, readsWhatFits);
                ring.attach();
                return new MappedRing(header, data, ring);
            } catch (RuntimeException | InternalError e) {
                data.close();
                throw e;
            }
        }

        /** Removes both files' names where they still lead to the files we mapped. */
        void removeNames() {
            data.removeName();
            header.removeName();
        }

        /** Gives our reference back to the server and unmaps both files. */
        void close() {
            try {
                ring.detach();
            } catch (InternalError shrunk) {
                // the server truncated the header under us: there is no count left to give back
            } finally {
                data.close();
                header.close();
            }
        }
    }

    @Override
    public String toString() {
        return "ShmConnection[" + info().requestName() + "]";
    }
}
