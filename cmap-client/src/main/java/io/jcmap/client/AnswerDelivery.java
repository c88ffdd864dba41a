package io.jcmap.client;

import io.jcmap.protocol.cmap.CodecException;
import io.jcmap.protocol.cmap.ResponseHeader;
import io.jcmap.protocol.ipc.IpcConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.MemorySegment;

/**
 * What a pipeline does with an answer it read: checks that it is the answer due to the request at
 * the head of the queue (corosync's answers carry no ids, only the message id of their kind),
 * decodes it for its caller, or, should the caller have given up, drops it or undoes what it made
 * (decision 0033). Separate from {@link Pipeline}: reading decides whose answer it is; this decides
 * what the answer means, and what is left when nobody waits for it.
 */
final class AnswerDelivery {
    /** The pipeline's logger: one category for its machinery. */
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    /** corosync answers requests it refuses before any service handles them with id 0. */
    private static final int GLUE_REFUSAL_ID = 0;
    private static final int CS_OK = CsError.OK.code();

    private final Pipeline pipeline;
    private final IpcConnection connection;
    private final Breakdown breakdown;
    private final ResponseHeader header = new ResponseHeader();

    AnswerDelivery(Pipeline pipeline, IpcConnection connection, Breakdown breakdown) {
        this.pipeline = pipeline;
        this.connection = connection;
        this.breakdown = breakdown;
    }

    /**
     * Matches {@code response}, just read, to {@code head}, the request it answers, and delivers
     * it; the receive lock is held.
     */
    void match(PendingRequest head, MemorySegment response, int length) {
        int id;
        int error;
        try {
            header.wrap(response, length);
            id = header.id();
            error = header.error();
        } catch (CodecException e) {
            breakDownFor(head, CmapException.ofCodec(head.context(), e));
            return;
        }
        if (id == GLUE_REFUSAL_ID && id != head.responseId && error != CS_OK) {
            // corosync's IPC glue refused the request (overload, invalid size) before the service saw it
            pipeline.complete(head, null, CmapException.ofCode(error, head.context()));
            return;
        }
        if (id != head.responseId) {
            breakDownFor(head, new CmapException(CsError.MESSAGE_ERROR, head.context()
                    + ": server answered with message id " + id + " where " + head.responseId + " was due"));
            return;
        }
        deliver(head, response, length);
    }

    /**
     * Breaks down because of {@code head}'s malformed response. {@code head} has left the queue
     * already, so {@link Pipeline#breakDown} would not fail it: without this its caller would wait forever.
     */
    private void breakDownFor(PendingRequest head, CmapException reason) {
        // broken before its action runs, and first of those the breakdown fails: a join there of a later
        // request read the answers after the wrong one as theirs, or waited for more for ever
        if (!breakdown.breakDown(reason, connection::endRequests, head)) {
            pipeline.complete(head, null, reason);
        }
    }

    private void deliver(PendingRequest pending, MemorySegment response, int length) {
        // read once, before the look at done: a caller giving up from now on (a timeout, an interrupt:
        // decision 0035) lets go of both (PendingRequest#finish), and this read goes on with its copy
        Pipeline.Summarizer summarizer = pending.summarizer;
        Pipeline.Decoder<?> decoder = pending.decoder;
        if (pending.done || (summarizer == null && decoder == null)) {
            undoLate(pending, response, length); // its caller timed out or was interrupted
            return;
        }
        Object value = null;
        try {
            if (summarizer != null) {
                summarizer.summarize(response, length, pending);
            } else {
                value = decoder.decode(response, length);
            }
        } catch (CmapException e) {
            String detail = e.context() == null || e.context().isEmpty() ? "" : ": " + e.context();
            pipeline.complete(pending, null,
                    new CmapException(e.error(), e.errno(), pending.context() + detail, e.getCause()));
            return;
        } catch (CodecException e) {
            pipeline.complete(pending, null, CmapException.ofCodec(pending.context(), e));
            return;
        }
        if (!pipeline.complete(pending, value, null)) {
            // its caller timed out while the answer was being decoded: nobody will learn of it
            undoLate(pending, response, length);
        }
    }

    /** Hands a late answer to its request's {@link Pipeline.LateAnswer}, if it has one; else it is dropped. */
    private void undoLate(PendingRequest pending, MemorySegment response, int length) {
        Pipeline.LateAnswer undo = pending.undo;
        if (undo == null) {
            return;
        }
        pending.undo = null;
        try {
            undo.arrived(response, length);
        } catch (RuntimeException e) {
            // an error answer made nothing; a failing connection takes what the server held with it;
            // and the read that brought the answer must go on for the requests behind it
            LOG.debug("{}: nothing undone for the late answer", pending.context(), e);
        }
    }
}
