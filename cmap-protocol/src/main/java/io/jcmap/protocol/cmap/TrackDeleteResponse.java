package io.jcmap.protocol.cmap;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;

/** Reusable, allocation-free reader of the TRACK_DELETE response ({@link TrackDeleteResponseDescriptor}). */
public final class TrackDeleteResponse {
    private MemorySegment msg;
    private int error;

    /**
     * @param msg    buffer holding the message at offset 0
     * @param length number of bytes received
     * @throws CodecException MESSAGE_ERROR for a malformed message or a wrong id
     */
    public TrackDeleteResponse wrap(MemorySegment msg, long length) {
        this.msg = null;
        this.error = ResponseFrame.check(msg, length, CmapResponseId.TRACK_DELETE,
                TrackDeleteResponseDescriptor.LENGTH, false);
        this.msg = msg;
        return this;
    }

    /** The cs_error_t number. */
    public int error() {
        ResponseFrame.requireWrapped(msg);
        return error;
    }

    /**
     * The client's own handle given at track_add (unsigned 64-bit), now released.
     *
     * @throws CodecException with the response's error number if it is not OK
     */
    public long trackInstHandle() {
        MemorySegment m = ResponseFrame.requireWrapped(msg);
        ResponseFrame.requireOk(error);
        return m.get(JAVA_LONG_UNALIGNED, TrackDeleteResponseDescriptor.TRACK_INST_HANDLE_OFFSET);
    }
}
