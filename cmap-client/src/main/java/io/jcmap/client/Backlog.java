package io.jcmap.client;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.ipc.IpcConnection;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A pipeline's requests encoded but not yet on the wire, in issue order: those beyond the
 * window or the server's room for answers (decision 0019), those a full channel refused
 * (decision 0011), and asynchronous ones gathered while the server is fed (decision 0027). It
 * sends them in runs, with one notification for each run (decision 0018). Separate from
 * {@link Pipeline}: what waits and how it goes out is one concern with its own state (the
 * copies of the requests' bytes); the pipeline decides what joins it, and owns the window and
 * the send lock it works under.
 */
final class Backlog {
    /** The size of each buffer that requests waiting in the backlog are copied into. */
    private static final long KEPT_BUFFER = 64 * 1024;

    private final Pipeline pipeline;
    private final IpcConnection connection;
    private final InFlightRequests inFlight;
    private final Breakdown breakdown;
    /** Encoded requests waiting for a place in the window, in issue order; guarded by the send lock. */
    private final ArrayDeque<Backlogged> requests = new ArrayDeque<>();
    /** How many wait, as last published ({@link #recount}); read without the lock. */
    private volatile int size;
    /**
     * The backlogged requests sent without notifying in this run, until the notification; the
     * send lock is held. The connection may hand the last of them back (a full channel).
     */
    private final ArrayDeque<Backlogged> unannounced = new ArrayDeque<>();
    /**
     * Where backlogged requests are copied, from {@link #keptUsed} on; started again once the
     * backlog is empty. Guarded by the send lock.
     */
    private MemorySegment kept = MemorySegment.NULL;
    private long keptUsed;

    Backlog(Pipeline pipeline, IpcConnection connection, InFlightRequests inFlight, Breakdown breakdown) {
        this.pipeline = pipeline;
        this.connection = connection;
        this.inFlight = inFlight;
        this.breakdown = breakdown;
    }

    /** How many requests wait; read without the send lock. */
    int size() {
        return size;
    }

    /** Adds a request, uncounted until {@link #recount}; the send lock is held. */
    void append(PendingRequest pending, MemorySegment bytes, int length) {
        requests.addLast(new Backlogged(pending, bytes, length, null));
    }

    /** Adds requests in order (those a hold kept back), uncounted until {@link #recount}; the send lock is held. */
    void appendAll(Collection<Backlogged> released) {
        requests.addAll(released);
    }

    /** Publishes how many requests wait, which it returns; the send lock is held. */
    int recount() {
        size = requests.size();
        return size;
    }

    /**
     * Sends backlogged requests while the window has room; the send lock is held. A synchronous
     * request the connection refuses is failed at once, here: it runs no action. Heard after the
     * lock, its caller could time out in between and take TIMEOUT for a finalize that nothing sends
     * again; and the action of an earlier asynchronous request refused in the same run could wait
     * for it for ever (for the hold of an iteration whose ITER_INIT it is, decision 0020). One that
     * {@link PendingRequest#waitsOutFlowControl waits out} flow control stays at the head.
     *
     * @param evenIfFed send them even while the server has {@link Pipeline#FED_LEVEL} of ours to work
     *     through (a synchronous caller, a full run, a batch, a close); otherwise they gather
     * @return the asynchronous requests the connection refused, to be failed once the lock is
     *     released (their callbacks may issue requests of their own), or null
     */
    List<Backlogged> sendLocked(boolean evenIfFed) {
        if (!evenIfFed && inFlight.wellFed()) {
            return null; // the response that takes the wire below the level sends it all
        }
        List<Backlogged> refused = null;
        try {
            while (!requests.isEmpty() && breakdown.reason() == null) {
                Backlogged next = requests.peekFirst();
                if (next.pending().done && !next.pending().sentAnyway) {
                    next.pending().retired = true; // its caller gave up waiting
                } else if (!inFlight.hasRoom(next.pending(), false)) {
                    break; // the next response read makes room
                } else {
                    try {
                        if (!pipeline.sendNow(next.pending(), next.bytes(), next.length(), false)) {
                            break; // the channel is full: the next response read, or a stall retry, sends it
                        }
                        unannounced.addLast(next);
                    } catch (CmapException e) {
                        if (pipeline.lostOnSend != null) {
                            break; // the breakdown fails it with the backlog, in order, once the send lock is released
                        }
                        PendingRequest pending = next.pending();
                        boolean flowControl = e.error() == CsError.TRY_AGAIN;
                        if (flowControl && pending.waitsOutFlowControl()) {
                            break; // nobody else would send it (PendingRequest#waitsOutFlowControl)
                        }
                        if (pending.future != null) {
                            refused = refuse(refused, pending, e);
                        } else if (!pipeline.complete(pending, null, e) && flowControl && pending.waitsOutFlowControl()) {
                            break; // its caller gave up just now: it waits out flow control after all
                        }
                    }
                }
                requests.pollFirst();
            }
        } finally {
            if (!unannounced.isEmpty()) {
                refused = notifyServer(refused); // even after an unexpected failure: none stays unannounced
            }
            size = requests.size();
            if (requests.isEmpty()) {
                keptUsed = 0; // no request refers to the kept bytes any more
            }
        }
        return refused;
    }

    /**
     * Delivers the requests just sent without notifying, with one wake-up (or, on the socket
     * transport, one system call); the send lock is held. Those the channel had no room for go
     * back to the head of the backlog, as a request refused by a full channel does. Should the
     * server be gone, the failure breaks the pipeline down once the lock is released (in
     * {@link #failRefused}), which fails those requests with it.
     */
    private List<Backlogged> notifyServer(List<Backlogged> refused) {
        try {
            int unsent = connection.notifyServer();
            for (int i = 0; i < unsent; i++) {
                Backlogged request = unannounced.pollLast();
                pipeline.withdraw(request.pending());
                requests.addFirst(request);
            }
            return refused;
        } catch (ErrnoException e) {
            return refuse(refused, null, CmapException.ofErrno(e.errno(), "connection lost: " + e.getMessage(), e));
        } finally {
            unannounced.clear();
        }
    }

    private static List<Backlogged> refuse(List<Backlogged> refused, PendingRequest pending, CmapException failure) {
        List<Backlogged> list = refused == null ? new ArrayList<>() : refused;
        list.add(new Backlogged(pending, null, 0, failure));
        return list;
    }

    /**
     * Their owners wait elsewhere: they learn of the failure through their requests. An entry
     * without a request is a lost connection, which breaks the pipeline down.
     */
    void failRefused(List<Backlogged> refused) {
        if (refused != null) {
            for (Backlogged request : refused) {
                if (request.pending() == null) {
                    pipeline.breakDown(request.failure());
                } else {
                    pipeline.complete(request.pending(), null, request.failure());
                }
            }
        }
    }

    /** After a response freed a place: send what waits for it. */
    void send() {
        send(false);
    }

    /** Sends what waits in the backlog, as far as the window lets it ({@link #sendLocked}). */
    void send(boolean evenIfFed) {
        if (size == 0 || (!evenIfFed && inFlight.wellFed())) {
            return;
        }
        List<Backlogged> refused;
        pipeline.sendLock.lock();
        try {
            refused = sendLocked(evenIfFed);
        } finally {
            pipeline.unlockSend();
        }
        failRefused(refused);
    }

    /**
     * Sends the backlog if the channel refused its head while nothing was in flight: no
     * response will come to do it. Costs a lock only when both are so.
     *
     * @return whether it is still stuck, so that the caller should look again soon
     */
    boolean retryStalled() {
        if (size == 0 || inFlight.count() > 0) {
            return false;
        }
        send();
        return size > 0 && inFlight.count() == 0;
    }

    /** A copy of {@code sendBuffer}'s first {@code length} bytes for the backlog; the send lock is held. */
    MemorySegment keep(MemorySegment sendBuffer, int length) {
        if (kept.byteSize() - keptUsed < length) {
            // the old buffer lives on in the slices the backlog holds
            kept = Arena.ofAuto().allocate(Math.max(KEPT_BUFFER, length), Pipeline.REQUEST_ALIGNMENT);
            keptUsed = 0;
        }
        MemorySegment copy = kept.asSlice(keptUsed, length);
        copy.copyFrom(sendBuffer.asSlice(0, length));
        keptUsed = Pipeline.aligned(keptUsed + length);
        return copy;
    }

    /** Fails every backlogged request with {@code reason}. */
    void failAll(CmapException reason) {
        PendingRequest[] failed;
        pipeline.sendLock.lock();
        try {
            failed = takeAll().toArray(new PendingRequest[0]);
        } finally {
            pipeline.sendLock.unlock();
        }
        // completed outside the lock: callbacks may issue requests of their own
        breakdown.failingOnThisThread(failed, () -> {
            for (PendingRequest pending : failed) {
                pipeline.complete(pending, null, Pipeline.brokenFor(reason, pending));
                pending.retired = true;
            }
        });
    }

    /** Empties the backlog, whose requests it returns in order; the send lock is held. */
    List<PendingRequest> takeAll() {
        List<PendingRequest> taken = Backlogged.requestsOf(requests);
        requests.clear();
        size = 0;
        keptUsed = 0; // no request refers to the kept bytes any more
        return taken;
    }

    /** The requests waiting, in order; the send lock is held. */
    List<PendingRequest> requests() {
        return Backlogged.requestsOf(requests);
    }
}
