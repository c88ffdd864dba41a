package io.jcmap.client;

import java.lang.ref.Reference;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link CmapIterator} over one server-side iterator.
 *
 * <p>Keys are fetched in bursts: several iter_next requests go out back to back and their
 * answers are read together, so a long iteration waits for a fraction of the round trips one
 * request at a time would cost. The burst starts small (a prefix often matches few keys) and
 * doubles. The first is fetched as the iterator is created, right behind the iter_init: corosync
 * reads the prefix from that request only then (decision 0020). Keys outside the prefix, which
 * corosync lists when its map changes shape under the iterator, are left out. The server
 * answers requests past the end with "no more keys"; those are dropped. Keys fetched ahead
 * reflect the map when the server answered, as they would for a fast caller, but for this
 * handle's own writes: a key the handle stores or deletes after corosync's walk passed it and
 * before it is handed out is shown as it now is ({@link KeysAhead}), as libcmap would find it at
 * its next iter_next.
 */
final class KeyIterator implements CmapIterator {
    static final int FIRST_BURST = 4;
    static final int MAX_BURST = 64;

    private final ConnectedHandle handle;
    /**
     * The application's handle: an iterator in use keeps it from being closed as dropped (decision
     * 0036). Each call ends with a reachability fence on this iterator ({@link #exit}), so it, and
     * so the handle, stay reachable until the call returns.
     */
    private final CmapHandle owner;
    /** The pipeline of the connection on which the server's iterator lives. */
    private final Pipeline pipeline;
    private final long iterHandle;
    /** Keys fetched and not handed out, kept as the handle's writes change them. */
    private final KeysAhead ahead;
    /** The next burst's size: the first, of {@link #FIRST_BURST}, came with the iterator. */
    private int burst = Math.min(FIRST_BURST * 2, MAX_BURST);
    /** Whether the finalize went out, or needs not. */
    private boolean finished;
    /**
     * Why a fetch failed after sending, once one has: corosync's iterator may then have moved past
     * keys never handed out (a burst that timed out is still answered later), so the iteration
     * ends there.
     */
    private CmapException fetchFailure;
    /** Keys handed out so far, for the message of a failure after {@link #fetchFailure}. */
    private long handedOut;
    /**
     * The thread inside a call, or null: a call that meets another fails with BUSY. Two fetches at
     * once appended to the same deque, losing keys without an error, or one finalized the server's
     * iterator under the other's burst; the hand-over also orders one thread's use before the next.
     */
    private final AtomicReference<Thread> user = new AtomicReference<>();

    /** An iterator whose first burst went into {@code ahead} as it was created. */
    KeyIterator(ConnectedHandle handle, CmapHandle owner, Pipeline pipeline, long iterHandle, KeysAhead ahead) {
        this.handle = handle;
        this.owner = owner;
        this.pipeline = pipeline;
        this.iterHandle = iterHandle;
        this.ahead = ahead;
    }

    private void enter(String operation) {
        Thread me = Thread.currentThread();
        if (!user.compareAndSet(null, me)) {
            throw new CmapException(CsError.BUSY, CallName.of(operation, ahead.prefix()) + ": the iterator is in use by "
                    + (user.get() == me ? "this thread (a completion action run inside one of its calls)"
                    : "another thread") + "; an iterator is not thread-safe");
        }
    }

    private void exit() {
        user.set(null);
        Reference.reachabilityFence(this); // a compiled call could let go of this once it read user
    }

    @Override
    public boolean hasNext() {
        enter("iter_next");
        try {
            return hasMore();
        } finally {
            exit();
        }
    }

    private boolean hasMore() {
        if (!finished) {
            // keys fetched ahead are no excuse to answer for a closed handle (libcmap: BAD_HANDLE)
            handle.checkOpen("iter_next", null);
        }
        if (ahead.isEmpty() && !ahead.walkEnded() && !finished) {
            if (fetchFailure != null) {
                throw new CmapException(CsError.LIBRARY, CallName.of("iter_next", ahead.prefix()) + ": an earlier iter_next of "
                        + "this iterator failed (" + fetchFailure.error() + "), so keys after the " + handedOut
                        + " handed out may be missing; iterate again", fetchFailure);
            }
            fetch();
        }
        if (ahead.isEmpty()) {
            ahead.endWalk(); // nothing more is fetched: only the finalize is left
            try {
                finish();
            } catch (CmapException e) {
                if (e.error() == CsError.TRY_AGAIN) {
                    // flow control refused the finalize before it went out: the caller may repeat this
                    // call, as any refused by it, and that or close() sends it again; else corosync
                    // would keep the iterator until the connection ends
                    finished = false;
                }
                throw e;
            }
            return false;
        }
        return true;
    }

    private void fetch() {
        Pipeline.Results<CmapKeyInfo> keys = handle.iterNext(pipeline, iterHandle, burst, ahead);
        if (keys.failure() != null) {
            // a burst refused before anything went out (TRY_AGAIN) may be repeated; any other
            // may have moved corosync's iterator past keys never handed out
            if (keys.anySent()) {
                fetchFailure = keys.failure();
            }
            throw keys.failure();
        }
        // the keys went into ahead as they were read
        burst = Math.min(burst * 2, MAX_BURST);
    }

    @Override
    public CmapKeyInfo next() {
        enter("iter_next");
        try {
            while (true) {
                if (!hasMore()) {
                    throw new NoSuchElementException("no more keys");
                }
                CmapKeyInfo key = ahead.handOut();
                if (key != null) {
                    handedOut++;
                    return key;
                }
                // another thread's write of the handle took the last key fetched meanwhile: look again
            }
        } finally {
            exit();
        }
    }

    @Override
    public void close() {
        enter("iter_finalize");
        try {
            finish();
        } finally {
            exit();
        }
    }

    private void finish() {
        if (!finished) {
            finished = true;
            ahead.drop();
            handle.openIterators().remove(ahead);
            // after a fetch that ended the iteration, a TIMEOUT above all, waiting would wait again
            handle.iterFinalize(pipeline, iterHandle, fetchFailure == null);
        }
    }
}
