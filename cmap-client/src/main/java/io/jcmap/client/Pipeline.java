package io.jcmap.client;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.cmap.CodecException;
import io.jcmap.protocol.cmap.IterNextResponseDescriptor;
import io.jcmap.protocol.ipc.IpcConnection;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The request/response machinery of one connection, shared by the sync and async faces.
 *
 * <p>Requests are written in order under a send lock and queued; the server answers in the
 * same order, so each response completes the head of the queue. Whoever holds the receive
 * lock reads responses for everybody: a synchronous caller reads on its own thread (no
 * thread hand-off on the fast path) and wakes up the owners of responses it read for others;
 * while asynchronous requests are in flight, a drainer thread reads for them.
 *
 * <p>A caller that times out leaves its request in the queue, marked done: its late response
 * is read and dropped, so later responses still meet their own requests, or handed to the
 * request's {@link LateAnswer} to undo what it made on the server (decision 0033).
 *
 * <p>At most {@link #MAX_IN_FLIGHT} requests are on the wire at once, and only as many as the
 * server has room to queue answers for ({@link IpcConnection#responseCapacity}, counting each
 * request's longest possible answer): libqb drops a response that does not fit into the
 * client's response ring or socket buffer (the server sees EAGAIN and moves on), and with no
 * ids to match them by, every later response would then meet the wrong request (decision
 * 0019). Requests beyond the window wait, already encoded, in a backlog that whoever reads a
 * response sends on as places free; asynchronous callers never block.
 *
 * <p>An asynchronous request also waits in the backlog while the server has {@link #FED_LEVEL}
 * of ours to work through: those gathered meanwhile go out together, with one wake-up, when a
 * response leaves it fewer, when they are {@link #LONGEST_RUN}, when a synchronous call follows
 * them, or at a close. libqb's SHM server takes a run of requests for one wake-up and one read,
 * where each request sent alone costs it both, and the client a system call (decision 0027); on
 * the socket transport a run is one {@code sendmmsg}, and corosync takes the datagrams queued
 * without sleeping between them (decision 0029). Nothing waits in the server's ring unannounced:
 * a gathered request is written only when it goes.
 *
 * <p>A channel that is full before the window is (a socket whose server has not yet read
 * enough datagrams, a request ring full of large requests) is waited out the same way: the
 * request stays first in the backlog (decision 0011). Only flow control raised by the server
 * fails a request, with TRY_AGAIN, as it fails libcmap's calls.
 *
 * <p>While a thread starts an iteration ({@link #callHeld}), other threads' requests, and every
 * asynchronous one, wait in a queue of their own, in order, and follow once its first ITER_NEXT
 * is on the wire: corosync
 * reads the prefix from the ITER_INIT it received only then (decision 0020).
 *
 * <p>On the socket transport the window is one request until the server's first response:
 * libqb's server connects its end of our socket only when it first answers, and should we be
 * gone by then it retries for about a second per answer with corosync's main loop blocked. For
 * the same reason {@link #close} lets the server let go of us before our sockets go (decision 0012).
 *
 * <p>The fast path of synchronous calls allocates nothing: each thread reuses one
 * {@link PendingRequest}, the caller encodes straight into the send buffer
 * ({@link #beginSend}/{@link #finishSend}), and a {@link Summarizer} keeps what the caller needs
 * of the response in primitive fields.
 *
 * <p>That path, the locks and the send buffer stay here; the rest is in parts this pipeline makes
 * and hands to each other: {@link InFlightRequests} (the window), {@link Backlog}, {@link WireHold},
 * {@link AnswerDelivery}, {@link DeferredCompletions}, {@link JoinsInActions}, {@link AsyncRequests},
 * {@link ResponseThread} and {@link Breakdown}.
 */
final class Pipeline {
    static final long READ_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * How long a waiter that does not read sleeps before it looks again, if nobody wakes it:
     * {@link #PARK_SLICE_NANOS}, or after a long wait (a stopped corosync) an eighth of the time
     * waited, up to {@link #LONGEST_PARK_SLICE_NANOS}. Short slices for good cost 1.3 CPUs for
     * 1,000 threads waiting on one handle (measured).
     */
    private static final long PARK_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long LONGEST_PARK_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    static final int WAITED_SHARE = 8;
    static final long INITIAL_SEND_BUFFER = 4096;
    /**
     * With this many requests on the wire to a server that takes requests in runs
     * ({@link IpcConnection#takesRequestsInRuns}), a new one waits in the backlog, and the
     * backlog goes out in one run once fewer are left (decision 0027).
     */
    static final int FED_LEVEL = Integer.getInteger("jcmap.fedLevel", 2);
    /**
     * The most asynchronous requests that wait for a response to send them: the one that makes
     * them this many takes them all out, so a caller issuing requests faster than the server
     * answers feeds it runs of this length without waiting for a reading thread to wake up.
     */
    static final int LONGEST_RUN = 16;
    /**
     * Where every encoded request starts, in the send buffer and in its copies: encoders write
     * through aligned layouts up to 8 bytes wide.
     */
    static final long REQUEST_ALIGNMENT = Long.BYTES;
    /**
     * How often readers retry a backlog that the channel refused while nothing was in flight,
     * so that no response will come to retry it (the server read the last request but has not
     * yet freed its place in the ring).
     */
    static final long STALL_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /**
     * How long a close waits, at most, for the server to let go of us where it may still connect
     * to us: as long as the stall of corosync that leaving earlier would cause.
     */
    static final long LEAVE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * Requests on the wire at most. Their responses (mostly a few hundred bytes, plus about
     * 1 KiB of kernel overhead per datagram) then fit the 1 MiB the server may queue for us
     * with a wide margin, and the window is still deep enough to keep corosync busy.
     */
    static final int MAX_IN_FLIGHT = 128;
    /**
     * How deep synchronous calls may nest in completion actions on a reading thread. 2,000 levels
     * overflowed the stack and left locks held (a stress program of 2026-12-04); since the answers
     * a nested call reads complete their futures only after its action returned
     * ({@link DeferredCompletions}), actions no longer stack up, and this is a guard.
     */
    static final int MAX_NESTED_READS = 32;
    /**
     * The longest response of every request but a GET reserving more than 264 value bytes: an
     * ITER_NEXT response (a key name field of 256 bytes). Those GETs say their own bound.
     */
    static final int DEFAULT_RESPONSE_BOUND = IterNextResponseDescriptor.LENGTH;
    /** Writes one request into {@code target}, returning its length. */
    @FunctionalInterface
    interface Encoder {
        int encode(MemorySegment target);
    }

    /** Turns one response into a result, or throws {@link CmapException} for an error code. */
    @FunctionalInterface
    interface Decoder<T> {
        T decode(MemorySegment response, int length);
    }

    /**
     * Takes the answer to a request whose caller gave up waiting before it came (a timeout): a
     * request that left something on the server for us (a tracking, an iterator) undoes it, since
     * nobody will.
     */
    @FunctionalInterface
    interface LateAnswer {
        void arrived(MemorySegment response, int length);
    }

    /**
     * Keeps what a caller needs of a response in the primitive fields of its {@link PendingRequest};
     * throws {@link CmapException} for an error code.
     */
    @FunctionalInterface
    interface Summarizer {
        void summarize(MemorySegment response, int length, PendingRequest target);
    }

    private final IpcConnection connection;
    final long timeoutNanos;
    final ReentrantLock sendLock = new ReentrantLock();
    final ReentrantLock receiveLock = new ReentrantLock();
    /** The requests on the wire, in the order their answers come, and the window. */
    private final InFlightRequests inFlight;
    /**
     * The loss of the connection a send found, until the send lock is released ({@link #unlockSend}),
     * which then breaks the pipeline down; guarded by the send lock.
     */
    CmapException lostOnSend;
    /** Asynchronous requests issued and not yet completed: while there are any, the response thread reads. */
    final AtomicInteger asyncInFlight = new AtomicInteger();
    /**
     * How deep the thread is in tracking listeners (TrackRegistry): a thread reading in a completion
     * action may wait for a running listener (trackDelete, a dispatch waiting for the dispatch lock).
     */
    static final ThreadLocal<int[]> LISTENING = ThreadLocal.withInitial(() -> new int[1]);
    /** What the futures of its requests know it by (ResponseFuture): one reference for all of them. */
    private final WeakReference<Pipeline> reference = new WeakReference<>(this);
    /** Why the pipeline no longer works, and the failing of its requests once it does not. */
    private final Breakdown breakdown;
    /** Requests encoded but not yet on the wire, in issue order. */
    private final Backlog backlog;
    /** The hold on the wire of a thread starting an iteration ({@link #callHeld}). */
    private final WireHold hold;
    /** The futures read inside a completion action, completed once it has returned; guarded by the receive lock. */
    private final DeferredCompletions deferred = new DeferredCompletions();
    /** Reads for asynchronous requests while no caller does. */
    private final ResponseThread responses;
    /** The joins made inside completion actions while their thread reads. */
    private final JoinsInActions joins;
    /** Sends asynchronous requests and batches. */
    private final AsyncRequests async;
    /** Matches each answer read to its request and delivers it. */
    private final AnswerDelivery answers;
    private final ThreadLocal<PendingRequest> threadPending = new ThreadLocal<>();
    /** Allocated with the first request: a handle that only connects and closes touches no native memory. */
    private MemorySegment sendBuffer = MemorySegment.NULL;
    /** Requests put on the wire so far; guarded by the send lock. */
    private long sentCount;
    /** Responses read so far; guarded by the receive lock. */
    private long readCount;

    /**
     * @param timeoutNanos how long a request may wait for its response; 0 waits as long as
     *     the server lives
     * @param onBreakDown told once, after the pipeline broke down, why
     */
    Pipeline(IpcConnection connection, long timeoutNanos, Consumer<CmapException> onBreakDown) {
        this.connection = connection;
        this.inFlight = new InFlightRequests(connection);
        this.timeoutNanos = timeoutNanos;
        this.breakdown = new Breakdown(this, onBreakDown);
        this.backlog = new Backlog(this, connection, inFlight, breakdown);
        this.responses = new ResponseThread(this, connection, backlog);
        this.hold = new WireHold(this, backlog, responses);
        this.joins = new JoinsInActions(this, inFlight, backlog, hold, deferred, breakdown);
        this.answers = new AnswerDelivery(this, connection, breakdown);
        this.async = new AsyncRequests(this, connection, backlog, hold, breakdown, responses, joins);
    }

    IpcConnection connection() {
        return connection;
    }

    /** A weak reference to this pipeline, shared by the futures of its requests ({@link ResponseFuture}). */
    WeakReference<Pipeline> reference() {
        return reference;
    }

    // ---- the general faces ---------------------------------------------------------------------

    /** Sends a request and waits for its decoded response on this thread. */
    <T> T call(String operation, String key, int responseId, int size, Encoder encoder, Decoder<T> decoder) {
        return call(operation, key, responseId, size, DEFAULT_RESPONSE_BOUND, encoder, decoder);
    }

    /** Sends {@code call}'s request and waits for its decoded response on this thread. */
    @SuppressWarnings("unchecked")
    <T> T call(Call<T> call) {
        hold.giveUpBehindOwnRequests();
        PendingRequest pending = sendOne(call);
        await(pending);
        return (T) pending.value();
    }

    /**
     * {@link #call} for a request whose response may be longer than {@link #DEFAULT_RESPONSE_BOUND}:
     * at most {@code responseBound} bytes.
     */
    @SuppressWarnings("unchecked")
    <T> T call(String operation, String key, int responseId, int size, long responseBound, Encoder encoder,
               Decoder<T> decoder) {
        hold.giveUpBehindOwnRequests();
        PendingRequest pending = new PendingRequest(Thread.currentThread());
        pending.prepare(operation, key, responseId, decoder, null, deadline());
        pending.responseBound = responseBound;
        MemorySegment buffer = beginSend(pending, size);
        finishSend(pending, encode(encoder, buffer, pending));
        await(pending);
        return (T) pending.value();
    }

    /**
     * Sends up to {@code count} copies of one request back to back, then reads their responses
     * in order on this thread: many answers for the wait of one round trip. Sending stops early
     * when the server raised flow control; the results are those of the requests sent. A failure
     * is the first one, after every request sent has had its response, and says whether any
     * request went out: only then can the server have acted on some (decision 0032).
     */
    <T> Results<T> callRepeated(Call<T> call, int count) {
        hold.giveUpBehindOwnRequests();
        Repeated sent = sendRepeated(call, count);
        try {
            return new Results<>(awaitAll(sent, sent.failure), null, true);
        } catch (CmapException e) {
            return new Results<>(List.of(), e, !sent.pendings().isEmpty());
        }
    }

    /** What {@link #callRepeated} got: the results, or the failure that ended them and whether any request was sent. */
    record Results<T>(List<T> values, CmapException failure, boolean anySent) {
    }

    /**
     * One request as the general faces take it: what to send, and how to read its answer.
     *
     * @param undo        what to do with an answer that comes after the caller gave up, or null
     *                    to drop it
     * @param sentAnyway  whether it goes out even when its caller gives up while it still waits
     *                    in the client (behind a full window or channel): a request that lets go
     *                    of something the server holds for us, which nobody would send again
     * @param answered    what the decoded answer does at once, on the thread that read it, once
     *                    its caller is sure to get it, and before that caller can see it: its
     *                    wait returns only after this did, so nothing the caller does next (nor
     *                    what it lets other threads do) runs before or alongside it; or null.
     *                    For what cannot wait until the caller's wait returns: that thread may be
     *                    the caller's own, running a completion action that needs it before the
     *                    wait can return
     */
    record Call<T>(String operation, String key, int responseId, int size, Encoder encoder, Decoder<T> decoder,
                   LateAnswer undo, boolean sentAnyway, Consumer<? super T> answered) {
        Call(String operation, String key, int responseId, int size, Encoder encoder, Decoder<T> decoder) {
            this(operation, key, responseId, size, encoder, decoder, null, false);
        }

        Call(String operation, String key, int responseId, int size, Encoder encoder, Decoder<T> decoder,
             LateAnswer undo, boolean sentAnyway) {
            this(operation, key, responseId, size, encoder, decoder, undo, sentAnyway, null);
        }
    }

    /** The requests {@link #sendRepeated} sent, and why it stopped early, if it failed. */
    private record Repeated(List<PendingRequest> pendings, CmapException failure) {
    }

    private Repeated sendRepeated(Call<?> call, int count) {
        List<PendingRequest> sent = new ArrayList<>(count);
        CmapException failure = null;
        while (sent.size() < count) {
            try {
                sent.add(sendOne(call));
            } catch (CmapException e) {
                if (sent.isEmpty() || e.error() != CsError.TRY_AGAIN) {
                    failure = e;
                }
                break;
            }
        }
        return new Repeated(sent, failure);
    }

    /** Sends one request (or puts it in the backlog) for this thread to {@link #await}. */
    @SuppressWarnings("unchecked")
    private PendingRequest sendOne(Call<?> call) {
        PendingRequest pending = new PendingRequest(Thread.currentThread());
        pending.prepare(call.operation(), call.key(), call.responseId(), call.decoder(), null, deadline());
        pending.undo = call.undo();
        pending.sentAnyway = call.sentAnyway();
        pending.answered = (Consumer<Object>) call.answered();
        MemorySegment buffer = beginSend(pending, call.size());
        finishSend(pending, encode(call.encoder(), buffer, pending));
        return pending;
    }

    /** Waits for every request sent; throws {@code failure} or else the first request's failure. */
    @SuppressWarnings("unchecked")
    private <T> List<T> awaitAll(Repeated sent, CmapException failure) {
        List<T> results = new ArrayList<>(sent.pendings().size());
        for (PendingRequest pending : sent.pendings()) {
            try {
                if (failure != null) {
                    // the result is that failure whatever the rest get: an interrupt ends the wait of each
                    // one left at once, not after a read's slice apiece (64 of them 6.4 s; decision 0035)
                    abandonIfInterrupted(pending);
                }
                await(pending);
                results.add((T) pending.value());
            } catch (CmapException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
        return results;
    }

    // ---- holding the wire: the start of an iteration ------------------------------------------

    /**
     * Sends {@code first} and waits for its answer, then sends {@code count} of the request
     * {@code then} builds from that answer, with no request of another thread on the wire
     * between {@code first} and the first of them: those wait, in order, until the last is sent.
     * corosync needs this for ITER_INIT (decision 0020): it keeps a pointer to the prefix inside
     * the request as received, and reads it only at the first ITER_NEXT, by which time any
     * other request received in between has overwritten it (on the socket transport the next
     * request lands in the same buffer; on SHM the ring wraps).
     *
     * <p>This thread's own synchronous requests are not held back: a completion action that
     * this thread runs while it reads may make one, and holding it would wait for ever. Nor does
     * the hold outlast a wait of such an action for another thread ({@link WireHold#giveUp}). The
     * answer says whether anything went between; the caller then starts again.
     *
     * @return {@code first}'s answer, and {@code then}'s results or the failure that ended them
     * @throws CmapException {@code first}'s failure
     */
    @SuppressWarnings("unchecked")
    <T, U> Held<T, U> callHeld(Call<T> first, Function<T, Call<U>> then, int count) {
        hold.acquire(first.operation());
        PendingRequest opener;
        T answer;
        Repeated followers;
        try {
            opener = sendOne(first);
            await(opener);
            answer = (T) opener.value();
            followers = sendRepeated(then.apply(answer), count);
        } finally {
            hold.release();
        }
        try {
            List<U> results = awaitAll(followers, followers.failure());
            // after the wait: a request left in the backlog gets its place on the wire only when sent
            boolean kept = followers.pendings().getFirst().sequence == opener.sequence + 1;
            return new Held<>(answer, results, null, kept);
        } catch (CmapException e) {
            return new Held<>(answer, List.of(), e, false);
        }
    }

    /**
     * What {@link #callHeld} got: the first request's answer, the results of those built from it
     * (or the failure that ended them), and whether nothing went between the two on the wire.
     */
    record Held<T, U>(T first, List<U> then, CmapException failure, boolean kept) {
    }

    /**
     * For a thread waiting a moment for another (a tracking's running callback,
     * {@link TrackRegistry#remove}), between short waits: ends its hold on the wire, should it
     * hold one ({@link WireHold#giveUp}), and reads an answer if it reads ({@link #readIfReading}).
     * The other thread may be making a request, or starting an iteration, that the hold keeps
     * waiting, or waiting for an answer that only this one can read.
     */
    void whileWaitingForAnotherThread() {
        hold.giveUp();
        readIfReading();
    }

    /**
     * For a thread waiting a moment for another: if it holds the receive lock (it runs a
     * completion action), reads one answer, waiting a little for it; the other thread may be
     * waiting for an answer that only this one can read.
     */
    void readIfReading() {
        if (receiveLock.isHeldByCurrentThread()) {
            // held once more, as a synchronous call inside the action holds it: the futures this
            // read completes wait until the action has returned, in the order read (decision 0020)
            receiveLock.lock();
            try {
                // the thread it waits for may wait for a request the channel refused with nothing in
                // flight: only a reader retries it, and this one keeps the others from reading
                backlog.retryStalled();
                readOne(STALL_RETRY_NANOS);
                // but not those another thread joins: that may be the one this thread waits for
                // (a listener whose tracking an action deletes), which would wait for ever
                while (deferred.completeAwaited()) {
                    // its actions may have read more, and deferred them
                }
            } finally {
                receiveLock.unlock();
            }
        }
    }

    /**
     * Reads the answers already there, without waiting for any, unless another thread reads.
     * For a dispatcher that met a notification of a tracking it does not know: that may be one
     * whose trackAdd timed out, and its late answer, which came before, undoes it (decision
     * 0033); a handle that only dispatches would otherwise keep it until its next call.
     */
    void readWaiting() {
        if (receiveLock.isHeldByCurrentThread() || !receiveLock.tryLock()) {
            return; // a reader is there, or this thread runs a completion action: the reader sees it
        }
        try {
            int read = 0; // bounded, as the answers of a busy handle's other threads keep coming
            while (read < MAX_IN_FLIGHT && readOne(0)) {
                read++;
            }
        } finally {
            receiveLock.unlock();
        }
        handOff();
    }

    /** Sends a request; the future completes when its response arrives. */
    <T> CompletableFuture<T> callAsync(String operation, String key, int responseId, int size, Encoder encoder,
                                       Decoder<T> decoder) {
        return callAsync(operation, key, responseId, size, DEFAULT_RESPONSE_BOUND, encoder, decoder);
    }

    /** {@link #callAsync} for a request whose response may take up to {@code responseBound} bytes. */
    <T> CompletableFuture<T> callAsync(String operation, String key, int responseId, int size, long responseBound,
                                       Encoder encoder, Decoder<T> decoder) {
        return async.send(operation, key, responseId, size, responseBound, encoder, decoder, deadline(), false);
    }

    /**
     * Sends a request whose outcome nobody waits for (decision 0032). Unlike {@link #callAsync} it
     * has no deadline: a request gathered in the backlog (decision 0027) or waiting for a place in
     * the window while the server is stalled would otherwise time out there and never be sent. It
     * goes out when the window lets it; its answer, or the pipeline's breakdown, ends it.
     */
    void sendUnwaited(String operation, String key, int responseId, int size, Encoder encoder,
                      Decoder<?> decoder) {
        // it lets go of something corosync holds for us, and nobody hears its failure: sent anyway
        async.send(operation, key, responseId, size, DEFAULT_RESPONSE_BOUND, encoder, decoder, 0, true);
    }

    /**
     * Sends the requests of {@code batch} in order and wakes the server once for all of them
     * ({@link AsyncRequests#sendBatch}, decision 0018).
     */
    void sendBatch(RequestBatch batch) {
        async.sendBatch(batch);
    }

    // ---- the allocation-free face ------------------------------------------------------------

    /**
     * This thread's reusable request, prepared for one synchronous call, which
     * {@link PendingRequest#release releases} it once it has read the outcome.
     */
    PendingRequest syncPending(String operation, String key, int responseId, Summarizer summarizer) {
        hold.giveUpBehindOwnRequests();
        PendingRequest pending = threadPending.get();
        if (pending == null || !pending.retired || pending.taken) {
            // the previous one may still sit in the queue after a timeout, or belong to a call of
            // this thread further out, whose wait runs the completion action making this one
            pending = new PendingRequest(Thread.currentThread());
            threadPending.set(pending);
        }
        pending.taken = true;
        pending.prepare(operation, key, responseId, null, summarizer, deadline());
        return pending;
    }

    /**
     * Takes the send lock and returns a send buffer of at least {@code size} bytes. Every call
     * must be followed by {@link #finishSend} or {@link #abortSend}.
     */
    MemorySegment beginSend(PendingRequest pending, int size) {
        if (pending.waiter != null && receiveLock.getHoldCount() >= MAX_NESTED_READS) {
            // each level is a completion action run by a read that a synchronous call made
            throw new CmapException(CsError.LIBRARY, pending.context() + ": synchronous calls nested "
                    + MAX_NESTED_READS + " deep in completion actions run while reading answers; an action"
                    + " must not block (use the asynchronous calls, or thenApplyAsync and the like)");
        }
        if (pending.interruptible() && Thread.currentThread().isInterrupted()) {
            throw new CmapException(CsError.INTERRUPT, pending.context() + ": interrupted; nothing was sent");
        }
        sendLock.lock();
        try {
            checkUsable(pending);
            if (sendBuffer.byteSize() < size) {
                long capacity = Math.max(Math.max(size, INITIAL_SEND_BUFFER), sendBuffer.byteSize() * 2);
                sendBuffer = Arena.ofAuto().allocate(capacity, REQUEST_ALIGNMENT);
            }
            return sendBuffer;
        } catch (RuntimeException e) {
            sendLock.unlock();
            throw e;
        }
    }

    /**
     * Releases the send lock; a loss of the connection that a send found under it then breaks the
     * pipeline down ({@link #lostOnSend}).
     */
    void unlockSend() {
        CmapException lost = lostOnSend; // guarded by the send lock: a plain read on the calls' path
        if (lost != null && sendLock.getHoldCount() == 1) {
            lostOnSend = null;
        } else {
            lost = null;
        }
        sendLock.unlock();
        if (lost != null) {
            breakDown(lost);
        }
    }

    /** Releases the send lock after a failed encoding. */
    void abortSend() {
        sendLock.unlock();
    }

    /**
     * Sends the {@code length} bytes encoded for {@code pending} (or, with the window full, puts
     * a copy in the backlog) and releases the send lock.
     *
     * @throws CmapException when a request sent at once is refused or the connection fails
     */
    void finishSend(PendingRequest pending, int length) {
        List<Backlogged> refused;
        try {
            pending.retired = false;
            pending.readBefore = sentCount;
            boolean held = hold.keepsFromWire(pending);
            boolean async = pending.future != null;
            if (!held && backlog.size() == 0 && inFlight.hasRoom(pending, async)
                    && sendNowUnlessWaitingOut(pending, length)) {
                return;
            }
            // another thread holds the wire, the server has enough to do, or the window or channel is full
            if (held) {
                MemorySegment copy = Arena.ofAuto().allocate(length, REQUEST_ALIGNMENT);
                copy.copyFrom(sendBuffer.asSlice(0, length));
                hold.holdBack(pending, copy, length);
                return;
            }
            backlog.append(pending, backlog.keep(sendBuffer, length), length);
            int waiting = backlog.recount();
            // a synchronous caller waits: what gathered goes with it; so does a full run
            refused = backlog.sendLocked(!async || waiting >= LONGEST_RUN);
        } finally {
            unlockSend();
        }
        backlog.failRefused(refused);
    }

    /**
     * {@link #sendNow} from the send buffer, notifying; a request that {@link
     * PendingRequest#waitsOutFlowControl waits out} flow control is not refused but returns
     * false, for the backlog to send once corosync lowers it.
     */
    private boolean sendNowUnlessWaitingOut(PendingRequest pending, int length) {
        try {
            return sendNow(pending, sendBuffer, length, true);
        } catch (CmapException e) {
            if (e.error() == CsError.TRY_AGAIN && pending.waitsOutFlowControl()) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Queues {@code pending} and sends its bytes; the send lock is held. Without {@code notify}
     * the server is woken by the notification of the run ({@link Backlog#sendLocked}) that must
     * follow before the lock is released.
     *
     * @return false when the channel is full: nothing was sent, and {@code pending} must wait
     *     for room in the backlog
     * @throws CmapException when the connection fails or the server raised flow control
     */
    boolean sendNow(PendingRequest pending, MemorySegment bytes, int length, boolean notify) {
        // queue first: the response may be read by another thread before send() returns
        inFlight.add(pending);
        pending.sequence = ++sentCount;
        boolean sent;
        try {
            sent = notify ? connection.send(bytes, length) : connection.sendWithoutNotifying(bytes, length);
        } catch (ErrnoException e) {
            unqueue(pending);
            throw failure(e, pending);
        }
        if (!sent) {
            withdraw(pending);
        }
        return sent;
    }

    /** {@code offset} rounded up to where a request may start ({@link #REQUEST_ALIGNMENT}). */
    static long aligned(long offset) {
        return (offset + REQUEST_ALIGNMENT - 1) & -REQUEST_ALIGNMENT;
    }

    /** Whether requests wait off the wire: in the backlog, or held back by a hold. */
    boolean waitsOffTheWire() {
        return backlog.size() > 0 || hold.heldBackSize() > 0;
    }

    /** The requests in the backlog and held back, in order. */
    PendingRequest[] offTheWireSnapshot() {
        sendLock.lock();
        try {
            List<PendingRequest> waiting = backlog.requests();
            waiting.addAll(hold.requestsLocked());
            return waiting.toArray(new PendingRequest[0]);
        } finally {
            sendLock.unlock();
        }
    }

    long deadline() {
        return timeoutNanos == 0 ? 0 : System.nanoTime() + timeoutNanos;
    }

    int encode(Encoder encoder, MemorySegment buffer, PendingRequest pending) {
        try {
            return encoder.encode(buffer);
        } catch (CodecException e) {
            abortSend();
            throw CmapException.ofCodec(pending.context(), e);
        } catch (RuntimeException e) {
            abortSend();
            throw e;
        }
    }

    /** Takes back a request that failed to reach the wire; its owner learns why. */
    private void unqueue(PendingRequest pending) {
        withdraw(pending);
        pending.retired = true;
    }

    /** Takes back a request that did not reach the wire; the send lock is held since it was counted. */
    void withdraw(PendingRequest pending) {
        inFlight.withdraw(pending);
        sentCount--;
        pending.sequence = 0;
    }

    private CmapException failure(ErrnoException e, PendingRequest pending) {
        CmapException reason = breakdown.reason();
        if (reason != null) {
            // it broke down while we sent (closed, say): that is the cause, not the errno it led to
            return brokenFor(reason, pending);
        }
        if (!connection.isConnected()) {
            // every request in flight fails with it: the reason names the connection, not this request.
            // Once the send lock is released (unlockSend): the breakdown runs completion actions, and one
            // joining what a thread waiting for the send lock completes waited for ever
            // flow control still raised on a connection already gone (EAGAIN) is the loss too: not the
            // TRY_AGAIN that tells the requests it fails, those on the wire too, they were not sent
            int errno = Math.abs(e.errno()) == LinuxErrno.EAGAIN ? LinuxErrno.ENOTCONN : e.errno();
            CmapException lost = CmapException.ofErrno(errno, "connection lost: " + e.getMessage(), e);
            lostOnSend = lost;
            return brokenFor(lost, pending);
        }
        return CmapException.ofErrno(e.errno(), pending.context() + ": " + e.getMessage(), e);
    }

    private void checkUsable(PendingRequest pending) {
        CmapException reason = breakdown.reason();
        if (reason != null) {
            throw brokenFor(reason, pending);
        }
    }

    static CmapException brokenFor(CmapException reason, PendingRequest pending) {
        return new CmapException(reason.error(), reason.errno(), pending.context() + ": " + reason.context(), reason);
    }

    // ---- waiting and reading -------------------------------------------------------------

    /**
     * Waits until {@code pending} has its outcome, reading responses while nobody else does.
     *
     * @throws CmapException the request's failure
     */
    void await(PendingRequest pending) {
        boolean interrupted = false;
        boolean parked = false;
        long parkedSince = 0; // taken at the first park only: the fast path reads no clock for it
        try {
            while (!pending.done) {
                if (receiveLock.tryLock()) {
                    try {
                        readUntilDone(pending);
                    } finally {
                        receiveLock.unlock();
                    }
                    handOff();
                } else {
                    if (abandonIfInterrupted(pending)) {
                        break;
                    }
                    // a call the interrupt does not end (one sent anyway) must not make the park return at
                    // once for ever: the status is kept aside and set again on the way out (setting it
                    // also gives the thread a park permit, so not before the last park). Only that one: an
                    // interrupt landing after the look above would be taken aside too, and not end the call
                    if (!pending.interruptible()) {
                        interrupted |= Thread.interrupted();
                    }
                    long now = System.nanoTime();
                    if (!parked) {
                        parked = true;
                        parkedSince = now;
                    }
                    LockSupport.parkNanos(this, pending.parkNanos(parkSlice(now - parkedSince)));
                }
                expireIfDue(pending);
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        pending.throwIfFailed();
    }

    private void readUntilDone(PendingRequest pending) {
        while (!pending.done) {
            readTowards(pending, pending.deadline == 0 ? READ_SLICE_NANOS : PARK_SLICE_NANOS);
            if (!pending.done) {
                abandonIfInterrupted(pending);
            }
        }
    }

    /**
     * Fails {@code pending} with {@link CsError#INTERRUPT} if its caller's thread is interrupted
     * and the request is one an interrupt ends (decision 0035). As after a timeout, its answer,
     * should it come, is dropped or undone ({@link AnswerDelivery#undoLate}); one still in the backlog is not
     * sent. The interrupt status stays set.
     *
     * @return whether it did
     */
    private boolean abandonIfInterrupted(PendingRequest pending) {
        if (!pending.interruptible() || !Thread.currentThread().isInterrupted()) {
            return false;
        }
        return complete(pending, null, new CmapException(CsError.INTERRUPT, pending.context()
                + ": interrupted while waiting for the answer; corosync may still carry the request out"));
    }

    /**
     * Reads one response for {@code target}, if one comes within {@code sliceNanos} (less if its
     * deadline comes first); if none does, fails it when the pipeline broke, or when its time is up.
     */
    void readTowards(PendingRequest target, long sliceNanos) {
        long wait = target.parkNanos(sliceNanos);
        if (backlog.retryStalled()) {
            wait = Math.min(wait, STALL_RETRY_NANOS);
        }
        if (!readOne(wait)) {
            CmapException reason = breakdown.reason();
            if (reason != null) {
                // done now: the thread breaking the pipeline down may still be closing the connection,
                // which waits for us to leave it, and looking again would spin (stress round 5)
                complete(target, null, brokenFor(reason, target));
            } else {
                expireIfDue(target);
            }
        }
    }

    /**
     * Reads one response, if one comes within {@code waitNanos}, and completes its request.
     * Breaks the pipeline when the connection fails.
     */
    boolean readOne(long waitNanos) {
        int length;
        try {
            length = connection.receiveResponse(waitNanos);
        } catch (ErrnoException e) {
            breakDown(CmapException.ofErrno(e.errno(), "connection lost: " + e.getMessage(), e));
            return false;
        }
        if (length < 0) {
            return false;
        }
        InFlightRequests wire = inFlight;
        PendingRequest head = wire.takeFirst();
        readCount++;
        wire.answered(); // before the backlog is sent below: the window opens now
        if (head == null) {
            breakDown(new CmapException(CsError.MESSAGE_ERROR, "server sent a response nobody asked for"));
            return true;
        }
        try {
            answers.match(head, connection.response(), length);
        } finally {
            wire.doneReading();
            // only now may its owner reuse it
            head.retired = true;
        }
        backlog.send();
        return true;
    }

    /**
     * Records {@code pending}'s outcome, unless it has one, and lets its caller know; an answer
     * goes to its {@link Call#answered} first, before the caller can see it.
     *
     * @return false if it already had an outcome (its caller timed out): nothing was done
     */
    @SuppressWarnings("unchecked")
    boolean complete(PendingRequest pending, Object value, CmapException failure) {
        if (!pending.finish(value, failure)) {
            return false;
        }
        if (pending.future != null) {
            asyncInFlight.decrementAndGet();
            CompletableFuture<Object> future = (CompletableFuture<Object>) pending.future;
            int holds = receiveLock.getHoldCount();
            if (holds > 1) {
                // read by a synchronous call inside a completion action: this future completes once
                // that action has returned, not on top of it, so that actions making one synchronous
                // call each do not stack up (nine of forty failed past MAX_NESTED_READS)
                deferred.defer(future, value, failure);
                return true;
            }
            DeferredCompletions.completeFuture(future, value, failure);
            if (holds == 1 && !deferred.isEmpty()) {
                deferred.runAll();
            }
        } else if (pending.waiter != Thread.currentThread()) {
            LockSupport.unpark(pending.waiter);
        }
        return true;
    }

    /**
     * Reads for a {@code join} or {@code get} on {@code future} made inside a completion action
     * this thread runs while reading ({@link JoinsInActions#readFor}, decision 0034).
     */
    void readFor(ResponseFuture<?> future, ResponseFuture<?> root, long timeoutNanos, boolean interruptible) {
        joins.readFor(future, root, timeoutNanos, interruptible);
    }

    /**
     * Whether other threads may wait for this one while it waits: it holds the receive lock (it
     * runs a completion action), or the wire ({@link #callHeld}). Such a wait runs
     * {@link #whileWaitingForAnotherThread} between short waits.
     */
    boolean othersMayWaitForThisThread() {
        return receiveLock.isHeldByCurrentThread() || hold.isHeldByCurrentThread();
    }

    /** Whether this thread holds the receive lock: it runs a completion action (or reads for its call). */
    boolean readsOnThisThread() {
        return receiveLock.isHeldByCurrentThread();
    }

    /** How long a waiter that does not read sleeps after {@code waitedNanos} of waiting. */
    static long parkSlice(long waitedNanos) {
        return Math.clamp(waitedNanos / WAITED_SHARE, PARK_SLICE_NANOS, LONGEST_PARK_SLICE_NANOS);
    }

    /** After leaving the receive lock: let the next waiting owner, or the drainer, read. */
    void handOff() {
        PendingRequest head = inFlight.nextAwaited();
        if (head != null && head.waiter != null) {
            LockSupport.unpark(head.waiter);
        }
        if (asyncInFlight.get() > 0) {
            responses.wake();
        }
    }

    // ---- failure and closing ------------------------------------------------------------

    /**
     * Fails every request in flight and every later one with {@code reason}, and ends the
     * connection's requests and responses so that any thread waiting for an answer wakes up. Its
     * events stay readable: the owner closes it ({@link IpcConnection#endRequests}).
     */
    void breakDown(CmapException reason) {
        breakdown.breakDown(reason, connection::endRequests, null);
    }

    /**
     * Closes for good: as {@link #breakDown}, but the connection leaves (waiting, where it must,
     * for the server to let go of it first: {@link IpcConnection#leave}).
     *
     * @param eventsExpected whether the server may send events (keys are tracked)
     */
    void close(CmapException reason, boolean eventsExpected) {
        sendGathered();
        breakdown.breakDown(reason, () -> connection.leave(LEAVE_GRACE_NANOS, eventsExpected), null);
    }

    /**
     * Sends the asynchronous requests gathered while the server was fed ({@link #FED_LEVEL}), so
     * that a close leaves corosync every request issued within the window, as it would have had
     * them with each sent at once.
     */
    private void sendGathered() {
        if (inFlight.feedsInRuns() && breakdown.reason() == null) {
            backlog.send(true);
        }
    }

    /**
     * Whether this thread breaks the pipeline down and has not yet told its owner
     * ({@link Breakdown#onThisThread}).
     */
    boolean breaksDownOnThisThread() {
        return breakdown.onThisThread();
    }

    /**
     * Takes every request off the wire and out of the backlog, for the breakdown to fail: {@code first}
     * (or null), those in flight, then the backlog's, in order.
     */
    PendingRequest[] takeEveryRequest(PendingRequest first) {
        // under the send lock: a request that passed checkUsable before the breakdown reaches the
        // queue before we look, and every later one fails that check; taken without it, an
        // asynchronous request queued just after the look was never completed (SocketLeakIT).
        // The backlog's with them, behind them: a stage joined in an action may wait for one of those too
        sendLock.lock();
        try {
            List<PendingRequest> all = inFlight.takeAll(first, backlog.size());
            all.addAll(backlog.takeAll());
            return all.toArray(new PendingRequest[0]);
        } finally {
            sendLock.unlock();
        }
    }

    /** After the breakdown: the response thread, if any, sees it and ends. */
    void wakeResponseThread() {
        responses.unpark();
    }

    /** Requests put on the wire so far; the send lock is held. */
    long sentCount() {
        return sentCount;
    }

    /** Responses read so far; the receive lock is held. */
    long readCount() {
        return readCount;
    }

    /** Why the pipeline no longer works, or null while it does. */
    CmapException brokenReason() {
        return breakdown.reason();
    }

    /** The requests on the wire, in order. */
    PendingRequest[] inFlightSnapshot() {
        return inFlight.snapshot();
    }

    int inFlightCount() {
        return inFlight.count();
    }

    private void expireIfDue(PendingRequest pending) {
        if (!pending.done && pending.deadline != 0 && System.nanoTime() - pending.deadline >= 0) {
            complete(pending, null, timeoutFailure(pending));
        }
    }

    CmapException timeoutFailure(PendingRequest pending) {
        return new CmapException(CsError.TIMEOUT, pending.context() + ": no response within "
                + Duration.ofNanos(timeoutNanos)); // not whole milliseconds: "within 0 ms" below one
    }
}
