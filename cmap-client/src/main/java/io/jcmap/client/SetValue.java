package io.jcmap.client;

import java.lang.foreign.MemorySegment;

/**
 * A value as a SET request carries it. A string is encoded once, here: asked for its length and
 * then for its bytes, it would walk its text for each (a set of a 16,000-character string took
 * 1.4-2.4 times libcmap's time on 2026-12-07, nearly all of it those walks).
 *
 * @param value the value
 * @param text  a string value's bytes, or null for any other type
 */
record SetValue(CmapValue value, byte[] text) {

    /**
     * The value of a SET on a connection whose messages hold {@code maxRequestLength} bytes. A
     * string with more chars than that holds is not encoded: it cannot fit (no char is less than
     * a byte), and its bytes could be gigabytes.
     *
     * @throws CmapException {@link CsError#INVALID_PARAM} for a null value
     */
    static SetValue of(String key, CmapValue value, int maxRequestLength) {
        if (value == null) {
            throw new CmapException(CsError.INVALID_PARAM, CallName.of("set", key) + ": null value");
        }
        if (value instanceof CmapValue.Str string && string.value().length() <= maxRequestLength) {
            return new SetValue(value, CmapText.encode(string.value()));
        }
        return new SetValue(value, null);
    }

    /** {@return the number of value bytes the request carries} */
    int length() {
        return text != null ? text.length : value.encodedLength();
    }

    /** Writes the value bytes at the start of {@code area}, which is {@link #length()} bytes long. */
    void writeTo(MemorySegment area) {
        if (text != null) {
            MemorySegment.copy(text, 0, area, ValueCodec.I8, 0, text.length);
        } else {
            value.writeTo(area, 0);
        }
    }
}
