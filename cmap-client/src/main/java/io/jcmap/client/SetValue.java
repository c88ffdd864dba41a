package io.jcmap.client;

import java.lang.foreign.MemorySegment;

/**
 * A value as a SET request carries it: either bytes made before the request ({@link Encoded}),
 * or a value that writes itself into the request ({@link InPlace}). A string is encoded once,
 * before the request: here, or by {@code setString} for an ASCII text. Asked for its length and
 * then for its bytes, it would walk its text for each (a set of a 16,000-character string took
 * 1.4-2.4 times libcmap's time on 2026-12-07, nearly all of it those walks).
 */
sealed interface SetValue {
    /** UTF-8 bytes of one Java char at most: 3 (a surrogate pair is 4 bytes for 2 chars). */
    int MAX_BYTES_PER_CHAR = 3;

    /** {@return the value's type} */
    CmapType type();

    /** {@return the number of value bytes the request carries} */
    int length();

    /** Writes the value bytes at the start of {@code area}, which is {@link #length()} bytes long. */
    void writeTo(MemorySegment area);

    /**
     * The value's length as corosync keeps it, which iteration reports: a string gets one byte
     * more, for the NUL corosync puts after it (we send none, as libcmap does), unless its last
     * byte is a NUL already.
     */
    long storedLength();

    /**
     * The value of a SET on a connection whose requests carry {@code maxValueLength} value bytes
     * at most. A string that cannot fit is not encoded: it has more chars than that (no char is
     * less than a byte), or, with chars of up to 3 bytes, more bytes (counted, not made); its
     * bytes could be gigabytes.
     *
     * @throws CmapException {@link CsError#INVALID_PARAM} for a null value
     */
    static SetValue of(String key, CmapValue value, long maxValueLength) {
        if (value == null) {
            throw new CmapException(CsError.INVALID_PARAM, CallName.of("set", key) + ": null value");
        }
        if (value instanceof CmapValue.Str string && fits(string, maxValueLength)) {
            return new Encoded(CmapType.STRING, CmapText.encode(string.value()));
        }
        return new InPlace(value);
    }

    private static boolean fits(CmapValue.Str string, long maxValueLength) {
        long chars = string.value().length();
        return chars <= maxValueLength
                && (chars <= maxValueLength / MAX_BYTES_PER_CHAR || string.encodedLength() <= maxValueLength);
    }

    /**
     * A value in the bytes the request carries.
     *
     * @param type  the value's type
     * @param bytes the bytes, not copied: nobody else holds them
     */
    record Encoded(CmapType type, byte[] bytes) implements SetValue {
        @Override
        public int length() {
            return bytes.length;
        }

        @Override
        public void writeTo(MemorySegment area) {
            MemorySegment.copy(bytes, 0, area, ValueCodec.I8, 0, bytes.length);
        }

        @Override
        public long storedLength() {
            boolean endsInNul = bytes.length > 0 && bytes[bytes.length - 1] == 0;
            return type == CmapType.STRING && !endsInNul ? bytes.length + 1L : bytes.length;
        }
    }

    /**
     * A value written straight into the request: a number, or a binary value from its own array;
     * also a string too long to encode ({@link #of}), which never reaches a request.
     *
     * @param value the value
     */
    record InPlace(CmapValue value) implements SetValue {
        @Override
        public CmapType type() {
            return value.type();
        }

        @Override
        public int length() {
            return value.encodedLength();
        }

        @Override
        public void writeTo(MemorySegment area) {
            value.writeTo(area, 0);
        }

        /** As sent: a string here is one too long for any request, refused before it is sent. */
        @Override
        public long storedLength() {
            return length();
        }
    }
}
