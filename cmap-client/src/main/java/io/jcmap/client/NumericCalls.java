package io.jcmap.client;

import io.jcmap.protocol.cmap.AdjustIntRequestDescriptor;
import io.jcmap.protocol.cmap.CmapRequests;
import io.jcmap.protocol.cmap.CmapResponseId;
import io.jcmap.protocol.cmap.CmapValueType;
import io.jcmap.protocol.cmap.CodecException;
import io.jcmap.protocol.cmap.GetRequestDescriptor;
import io.jcmap.protocol.cmap.GetResponse;
import io.jcmap.protocol.cmap.GetResponseDescriptor;
import io.jcmap.protocol.cmap.SetRequestDescriptor;
import io.jcmap.protocol.cmap.StatusResponse;

import java.lang.foreign.MemorySegment;

/**
 * The calls of a {@link ConnectedHandle} that allocate nothing: the typed numeric setters and
 * getters, inc and dec. Each takes its thread's reusable request ({@link Pipeline#syncPending}),
 * encodes straight into the send buffer, and keeps what it needs of the answer in the request's
 * primitive fields ({@link Pipeline.Summarizer}), so neither a value object nor a lambda is made.
 */
final class NumericCalls {
    /** Value bytes reserved by a numeric GET: every numeric type fits (libcmap reserves 16). */
    private static final int RESERVE = Long.BYTES;
    private static final int OK = CsError.OK.code();

    private static final Pipeline.Summarizer STATUS = (response, length, target) -> {
        int error = StatusResponse.decode(response, length, target.responseId);
        if (error != OK) {
            throw CmapException.ofCode(error, "");
        }
    };

    private final ConnectedHandle handle;
    /** Used only by the thread holding the pipeline's receive lock. */
    private final GetResponse getResponse = new GetResponse();
    private final Pipeline.Summarizer numberSummarizer = this::summarizeNumber;
    /**
     * A SET answer's check, which tells the open iterators as ConnectedHandle's setDecoder does.
     * One for every type: the request carries its type in {@link PendingRequest#valueType}, so a
     * handle need not hold a check per type.
     */
    private final Pipeline.Summarizer setCheck;

    NumericCalls(ConnectedHandle handle, OpenIterators iterators) {
        this.handle = handle;
        this.setCheck = (response, length, pending) -> {
            STATUS.summarize(response, length, pending);
            if (iterators.any()) {
                CmapType type = CmapType.ofCode(pending.valueType);
                iterators.stored(pending.key, type, type.fixedSize());
            }
        };
    }

    /** Sets {@code key} to the low {@code type.fixedSize()} bytes of {@code bits}. */
    void set(String key, CmapType type, long bits) {
        handle.checkOpen("set", key);
        Pipeline pipeline = handle.pipeline();
        PendingRequest pending = pipeline.syncPending("set", key, CmapResponseId.SET, setCheck);
        pending.valueType = type.code(); // for setCheck: a SET's answer carries no type
        int size = type.fixedSize();
        MemorySegment buffer = beginSend(pipeline, pending, SetRequestDescriptor.LENGTH + size);
        int length;
        try {
            NumericBits.write(buffer, SetRequestDescriptor.VALUE_OFFSET, size, bits);
            length = CmapRequests.setNumericInPlace(buffer, key, type.code(), size);
        } catch (CodecException e) {
            throw encodingFailed(pipeline, pending, "set", key, e);
        }
        sendAndAwait(pipeline, pending, length);
    }

    /** Adds {@code step} to the number under {@code key} (inc, dec). */
    void adjust(String operation, String key, int step) {
        handle.checkOpen(operation, key);
        Pipeline pipeline = handle.pipeline();
        PendingRequest pending = pipeline.syncPending(operation, key, CmapResponseId.ADJUST_INT, STATUS);
        MemorySegment buffer = beginSend(pipeline, pending, AdjustIntRequestDescriptor.LENGTH);
        int length;
        try {
            length = CmapRequests.adjustInt(buffer, key, step);
        } catch (CodecException e) {
            throw encodingFailed(pipeline, pending, operation, key, e);
        }
        sendAndAwait(pipeline, pending, length);
    }

    /** The bits of the number under {@code key}, zero-extended, if it is of type {@code expected}. */
    long get(String key, CmapType expected) {
        handle.checkOpen("get", key);
        Pipeline pipeline = handle.pipeline();
        PendingRequest pending = pipeline.syncPending("get", key, CmapResponseId.GET, numberSummarizer);
        MemorySegment buffer = beginSend(pipeline, pending, GetRequestDescriptor.LENGTH);
        int length;
        try {
            length = CmapRequests.get(buffer, key, RESERVE);
        } catch (CodecException e) {
            throw encodingFailed(pipeline, pending, "get", key, e);
        }
        pipeline.finishSend(pending, length);
        int type;
        long valueLength;
        long bits;
        try {
            pipeline.await(pending);
            type = pending.valueType;
            valueLength = pending.valueLength;
            bits = pending.valueBits;
        } finally {
            pending.release();
        }
        if (type != expected.code() || valueLength != expected.fixedSize()) {
            throw new CmapException(CsError.INVALID_PARAM, CallName.of("get", key) + ": holds "
                    + typeName(type) + ", not " + expected);
        }
        return bits;
    }

    private static void sendAndAwait(Pipeline pipeline, PendingRequest pending, int length) {
        pipeline.finishSend(pending, length);
        try {
            pipeline.await(pending);
        } finally {
            pending.release();
        }
    }

    /** Lets go of the send lock and says why the request could not be encoded. */
    private static CmapException encodingFailed(Pipeline pipeline, PendingRequest pending, String operation,
                                                String key, CodecException e) {
        pipeline.abortSend();
        pending.abandon();
        return CmapException.ofCodec(CallName.of(operation, key), e);
    }

    /**
     * {@link Pipeline#beginSend}; a request that cannot be sent (a broken pipeline, an interrupt)
     * lets go of its summarizer, which refers to the handle: the thread's reusable request would
     * else keep a closed handle reachable from the thread.
     */
    private static MemorySegment beginSend(Pipeline pipeline, PendingRequest pending, int size) {
        try {
            return pipeline.beginSend(pending, size);
        } catch (RuntimeException e) {
            pending.abandon();
            throw e;
        }
    }

    /** Keeps a numeric GET answer's type and bits in the request record. */
    private void summarizeNumber(MemorySegment response, int length, PendingRequest target) {
        GetResponse answer = getResponse.wrap(response, length);
        int error = answer.error();
        if (error == CsError.INVALID_PARAM.code()) {
            // too long for the numeric reservation, so not a number: libcmap answers the same
            throw new CmapException(CsError.INVALID_PARAM, "not a numeric key");
        }
        if (error != OK) {
            throw CmapException.ofCode(error, "");
        }
        long valueLength = answer.valueLength();
        if (!answer.valueIncluded() || valueLength > Long.BYTES || !CmapType.isFixedSizeCode(answer.type())) {
            // a short string or binary fits the reservation, yet is no number (libcmap: type check)
            throw new CmapException(CsError.INVALID_PARAM, "not a numeric key");
        }
        if (CmapValueType.fixedLength(answer.type()) != valueLength) {
            throw new CmapException(CsError.MESSAGE_ERROR, "a numeric value of " + valueLength + " bytes");
        }
        target.valueType = answer.type();
        target.valueLength = valueLength;
        target.valueBits = NumericBits.read(response, GetResponseDescriptor.VALUE_OFFSET, valueLength);
    }

    private static String typeName(int code) {
        CmapType type = CmapType.ofCode(code);
        return type != null ? type.name() : "type " + code;
    }
}
