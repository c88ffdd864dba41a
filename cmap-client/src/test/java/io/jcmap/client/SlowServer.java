package io.jcmap.client;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.ipc.FlowControl;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/** A scripted server that answers only as many requests as the test allows ({@link #allowed}). */
class SlowServer extends ScriptedConnection {
    final AtomicInteger sent = new AtomicInteger();
    final AtomicInteger answered = new AtomicInteger();
    final AtomicInteger allowed = new AtomicInteger();
    final AtomicInteger maxUnanswered = new AtomicInteger();
    private final boolean connectsOnFirstResponse;
    /** What the last {@link #leave} was told. */
    volatile long leaveGraceNanos;
    volatile boolean leftExpectingEvents;

    private final boolean takesRequestsInRuns;

    /** A server with nothing to connect, taking one request per wake-up. */
    SlowServer() {
        this(false);
    }

    /** @param connectsOnFirstResponse whether it behaves as libqb's socket server */
    SlowServer(boolean connectsOnFirstResponse) {
        this(connectsOnFirstResponse, false);
    }

    /**
     * @param connectsOnFirstResponse whether it behaves as libqb's socket server
     * @param takesRequestsInRuns whether it takes many requests per wake-up, as libqb's SHM server
     */
    SlowServer(boolean connectsOnFirstResponse, boolean takesRequestsInRuns) {
        this.connectsOnFirstResponse = connectsOnFirstResponse;
        this.takesRequestsInRuns = takesRequestsInRuns;
    }

    @Override
    public boolean takesRequestsInRuns() {
        return takesRequestsInRuns;
    }

    /** Whether an asynchronous caller may look for answers after its send, as over SHM. */
    volatile boolean looksWithoutSyscall;

    @Override
    public boolean looksWithoutSyscall() {
        return looksWithoutSyscall;
    }

    /** Requests sent whose server has not yet been woken for them. */
    final AtomicInteger unnotified = new AtomicInteger();
    /** Calls of {@link #notifyServer}. */
    final AtomicInteger notifications = new AtomicInteger();
    /** The most requests ever waiting for a wake-up. */
    final AtomicInteger maxUnnotified = new AtomicInteger();

    /** Once set, the server is gone: the next send closes the connection and throws this. */
    volatile ErrnoException vanishOnSend;

    @Override
    public boolean send(MemorySegment message, int length) {
        ErrnoException vanished = vanishOnSend;
        if (vanished != null) {
            close();
            throw vanished;
        }
        sendWithoutNotifying(message, length);
        unnotified.set(0); // the wake-up of a plain send counts for those before it too
        wakeUps.incrementAndGet();
        return true;
    }

    /** Each request's first byte and its length, in the order sent. */
    final List<Byte> firstBytes = new CopyOnWriteArrayList<>();
    final List<Integer> lengths = new CopyOnWriteArrayList<>();

    /** How many of the next sends find flow control raised (libqb's -EAGAIN). */
    final AtomicInteger refuseNext = new AtomicInteger();

    @Override
    public boolean sendWithoutNotifying(MemorySegment message, int length) {
        if (refuseNext.get() > 0 && refuseNext.getAndDecrement() > 0) {
            throw FlowControl.raised();
        }
        firstBytes.add(message.get(ValueLayout.JAVA_BYTE, 0));
        lengths.add(length);
        int unanswered = sent.incrementAndGet() - answered.get();
        maxUnanswered.accumulateAndGet(unanswered, Math::max);
        maxUnnotified.accumulateAndGet(unnotified.incrementAndGet(), Math::max);
        return true;
    }

    /**
     * Times the server was woken: each plain send, and each {@link #notifyServer}. Counted after
     * all else a send or run records, so a test waits for it and then reads the rest.
     */
    final AtomicInteger wakeUps = new AtomicInteger();

    /**
     * How many of the last requests of the next run {@link #notifyServer} hands back unsent, as
     * the socket transport does when its send buffer fills up on the way.
     */
    final AtomicInteger handBack = new AtomicInteger();

    @Override
    public int notifyServer() {
        int back = Math.min(handBack.getAndSet(0), unnotified.get());
        for (int i = 0; i < back; i++) {
            firstBytes.removeLast();
            lengths.removeLast();
            sent.decrementAndGet();
        }
        unnotified.set(0);
        // counted last: a test that sees the wake-up sees the whole run it ends
        wakeUps.incrementAndGet();
        notifications.incrementAndGet();
        return back;
    }

    /**
     * Whether {@link #awaitResponse} never tells of an answer: the drainer, waiting there, reads
     * none, and only a thread that reads for its own request does.
     */
    volatile boolean tellsTheDrainerNothing;

    @Override
    public boolean awaitResponse(long timeoutNanos) {
        if (!tellsTheDrainerNothing) {
            return true; // the default: "maybe", at once
        }
        LockSupport.parkNanos(timeoutNanos);
        checkOpen();
        return false;
    }

    @Override
    public int receiveResponse(long timeoutNanos) {
        return awaitAnswer(timeoutNanos, () -> {
            int done = answered.get();
            return done < sent.get() && done < allowed.get() && answered.compareAndSet(done, done + 1);
        });
    }

    /** Bytes of responses it can queue; a response's footprint is its length. */
    volatile long responseCapacity = Long.MAX_VALUE;

    @Override
    public long responseCapacity() {
        return responseCapacity;
    }

    @Override
    public boolean serverConnectsOnFirstResponse() {
        return connectsOnFirstResponse;
    }

    @Override
    public void leave(long graceNanos, boolean eventsExpected) {
        leaveGraceNanos = graceNanos;
        leftExpectingEvents = eventsExpected;
        close();
    }
}
