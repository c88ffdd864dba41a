package io.jcmap.client;

import io.jcmap.protocol.ipc.IpcConnection;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The asynchronous face of a pipeline: a request sent without waiting, a batch sent with one
 * wake-up of the server (decision 0018), and the caller's read, right after its send, of the
 * answers already waiting (decision 0006). Separate from {@link Pipeline}: these callers never
 * block, and what they do after a send (read what is there, or wake the response thread) is
 * theirs alone; the sending itself is the pipeline's, as for a synchronous call.
 */
final class AsyncRequests {
    private final Pipeline pipeline;
    private final IpcConnection connection;
    private final Backlog backlog;
    private final WireHold hold;
    private final Breakdown breakdown;
    private final ResponseThread responses;
    private final JoinsInActions joins;

    AsyncRequests(Pipeline pipeline, IpcConnection connection, Backlog backlog, WireHold hold, Breakdown breakdown,
                  ResponseThread responses, JoinsInActions joins) {
        this.pipeline = pipeline;
        this.connection = connection;
        this.backlog = backlog;
        this.hold = hold;
        this.breakdown = breakdown;
        this.responses = responses;
        this.joins = joins;
    }

    /**
     * Sends a request, or puts it in the backlog, and returns its future at once.
     *
     * @param deadline when it times out ({@link System#nanoTime}), or 0 for never
     * @param sentAnyway whether it goes out even once its caller gave up ({@link PendingRequest#sentAnyway})
     */
    <T> CompletableFuture<T> send(String operation, String key, int responseId, int size, long responseBound,
                                  Pipeline.Encoder encoder, Pipeline.Decoder<T> decoder, long deadline,
                                  boolean sentAnyway) {
        PendingRequest pending = new PendingRequest(null);
        ResponseFuture<T> future = ResponseFuture.of(pipeline, pending);
        pending.prepare(operation, key, responseId, decoder, null, deadline);
        pending.sentAnyway = sentAnyway;
        pending.responseBound = responseBound;
        pending.future = future;
        pipeline.asyncInFlight.incrementAndGet();
        MemorySegment buffer;
        try {
            buffer = pipeline.beginSend(pending, size);
        } catch (CmapException e) {
            return failed(future, e);
        }
        int length;
        try {
            length = pipeline.encode(encoder, buffer, pending);
        } catch (CmapException invalid) {
            // input that cannot be a request throws, as in a synchronous call and on a batch
            pipeline.asyncInFlight.decrementAndGet();
            throw invalid;
        }
        // only now: a request refused at once is never sent nor completed, and a join must not wait for it
        joins.watchIfJoining(future);
        try {
            pipeline.finishSend(pending, length);
        } catch (CmapException e) {
            return failed(future, e);
        }
        if (!readWhatIsWaiting(pending)) {
            responses.wake();
        }
        return future;
    }

    /**
     * Sends the requests of {@code batch} in order and wakes the server once for all of them
     * (one notification where {@link #send} costs one per request, and the server one
     * wake-up per batch instead of one per request or two). They join the backlog, which sends
     * what the window has room for with one notification under this hold of the send lock, so
     * the server never finds a request of ours in the ring whose notification is not on its
     * way: it would wait for it with its main loop blocked (see
     * {@link IpcConnection#sendWithoutNotifying}). Those left waiting keep the batch's buffer.
     */
    void sendBatch(RequestBatch batch) {
        int count = batch.size();
        if (count == 0) {
            return;
        }
        long deadline = pipeline.deadline();
        pipeline.asyncInFlight.addAndGet(count);
        PendingRequest first = batch.pending(0);
        for (int i = 0; i < count; i++) {
            ResponseFuture<?> future = batch.pending(i).future;
            future.sentOn(pipeline);
            joins.watchIfJoining(future);
        }
        PendingRequest[] failed = null;
        List<Backlogged> refused = null;
        CmapException reason;
        pipeline.sendLock.lock();
        try {
            reason = breakdown.reason();
            if (reason != null) {
                failed = batch.pendings(); // failed below, once the lock is released
            } else {
                boolean held = hold.isHeld(); // a batch's requests are asynchronous: they wait for any hold
                for (int i = 0; i < count; i++) {
                    PendingRequest pending = batch.pending(i);
                    pending.deadline = deadline;
                    pending.retired = false;
                    if (held) {
                        hold.holdBack(pending, batch.request(i), batch.length(i));
                    } else {
                        backlog.append(pending, batch.request(i), batch.length(i));
                    }
                }
                if (held) {
                    batch.handOverBuffer();
                } else {
                    backlog.recount();
                    first.readBefore = pipeline.sentCount();
                    refused = backlog.sendLocked(true);
                    if (backlog.size() > 0) {
                        batch.handOverBuffer();
                    }
                }
            }
        } finally {
            pipeline.unlockSend();
        }
        // empty before any completion action runs: one on this thread, the batch's owner, may fill
        // it or flush it again (a request it added was dropped, a flush it made left us its nulls)
        batch.clear();
        if (failed != null) {
            PendingRequest[] unsent = failed;
            breakdown.failingOnThisThread(unsent, () -> {
                for (PendingRequest pending : unsent) {
                    pipeline.complete(pending, null, Pipeline.brokenFor(reason, pending));
                }
            });
        }
        backlog.failRefused(refused);
        if (!readWhatIsWaiting(first)) {
            responses.wake();
        }
    }

    /**
     * After an asynchronous send: completes the earlier requests whose responses are already
     * there, on this thread, if nobody else is reading and looking is free. A caller issuing
     * requests in a loop thus completes them itself, and the drainer thread sleeps instead of
     * taking turns with it for a CPU.
     *
     * <p>It stops before {@code sent}, the request just issued (at the responses of the requests
     * on the wire before it, should it wait in the backlog): this caller never completes the
     * future it is about to return, so
     * an action attached to it does not run at once on the caller's stack (a chain of requests,
     * each issued from the previous one's action, would otherwise nest a frame per request).
     * Counting responses instead of looking at the queue's head keeps the look lock-free.
     *
     * @return whether it looked; if not, the drainer must
     */
    private boolean readWhatIsWaiting(PendingRequest sent) {
        if (!connection.looksWithoutSyscall() || pipeline.receiveLock.isHeldByCurrentThread()
                || !pipeline.receiveLock.tryLock()) {
            return false; // the second: a completion action that issues requests of its own
        }
        try {
            // bounded, too: actions that issue requests must not keep their caller here for ever
            int read = 0;
            while (read < Pipeline.MAX_IN_FLIGHT && pipeline.readCount() < sent.readBefore && pipeline.readOne(0)) {
                read++;
            }
            if (read > 0) {
                responses.callerRead();
            }
        } finally {
            pipeline.receiveLock.unlock();
        }
        if (pipeline.asyncInFlight.get() > 0) {
            responses.wake();
        }
        return true;
    }

    /** {@code future}, failed with {@code reason}: the request never reached the wire. */
    private <T> CompletableFuture<T> failed(CompletableFuture<T> future, CmapException reason) {
        pipeline.asyncInFlight.decrementAndGet();
        future.completeExceptionally(reason);
        return future;
    }
}
