package io.jcmap.client;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.ipc.IpcConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The response thread of one pipeline (the "drainer"): reads answers for asynchronous requests
 * while no caller does, and fails those whose time is up. Separate from {@link Pipeline}: it is
 * one thread's loop with state of its own (whether it sleeps, what callers read meanwhile), and
 * it only uses the pipeline's reading as any reader does.
 */
final class ResponseThread {
    /** The pipeline's logger: one category for its machinery. */
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    private static final AtomicInteger DRAINERS = new AtomicInteger();
    /** How late an asynchronous request may be failed for its timeout, at most. */
    private static final long EXPIRY_SCAN_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /**
     * How long the drainer stays out of the way after it saw callers complete responses
     * themselves: a caller issuing requests in a loop reads for the drainer, and a drainer
     * asleep on the response semaphore instead costs corosync a futex wake and us a context
     * switch per batch (measured: decision 0006).
     */
    private static final long CALLER_READ_BACKOFF_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private final Pipeline pipeline;
    private final IpcConnection connection;
    private final Backlog backlog;
    private volatile Thread drainer;
    /** The drainer parks (or is about to) with no asynchronous request in flight. */
    private volatile boolean drainerIdle = true;
    /** Calls in which an asynchronous caller completed responses itself; written under the receive lock. */
    private volatile long callerReads;
    /** {@link #callerReads} when the drainer last looked; its own field. */
    private long callerReadsSeen;
    /** When the drainer next looks for expired asynchronous requests; its own field. */
    private long nextExpiryScan;

    ResponseThread(Pipeline pipeline, IpcConnection connection, Backlog backlog) {
        this.pipeline = pipeline;
        this.connection = connection;
        this.backlog = backlog;
    }

    /** Starts the drainer, or wakes it unless it is reading. */
    void wake() {
        Thread thread = drainer;
        if (thread != null && !drainerIdle) {
            return; // it is reading, and sees the new request's response without a wake-up
        }
        if (thread == null) {
            synchronized (this) {
                thread = drainer;
                if (thread == null) {
                    thread = Thread.ofPlatform().daemon().name("jcmap-responses-" + DRAINERS.incrementAndGet())
                            .unstarted(this::drain);
                    drainer = thread;
                    thread.start();
                }
            }
        }
        LockSupport.unpark(thread);
    }

    /** Wakes the drainer, if there is one, to see that the pipeline broke down. */
    void unpark() {
        Thread thread = drainer;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }

    /** Counts a call in which an asynchronous caller completed responses itself; the receive lock is held. */
    void callerRead() {
        callerReads++; // under the receive lock: no lost update
    }

    private void drain() {
        while (pipeline.brokenReason() == null) {
            // This thread is ours; an interrupt status here was left by a completion action it ran, and
            // kept, it would make every park below return at once: the idle drainer would spin.
            Thread.interrupted();
            if (pipeline.asyncInFlight.get() == 0) {
                callerReadsSeen = callerReads; // a past burst must not delay the next request's answer
                drainerIdle = true;
                // a request issued after the flag was set wakes us; one issued before it is seen here
                if (pipeline.asyncInFlight.get() == 0) {
                    LockSupport.parkNanos(pipeline, Pipeline.READ_SLICE_NANOS);
                }
                drainerIdle = false;
                continue;
            }
            try {
                drainOnce();
            } catch (RuntimeException e) {
                LOG.warn("response drainer stopped by an unexpected failure", e);
                pipeline.breakDown(new CmapException(CsError.LIBRARY, "response reader failed: " + e, e));
            }
            pipeline.handOff();
        }
    }

    /**
     * Whether callers completed responses since the drainer last looked, in which case it
     * sleeps a moment and looks again rather than wait on the channel: while they keep issuing
     * requests they read the answers, and the drainer takes over within about
     * {@link #CALLER_READ_BACKOFF_NANOS} once they stop.
     */
    private boolean callersKeptReading() {
        long reads = callerReads;
        if (reads == callerReadsSeen) {
            return false;
        }
        callerReadsSeen = reads;
        LockSupport.parkNanos(pipeline, CALLER_READ_BACKOFF_NANOS);
        return true;
    }

    /**
     * Waits for a response without holding the receive lock (so that callers may read in the
     * meantime), then reads all that are waiting.
     */
    private void drainOnce() {
        boolean waiting;
        try {
            if (callersKeptReading()) {
                return;
            }
            waiting = connection.awaitResponse(backlog.retryStalled() ? Pipeline.STALL_RETRY_NANOS
                    : Pipeline.READ_SLICE_NANOS);
        } catch (ErrnoException e) {
            pipeline.breakDown(CmapException.ofErrno(e.errno(), "connection lost: " + e.getMessage(), e));
            return;
        }
        pipeline.receiveLock.lock();
        try {
            if (waiting) {
                long wait = connection.looksWithoutSyscall() ? 0 : Pipeline.READ_SLICE_NANOS;
                while (pipeline.asyncInFlight.get() > 0 && pipeline.brokenReason() == null) {
                    // a status an action run by the last read left here is not the next action's: it would
                    // fail that one's synchronous calls and gets with INTERRUPT (decision 0035)
                    Thread.interrupted();
                    if (!pipeline.readOne(wait)) {
                        break;
                    }
                    wait = 0;
                }
            }
            Thread.interrupted();
            expireAsync();
        } finally {
            pipeline.receiveLock.unlock();
        }
    }

    private void expireAsync() {
        if (pipeline.timeoutNanos == 0) {
            return;
        }
        long now = System.nanoTime();
        if (now - nextExpiryScan < 0) {
            return; // scanning the whole window after every response would cost more than the response
        }
        nextExpiryScan = now + EXPIRY_SCAN_NANOS;
        for (PendingRequest pending : pipeline.inFlightSnapshot()) {
            expireIfDue(pending, now);
        }
        if (pipeline.waitsOffTheWire()) {
            // a window full of unanswered requests must not keep the backlog from timing out
            for (PendingRequest pending : pipeline.offTheWireSnapshot()) {
                expireIfDue(pending, now);
            }
        }
    }

    private void expireIfDue(PendingRequest pending, long now) {
        if (pending.future != null && !pending.done && pending.deadline != 0 && now - pending.deadline > 0) {
            pipeline.complete(pending, null, pipeline.timeoutFailure(pending));
        }
    }
}
