package io.jcmap.protocol.cmap;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;

/** Reusable, allocation-free reader of the ITER_INIT response ({@link IterInitResponseDescriptor}). */
public final class IterInitResponse {
    private MemorySegment msg;
    private int error;

    /**
     * @param msg    buffer holding the message at offset 0
     * @param length number of bytes received
     * @throws CodecException MESSAGE_ERROR for a malformed message or a wrong id
     */
    public IterInitResponse wrap(MemorySegment msg, long length) {
        this.msg = null;
        this.error = ResponseFrame.check(msg, length, CmapResponseId.ITER_INIT, IterInitResponseDescriptor.LENGTH, false);
        this.msg = msg;
        return this;
    }

    /** The cs_error_t number. */
    public int error() {
        ResponseFrame.requireWrapped(msg);
        return error;
    }

    /**
     * The server's iterator handle (unsigned 64-bit), for iter_next and iter_finalize.
     *
     * @throws CodecException with the response's error number if it is not OK
     */
    public long iterHandle() {
        MemorySegment m = ResponseFrame.requireWrapped(msg);
        ResponseFrame.requireOk(error);
        return m.get(JAVA_LONG_UNALIGNED, IterInitResponseDescriptor.ITER_HANDLE_OFFSET);
    }
}
