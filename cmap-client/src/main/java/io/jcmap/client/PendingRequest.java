package io.jcmap.client;

import java.util.function.Consumer;

/**
 * One request of a {@link Pipeline} waiting for its response. A synchronous caller's instance is
 * reused for its next call once {@link #retired} (its response consumed and nobody holds it any
 * more).
 *
 * <p>No reference to its pipeline, and none to its decoder or summarizer once finished: a
 * thread's reusable instance sits in a {@link ThreadLocal} of the pipeline, and a reference back
 * to the pipeline (or to the handle through a summarizer) would keep the pipeline, its connection
 * and its buffers reachable from the thread forever after close. Only an instance made for one
 * request, never kept by a thread, may have an {@link #undo} or {@link #answered}, which refer to
 * the handle.
 */
final class PendingRequest {
    final Thread waiter;
    String operation;
    String key;
    int responseId;
    Pipeline.Decoder<?> decoder;
    Pipeline.Summarizer summarizer;
    ResponseFuture<?> future;
    long deadline;
    /** What its answer does if its caller gave up before it came; null for most (Pipeline.Call). */
    Pipeline.LateAnswer undo;
    /** Sent even if its caller gives up while it still waits in the backlog (Pipeline.Call). */
    boolean sentAnyway;
    /**
     * What its decoded answer does on the reading thread before its caller can see it; null for
     * most (Pipeline.Call).
     */
    Consumer<Object> answered;
    /** The longest response it may get, in bytes. */
    long responseBound;
    /** What its response takes of the server's room for us; set when it is let on the wire. */
    long footprint;
    /** Its place on the wire (1 for the first request sent), 0 until sent. */
    volatile long sequence;
    /**
     * How many requests were on the wire, or had been, when it was issued: the responses its
     * own thread may read after issuing it without reading its own. Its issuer's field.
     */
    long readBefore;
    volatile boolean done;
    /** Out of the queue and no longer touched by a reader. */
    volatile boolean retired = true;
    /**
     * A thread's reusable instance from {@link Pipeline#syncPending} until its caller has read
     * the outcome ({@link #release}): retired is not enough, as a completion action that the
     * caller's thread runs while it waits may read that answer, and a typed call of the action
     * would reuse the instance before its caller has looked. Touched by that thread only.
     */
    boolean taken;
    private Object value;
    private CmapException failure;
    /**
     * Filled by a {@link Pipeline.Summarizer}; a numeric SET's caller puts the type it sends in
     * {@code valueType} for its summarizer.
     */
    int valueType;
    long valueLength;
    long valueBits;

    PendingRequest(Thread waiter) {
        this.waiter = waiter;
    }

    void prepare(String operation, String key, int responseId, Pipeline.Decoder<?> decoder,
                 Pipeline.Summarizer summarizer, long deadline) {
        this.operation = operation;
        this.key = key;
        this.responseId = responseId;
        this.decoder = decoder;
        this.summarizer = summarizer;
        this.deadline = deadline;
        this.undo = null;
        this.sentAnyway = false;
        this.answered = null;
        this.responseBound = Pipeline.DEFAULT_RESPONSE_BOUND;
        this.footprint = 0;
        this.future = null;
        this.sequence = 0;
        this.value = null;
        this.failure = null;
        this.valueType = 0;
        this.valueLength = 0;
        this.valueBits = 0;
        this.done = false;
    }

    /**
     * Whether an interrupt of its caller's thread ends its wait (decision 0035): a synchronous
     * request, unless it lets go of something the server holds for us ({@link #sentAnyway}).
     */
    boolean interruptible() {
        return waiter != null && !sentAnyway;
    }

    /**
     * Whether corosync's flow control (TRY_AGAIN) is waited out in the backlog rather than
     * reported: it lets go of something the server holds for us ({@link #sentAnyway}), and nobody
     * waits for it to hear the refusal (its caller gave up, or it was sent unwaited). Else the
     * server would keep what it lets go of until the connection ends.
     */
    boolean waitsOutFlowControl() {
        return sentAnyway && (done || waiter == null);
    }

    /** Its caller has read its outcome: the thread may reuse it ({@link #taken}). */
    void release() {
        taken = false;
    }

    /**
     * It was never sent (its send could not begin, or its encoding failed): it lets go of its
     * decoder and summarizer, as {@link #finish} does, and the thread may reuse it.
     */
    void abandon() {
        decoder = null;
        summarizer = null;
        taken = false;
    }

    /** What its decoder made of the response; read once {@link #done}. */
    Object value() {
        return value;
    }

    /** "get(totem.cluster_name)": built only when an error needs it. */
    String context() {
        return CallName.of(operation, key);
    }

    /**
     * Records the outcome once. An answer ({@code error} null) goes to {@link #answered} first: a
     * caller that times out meanwhile waits for it here, and one that finds {@link #done} finds
     * it has run.
     *
     * @return false if it already had an outcome; {@link #answered} did not run
     */
    synchronized boolean finish(Object result, CmapException error) {
        if (done) {
            return false;
        }
        Consumer<Object> then = answered;
        answered = null;
        try {
            if (then != null && error == null) {
                then.accept(result);
            }
        } finally {
            value = result;
            failure = error;
            decoder = null; // already used, or never to be: see the class comment
            summarizer = null;
            done = true;
        }
        return true;
    }

    /** {@code slice}, or less if the deadline comes first. */
    long parkNanos(long slice) {
        if (deadline == 0) {
            return slice;
        }
        return Math.max(1, Math.min(slice, deadline - System.nanoTime()));
    }

    synchronized void throwIfFailed() {
        if (failure != null) {
            // a fresh exception carries the caller's stack, the original the reader's
            throw new CmapException(failure.error(), failure.errno(), failure.context(), failure);
        }
    }
}
