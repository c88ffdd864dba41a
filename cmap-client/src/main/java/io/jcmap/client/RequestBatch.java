package io.jcmap.client;

import io.jcmap.protocol.cmap.CodecException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * Requests encoded one after another into one buffer, for {@link Pipeline#sendBatch}. One thread
 * fills it; it is reused after each send.
 */
final class RequestBatch {
    private MemorySegment buffer = MemorySegment.NULL;
    private PendingRequest[] pendings = new PendingRequest[16];
    private long[] offsets = new long[16];
    private int[] lengths = new int[16];
    private int count;
    private long used;

    /**
     * Encodes one request of at most {@code size} bytes and returns the future its response
     * completes; nothing is sent yet.
     *
     * @throws CmapException when the request cannot be encoded (nothing is added)
     */
    <T> CompletableFuture<T> add(String operation, String key, int responseId, int size, Pipeline.Encoder encoder,
                                 Pipeline.Decoder<T> decoder) {
        return add(operation, key, responseId, size, Pipeline.DEFAULT_RESPONSE_BOUND, encoder, decoder);
    }

    /** {@link #add} for a request whose response may take up to {@code responseBound} bytes. */
    <T> CompletableFuture<T> add(String operation, String key, int responseId, int size, long responseBound,
                                 Pipeline.Encoder encoder, Pipeline.Decoder<T> decoder) {
        long offset = Pipeline.aligned(used);
        reserve(offset + size);
        int length;
        try {
            length = encoder.encode(buffer.asSlice(offset, size));
        } catch (CodecException e) {
            throw CmapException.ofCodec(CallName.of(operation, key), e);
        }
        if (count == pendings.length) {
            grow();
        }
        PendingRequest pending = new PendingRequest(null);
        ResponseFuture<T> future = ResponseFuture.of(null, pending); // its pipeline: the one it is flushed onto
        pending.prepare(operation, key, responseId, decoder, null, 0);
        pending.responseBound = responseBound;
        pending.future = future;
        pendings[count] = pending;
        offsets[count] = offset;
        lengths[count] = length;
        count++;
        used = offset + length;
        return future;
    }

    int size() {
        return count;
    }

    PendingRequest pending(int index) {
        return pendings[index];
    }

    /** A copy of the requests added. */
    PendingRequest[] pendings() {
        return Arrays.copyOf(pendings, count);
    }

    int length(int index) {
        return lengths[index];
    }

    MemorySegment request(int index) {
        return buffer.asSlice(offsets[index], lengths[index]);
    }

    private void reserve(long needed) {
        if (buffer.byteSize() >= needed) {
            return;
        }
        long capacity = Math.max(needed, Math.max(Pipeline.INITIAL_SEND_BUFFER, buffer.byteSize() * 2));
        MemorySegment larger = Arena.ofAuto().allocate(capacity, Pipeline.REQUEST_ALIGNMENT);
        if (used > 0) {
            larger.copyFrom(buffer.asSlice(0, used));
        }
        buffer = larger;
    }

    private void grow() {
        int capacity = pendings.length * 2;
        pendings = Arrays.copyOf(pendings, capacity);
        offsets = Arrays.copyOf(offsets, capacity);
        lengths = Arrays.copyOf(lengths, capacity);
    }

    /** The backlog keeps slices of the buffer: the next request is encoded into a new one. */
    void handOverBuffer() {
        buffer = MemorySegment.NULL;
        used = 0;
    }

    void clear() {
        Arrays.fill(pendings, 0, count, null);
        count = 0;
        used = 0;
    }
}
