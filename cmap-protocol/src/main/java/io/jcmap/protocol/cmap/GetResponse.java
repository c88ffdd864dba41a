package io.jcmap.protocol.cmap;

import java.lang.foreign.MemorySegment;

/**
 * Reusable, allocation-free reader of the GET response ({@link GetResponseDescriptor}).
 *
 * <p>Sizing rule: on success the server sends {@code 40 + R} bytes where R is the value length
 * the request reserved, while the body's value_len is the ACTUAL value length. With R = 0 the
 * answer is a length query: 40 bytes, no value bytes, value_len = the stored length. If the value
 * does not fit a non-zero R, the default map answers INVALID_PARAM but the stats map answers OK
 * with value_len &gt; R and only R value bytes; both the length query and that truncated answer
 * have {@link #valueIncluded()} false, and the client asks again with {@link #valueLength()}.
 * On error only the 40-byte fixed part (or corosync's 24-byte bare header) is sent.
 */
public final class GetResponse {
    private MemorySegment msg;
    private long length;
    private int error;
    private int type;
    private long valueLength;

    /**
     * @param msg    buffer holding the message at offset 0
     * @param length number of bytes received
     * @throws CodecException MESSAGE_ERROR for a malformed message, a wrong id, a type outside
     *                        1..12, or a value_len above {@link CmapMessageSize#MAX_GET_VALUE_LENGTH}
     */
    public GetResponse wrap(MemorySegment msg, long length) {
        this.msg = null;
        int err = ResponseFrame.check(msg, length, CmapResponseId.GET, GetResponseDescriptor.LENGTH, true);
        if (err == CsCode.OK) {
            // Bounded so that asking again for the whole value stays encodable; never sliced unless present.
            valueLength = ResponseFrame.boundedLength(msg, GetResponseDescriptor.VALUE_LEN_OFFSET,
                    CmapMessageSize.MAX_GET_VALUE_LENGTH, "value_len");
            type = ResponseFrame.type(msg, GetResponseDescriptor.TYPE_OFFSET);
            if (!CmapValueType.isValid(type)) {
                throw CodecException.malformed("GET response value type " + type + " is not one of 1..12");
            }
        }
        this.error = err;
        this.length = length;
        this.msg = msg;
        return this;
    }

    /** The cs_error_t number. */
    public int error() {
        ResponseFrame.requireWrapped(msg);
        return error;
    }

    /** The value type (1..12); fails with the response's error number if it is not OK. */
    public int type() {
        requireOkBody();
        return type;
    }

    /** The actual length of the stored value. */
    public long valueLength() {
        requireOkBody();
        return valueLength;
    }

    /** The size of the value area, i.e. the value length the request reserved. */
    public long valueAreaLength() {
        requireOkBody();
        return length - GetResponseDescriptor.LENGTH;
    }

    /**
     * Whether all value bytes are present: false for a length query of a non-empty value and for
     * a value larger than the reserved area.
     */
    public boolean valueIncluded() {
        requireOkBody();
        return valueLength <= length - GetResponseDescriptor.LENGTH;
    }

    /**
     * The value bytes, as a slice of the wrapped buffer (valid as long as the buffer is).
     *
     * @throws CodecException LIBRARY if the value is not included
     */
    public MemorySegment value() {
        if (!valueIncluded()) {
            throw new CodecException(CsCode.LIBRARY, "the response carries the value length "
                    + valueLength + " but only " + (length - GetResponseDescriptor.LENGTH) + " value bytes");
        }
        return msg.asSlice(GetResponseDescriptor.VALUE_OFFSET, valueLength);
    }

    private void requireOkBody() {
        ResponseFrame.requireWrapped(msg);
        ResponseFrame.requireOk(error);
    }
}
