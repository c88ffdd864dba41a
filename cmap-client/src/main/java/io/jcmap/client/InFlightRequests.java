package io.jcmap.client;

import io.jcmap.protocol.ipc.IpcConnection;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A pipeline's requests on the wire, in the order their answers come, and the window that bounds
 * them: at most {@link Pipeline#MAX_IN_FLIGHT}, one until the server's first answer on the socket
 * transport (decision 0012), and only as many as the server has room to queue answers for
 * (decision 0019). Separate from {@link Pipeline}: the queue and its accounting change together,
 * under this object's lock, which senders, readers and the breakdown share.
 */
final class InFlightRequests {
    private final IpcConnection connection;
    /** Guarded by this object. */
    private final ArrayDeque<PendingRequest> requests = new ArrayDeque<>();
    /**
     * What the server may have to queue for us: the sum of the in-flight requests' response
     * footprints; guarded by this object.
     */
    private long responseBytes;
    /** The most the server can queue for us without dropping a response ({@link IpcConnection#responseCapacity}). */
    private final long responseCapacity;
    /** One request on the wire until the server has answered once (decision 0012). */
    private final boolean singleUntilAnswered;
    /** Whether requests wait while the server has enough queued ({@link Pipeline#FED_LEVEL}). */
    private final boolean feedsInRuns;
    /**
     * The request whose answer a reader has taken off the queue and is matching, until it is done
     * with it; written under this object's lock. A breakdown meanwhile does not fail it: its answer
     * does ({@link JoinsInActions#failIfBrokenDown}).
     */
    private volatile PendingRequest reading;
    /** The server has answered at least once. */
    private volatile boolean answered;

    InFlightRequests(IpcConnection connection) {
        this.connection = connection;
        this.singleUntilAnswered = connection.serverConnectsOnFirstResponse();
        this.feedsInRuns = connection.takesRequestsInRuns() && Pipeline.FED_LEVEL > 0;
        this.responseCapacity = connection.responseCapacity();
    }

    /** Whether requests wait while the server has enough queued ({@link Pipeline#FED_LEVEL}). */
    boolean feedsInRuns() {
        return feedsInRuns;
    }

    /** Queues {@code pending}, before its bytes go: the response may be read before the send returns. */
    synchronized void add(PendingRequest pending) {
        requests.addLast(pending);
        responseBytes += pending.footprint;
    }

    /** Takes back a request that did not reach the wire. */
    synchronized void withdraw(PendingRequest pending) {
        if (requests.removeLastOccurrence(pending)) {
            responseBytes -= pending.footprint;
        }
    }

    /**
     * Whether {@code pending} may go on the wire now: the window has a place, and the server
     * has room to queue its response behind those of the requests already in flight (or none
     * is in flight); and, {@code unlessFed}, the server is not {@link #wellFed}. Notes the
     * response's footprint in {@code pending} for the accounting. One look under the lock: the
     * asynchronous send asks both questions each time.
     */
    boolean hasRoom(PendingRequest pending, boolean unlessFed) {
        pending.footprint = connection.responseFootprint(pending.responseBound);
        synchronized (this) {
            int onWire = requests.size();
            if (unlessFed && fed(onWire)) {
                return false;
            }
            return onWire < window() && (onWire == 0 || responseBytes + pending.footprint <= responseCapacity);
        }
    }

    /**
     * Whether the server has {@link Pipeline#FED_LEVEL} of our requests queued, enough to keep it busy
     * while more gather in the backlog to go out in one run.
     */
    boolean wellFed() {
        if (!feedsInRuns) {
            return false;
        }
        synchronized (this) {
            return fed(requests.size());
        }
    }

    /** Whether {@code onWire} requests on the wire are {@link #wellFed}; this object's lock is held. */
    private boolean fed(int onWire) {
        return feedsInRuns && onWire >= Pipeline.FED_LEVEL;
    }

    /** How many requests may be on the wire now. */
    private int window() {
        return answered || !singleUntilAnswered ? Pipeline.MAX_IN_FLIGHT : 1;
    }

    /** Takes the oldest request off the queue, or null, for its answer just read: it is {@link #reading} now. */
    synchronized PendingRequest takeFirst() {
        PendingRequest head = requests.pollFirst();
        if (head != null) {
            responseBytes -= head.footprint;
        }
        reading = head;
        return head;
    }

    /** The server has answered: the window opens now. */
    void answered() {
        if (!answered) {
            answered = true;
        }
    }

    /** The reader is done with the request it took ({@link #takeFirst}). */
    void doneReading() {
        reading = null;
    }

    /** Whether a reader has taken {@code pending}'s answer off the queue and is matching it. */
    synchronized boolean isBeingRead(PendingRequest pending) {
        // under the lock the reader takes it off the queue with: it is on the queue, or being read, or neither
        return pending == reading;
    }

    /** The first request on the wire, or if its caller gave up waiting the oldest whose caller still waits; or null. */
    synchronized PendingRequest nextAwaited() {
        PendingRequest head = requests.peekFirst();
        if (head != null && head.done) {
            head = firstNotDoneLocked();
        }
        return head;
    }

    /** The oldest request on the wire whose caller still waits, or null. */
    synchronized PendingRequest firstNotDone() {
        return firstNotDoneLocked();
    }

    /**
     * The oldest request on the wire whose caller still waits, or null; this object's lock is
     * held. Only after a caller gave up: its iterator is the one allocation of a synchronous
     * call's path that the JIT did not always remove (32 bytes per get in a third of the rounds
     * of the socket transport).
     */
    private PendingRequest firstNotDoneLocked() {
        for (PendingRequest pending : requests) {
            if (!pending.done) { // one whose caller gave up waiting wakes nobody: skip it
                return pending;
            }
        }
        return null;
    }

    /**
     * Empties the queue for the breakdown: {@code first} (or null), then the requests in flight,
     * in order, in a list with room for {@code more}.
     */
    synchronized List<PendingRequest> takeAll(PendingRequest first, int more) {
        List<PendingRequest> all = new ArrayList<>(requests.size() + more + 1);
        if (first != null) {
            all.add(first);
        }
        all.addAll(requests);
        requests.clear();
        responseBytes = 0;
        return all;
    }

    /** The requests on the wire, in order. */
    synchronized PendingRequest[] snapshot() {
        return requests.toArray(new PendingRequest[0]);
    }

    synchronized int count() {
        return requests.size();
    }
}
