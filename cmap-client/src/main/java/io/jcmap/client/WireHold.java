package io.jcmap.client;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The hold on a pipeline's wire that a thread takes while it starts an iteration
 * ({@link Pipeline#callHeld}): ITER_INIT, its answer, the first burst of ITER_NEXT. Meanwhile
 * other threads' requests, and every asynchronous one, wait here in order and follow once the
 * hold ends: corosync reads the prefix from the ITER_INIT it received only at the first
 * ITER_NEXT (decision 0020). Separate from {@link Pipeline}: who holds, how deep, what waits for
 * the hold and when the holder must give it up are one set of rules with state of their own;
 * the pipeline asks it, under its send lock, whether a request may go.
 */
final class WireHold {
    private final Pipeline pipeline;
    private final Backlog backlog;
    private final ResponseThread responses;
    /** The thread holding the wire ({@link Pipeline#callHeld}), or null; guarded by the send lock. */
    private Thread holder;
    /** How deep {@link #holder}'s holds are nested (completion actions it runs may hold too). */
    private int holdDepth;
    /**
     * Requests made during a hold, in order: other threads', and the holder's asynchronous ones;
     * guarded by the send lock.
     */
    private final ArrayDeque<Backlogged> heldBack = new ArrayDeque<>();
    /**
     * How many of {@link #heldBack} the holder made itself (asynchronous requests of completion
     * actions it runs); written by the holder only, under the send lock, so exact for it to read.
     */
    private int holderHeldBack;
    private volatile int heldBackSize;
    private final ConcurrentLinkedQueue<Thread> holdWaiters = new ConcurrentLinkedQueue<>();

    WireHold(Pipeline pipeline, Backlog backlog, ResponseThread responses) {
        this.pipeline = pipeline;
        this.backlog = backlog;
        this.responses = responses;
    }

    /**
     * Makes this thread the holder, waiting while another thread holds. A thread that waits
     * while holding the receive lock (a completion action it runs) reads meanwhile: the holder
     * may be waiting for an answer only it can read.
     */
    void acquire(String operation) {
        giveUpBehindOwnRequests(); // an iteration inside an action sees what the action did before
        Thread me = Thread.currentThread();
        long since = System.nanoTime();
        while (true) {
            pipeline.sendLock.lock();
            try {
                CmapException reason = pipeline.brokenReason();
                if (reason != null) {
                    throw new CmapException(reason.error(), reason.errno(), operation + ": " + reason.context(),
                            reason);
                }
                if (holder == null || holder == me) {
                    holder = me;
                    holdDepth++;
                    return;
                }
                holdWaiters.add(me);
            } finally {
                pipeline.sendLock.unlock();
            }
            try {
                if (me.isInterrupted()) {
                    throw new CmapException(CsError.INTERRUPT, operation + ": interrupted while another thread"
                            + " started an iteration; nothing was sent");
                }
                if (pipeline.receiveLock.isHeldByCurrentThread()) {
                    pipeline.readIfReading();
                } else {
                    LockSupport.parkNanos(pipeline, Pipeline.parkSlice(System.nanoTime() - since));
                }
            } finally {
                holdWaiters.remove(me);
            }
        }
    }

    /** Ends this thread's hold: what waited goes out behind the held requests, in order. */
    void release() {
        release(false);
    }

    /**
     * Ends this thread's hold at once, however deeply nested, should it hold one: it is about to
     * wait for another thread, whose requests and iterations the hold would keep waiting for ever
     * (a completion action it runs while it starts an iteration deletes a tracking whose callback
     * calls the handle). The {@link Pipeline#callHeld} calls still under way then release nothing; their
     * iteration starts again should another thread's request have gone between (decision 0020).
     */
    void giveUp() {
        release(true);
    }

    /**
     * Ends this thread's hold, as {@link #giveUp}, if asynchronous requests it made during
     * the hold wait for it to end: called before the holder makes a synchronous request, starts
     * another iteration, or joins a future (a completion action it runs while it starts an
     * iteration). That request would otherwise overtake them on the wire, and miss what they do;
     * a join of one of them waited for ever, the hold ending only after it. Its own synchronous
     * request makes the iteration start again anyway (decision 0020). The reads are unguarded:
     * only this thread makes itself the holder, ends its hold and counts its requests.
     */
    void giveUpBehindOwnRequests() {
        if (holder == Thread.currentThread() && holderHeldBack > 0) {
            giveUp();
        }
    }

    /**
     * Whether this thread holds the wire while requests, its own or another thread's, wait for the
     * hold to end. Read without the send lock: only this thread makes itself the holder and ends
     * its hold, and none is held back once it has ended.
     */
    boolean holdsBackRequests() {
        return holder == Thread.currentThread() && heldBackSize > 0;
    }

    /** Whether this thread holds the wire; exact for this thread without the send lock, as above. */
    boolean isHeldByCurrentThread() {
        return holder == Thread.currentThread();
    }

    /** Whether a thread holds the wire; the send lock is held. */
    boolean isHeld() {
        return holder != null;
    }

    /** How many requests wait for the hold to end; read without the send lock. */
    int heldBackSize() {
        return heldBackSize;
    }

    /**
     * Ends this thread's hold, or with {@code whole} every level of it, once the last level ends:
     * what waited goes out behind the held requests, in order.
     */
    private void release(boolean whole) {
        List<Backlogged> refused = null;
        pipeline.sendLock.lock();
        try {
            if (holder != Thread.currentThread()) {
                return; // none held, or given up while this thread waited for another (giveUp)
            }
            holdDepth = whole ? 0 : holdDepth - 1;
            if (holdDepth > 0) {
                return;
            }
            holder = null;
            holderHeldBack = 0;
            backlog.appendAll(heldBack);
            heldBack.clear();
            heldBackSize = 0;
            backlog.recount();
            if (pipeline.brokenReason() == null) {
                refused = backlog.sendLocked(true); // they waited out the hold: none waits longer
            }
        } finally {
            pipeline.unlockSend();
        }
        backlog.failRefused(refused);
        CmapException reason = pipeline.brokenReason();
        if (reason != null) {
            backlog.failAll(reason); // a breakdown during the hold left those held back to us
        }
        for (Thread waiter : holdWaiters) {
            LockSupport.unpark(waiter);
        }
        if (pipeline.asyncInFlight.get() > 0) {
            responses.wake();
        }
    }

    /**
     * Whether {@code pending} must wait for the hold to end; the send lock is held. The
     * holder's own synchronous requests go (it may be running a completion action that makes
     * one, and would wait for ever); asynchronous ones of any thread wait, as they never block.
     */
    boolean keepsFromWire(PendingRequest pending) {
        return holder != null && (holder != Thread.currentThread() || pending.future != null);
    }

    /**
     * Keeps a request until the hold ends: another thread's, or an asynchronous one of the
     * holder's; the send lock is held.
     */
    void holdBack(PendingRequest pending, MemorySegment bytes, int length) {
        if (holder == Thread.currentThread()) {
            holderHeldBack++;
        }
        heldBack.addLast(new Backlogged(pending, bytes, length, null));
        heldBackSize = heldBack.size();
    }

    /** The requests held back, in order; the send lock is held. */
    List<PendingRequest> requestsLocked() {
        return Backlogged.requestsOf(heldBack);
    }

    /** The requests held back, in order. */
    PendingRequest[] requests() {
        pipeline.sendLock.lock();
        try {
            return requestsLocked().toArray(new PendingRequest[0]);
        } finally {
            pipeline.sendLock.unlock();
        }
    }
}
