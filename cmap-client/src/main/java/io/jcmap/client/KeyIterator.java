package io.jcmap.client;

import java.lang.ref.Reference;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
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
 * before it is handed out is shown as it now is ({@link OpenIterators}), as libcmap would find
 * it at its next iter_next.
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
    private final String prefix;
    /** Keys fetched and not handed out, in corosync's order; also changed by the handle's writes. */
    private final ArrayDeque<CmapKeyInfo> fetched = new ArrayDeque<>();
    /** The last key handed out, or null; guarded by this. */
    private String lastHandedOut;
    /** The last key of the prefix corosync's walk gave, or null; guarded by this. */
    private String walkedTo;
    private int burst = FIRST_BURST;
    // written under this, read by writers told of the handle's writes
    private volatile boolean serverDone;
    private volatile boolean finished;
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

    /** An iterator whose first burst, {@code first}, was fetched as it was created. */
    KeyIterator(ConnectedHandle handle, CmapHandle owner, Pipeline pipeline, long iterHandle, String prefix,
                List<CmapKeyInfo> first) {
        this.handle = handle;
        this.owner = owner;
        this.pipeline = pipeline;
        this.iterHandle = iterHandle;
        this.prefix = prefix;
        take(first);
    }

    private void enter(String operation) {
        Thread me = Thread.currentThread();
        if (!user.compareAndSet(null, me)) {
            throw new CmapException(CsError.BUSY, CallName.of(operation, prefix) + ": the iterator is in use by "
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
        if (nothingFetched() && !serverDone && !finished) {
            if (fetchFailure != null) {
                throw new CmapException(CsError.LIBRARY, CallName.of("iter_next", prefix) + ": an earlier iter_next of "
                        + "this iterator failed (" + fetchFailure.error() + "), so keys after the " + handedOut
                        + " handed out may be missing; iterate again", fetchFailure);
            }
            fetch();
        }
        if (nothingFetched()) {
            serverDone = true; // nothing more is fetched: only the finalize is left
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
        Pipeline.Results<CmapKeyInfo> keys = handle.iterNext(pipeline, iterHandle, burst);
        if (keys.failure() != null) {
            // a burst refused before anything went out (TRY_AGAIN) may be repeated; any other
            // may have moved corosync's iterator past keys never handed out
            if (keys.anySent()) {
                fetchFailure = keys.failure();
            }
            throw keys.failure();
        }
        take(keys.values());
    }

    private synchronized boolean nothingFetched() {
        return fetched.isEmpty();
    }

    private synchronized void take(List<CmapKeyInfo> keys) {
        for (CmapKeyInfo key : keys) {
            if (key == null || beyondPrefix(key.name())) {
                serverDone = true;
            } else if (!serverDone && key.name().startsWith(prefix)) {
                fetched.addLast(key);
                walkedTo = key.name();
            }
        }
        burst = Math.min(burst * 2, MAX_BURST);
    }

    /** This handle stored {@code name}: shown as it now is if corosync's walk passed it unseen. */
    synchronized void stored(String name, CmapType type, long length) {
        if (passedUnseen(name)) {
            replace(name, new CmapKeyInfo(name, type, length));
        }
    }

    /** This handle deleted {@code name}: left out if corosync's walk passed it unseen. */
    synchronized void deleted(String name) {
        if (passedUnseen(name)) {
            replace(name, null);
        }
    }

    /**
     * Whether {@code name} is of the prefix, after the keys handed out and not after corosync's
     * walk: a key beyond it, the walk still reaches as it now is.
     */
    private boolean passedUnseen(String name) {
        return !finished && name.startsWith(prefix)
                && (lastHandedOut == null || name.compareTo(lastHandedOut) > 0)
                && (serverDone || (walkedTo != null && name.compareTo(walkedTo) <= 0));
    }

    /** Puts {@code now} in the place of {@code name} among the keys fetched, or takes it out for null. */
    private void replace(String name, CmapKeyInfo now) {
        List<CmapKeyInfo> keys = new ArrayList<>(fetched.size() + 1);
        boolean placed = now == null;
        for (CmapKeyInfo key : fetched) {
            int order = key.name().compareTo(name);
            if (order > 0 && !placed) {
                keys.add(now);
                placed = true;
            }
            if (order != 0) {
                keys.add(key);
            }
        }
        if (!placed) {
            keys.add(now);
        }
        fetched.clear();
        fetched.addAll(keys);
    }

    /**
     * Whether {@code name} sorts after every key under the prefix. corosync's iterator walks its
     * trie in key order below the node the prefix led to at the first iter_next; a key created
     * beside the prefix meanwhile can split that node, and the walk then goes on through the
     * new sibling keys (libcmap lists them). None of the prefix can follow such a key.
     */
    private boolean beyondPrefix(String name) {
        return !name.startsWith(prefix) && name.compareTo(prefix) > 0;
    }

    @Override
    public CmapKeyInfo next() {
        enter("iter_next");
        try {
            while (true) {
                if (!hasMore()) {
                    throw new NoSuchElementException("no more keys");
                }
                CmapKeyInfo key = handOut();
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

    /** The next key fetched, or null if there is none left. */
    private synchronized CmapKeyInfo handOut() {
        CmapKeyInfo key = fetched.pollFirst();
        if (key != null) {
            lastHandedOut = key.name();
        }
        return key;
    }

    private void finish() {
        if (!finished) {
            synchronized (this) {
                finished = true;
                fetched.clear();
            }
            handle.openIterators().remove(this);
            // after a fetch that ended the iteration, a TIMEOUT above all, waiting would wait again
            handle.iterFinalize(pipeline, iterHandle, fetchFailure == null);
        }
    }
}
