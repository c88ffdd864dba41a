package io.jcmap.protocol.cmap;

import java.lang.foreign.MemorySegment;

/**
 * Reusable reader of any response's header, e.g. to route a received message by id. Wrapping
 * checks the header is present and that its size field equals the received length.
 */
public final class ResponseHeader {
    private MemorySegment msg;

    /**
     * @param msg    buffer holding the message at offset 0
     * @param length number of bytes received
     * @throws CodecException MESSAGE_ERROR for a short message or a size field not equal to
     *                        {@code length}
     */
    public ResponseHeader wrap(MemorySegment msg, long length) {
        this.msg = null;
        ResponseFrame.checkHeader(msg, length);
        this.msg = msg;
        return this;
    }

    public int id() {
        return ResponseFrame.id(ResponseFrame.requireWrapped(msg));
    }

    public int size() {
        return ResponseFrame.size(ResponseFrame.requireWrapped(msg));
    }

    /** The cs_error_t number. */
    public int error() {
        return ResponseFrame.error(ResponseFrame.requireWrapped(msg));
    }
}
