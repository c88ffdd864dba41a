package io.jcmap.protocol.cmap;

import java.lang.foreign.MemorySegment;

/**
 * Reusable reader of the ITER_NEXT response ({@link IterNextResponseDescriptor}). The end of
 * the iteration is the error {@link CsCode#NO_SECTIONS}. Only {@link #keyName()} and
 * {@link #toResult()} allocate.
 */
public final class IterNextResponse {
    private static final String KEY = "ITER_NEXT key name";

    private MemorySegment msg;
    private int error;
    private int type;
    private long valueLength;

    /**
     * @param msg    buffer holding the message at offset 0
     * @param length number of bytes received
     * @throws CodecException MESSAGE_ERROR for a malformed message, a wrong id, a key name
     *                        longer than 255 bytes or with a NUL or invalid UTF-8 in it, an
     *                        absurd value_len or a type outside 1..12
     */
    public IterNextResponse wrap(MemorySegment msg, long length) {
        this.msg = null;
        int err = ResponseFrame.check(msg, length, CmapResponseId.ITER_NEXT, IterNextResponseDescriptor.LENGTH, false);
        if (err == CsCode.OK) {
            NameField.validate(msg, IterNextResponseDescriptor.KEY_NAME_OFFSET, KEY);
            valueLength = ResponseFrame.boundedLength(msg, IterNextResponseDescriptor.VALUE_LEN_OFFSET,
                    CmapMessageSize.MAX_GET_VALUE_LENGTH, "ITER_NEXT value_len");
            type = ResponseFrame.type(msg, IterNextResponseDescriptor.TYPE_OFFSET);
            if (!CmapValueType.isValid(type)) {
                throw CodecException.malformed("ITER_NEXT value type " + type + " is not one of 1..12");
            }
        }
        this.error = err;
        this.msg = msg;
        return this;
    }

    /** The cs_error_t number; NO_SECTIONS marks the end of the iteration. */
    public int error() {
        ResponseFrame.requireWrapped(msg);
        return error;
    }

    /** The key name's length in bytes. */
    public int keyNameLength() {
        requireOkBody();
        return NameField.length(msg, IterNextResponseDescriptor.KEY_NAME_OFFSET);
    }

    public String keyName() {
        requireOkBody();
        return NameField.read(msg, IterNextResponseDescriptor.KEY_NAME_OFFSET, KEY);
    }

    /** The stored value's length in bytes. */
    public long valueLength() {
        requireOkBody();
        return valueLength;
    }

    /** The value type, 1..12. */
    public int type() {
        requireOkBody();
        return type;
    }

    /** A copy of the body; fails with the response's error number if it is not OK. */
    public IterNextResult toResult() {
        return new IterNextResult(keyName(), valueLength, type);
    }

    private void requireOkBody() {
        ResponseFrame.requireWrapped(msg);
        ResponseFrame.requireOk(error);
    }
}
