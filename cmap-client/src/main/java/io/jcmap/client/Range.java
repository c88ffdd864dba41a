package io.jcmap.client;

/** Range checks for the unsigned C types Java lacks. */
final class Range {
    static final int UINT8_MAX = 0xFF;
    static final int UINT16_MAX = 0xFFFF;
    static final long UINT32_MAX = 0xFFFF_FFFFL;
    static final String UINT64_MAX = Long.toUnsignedString(-1L);

    private Range() {
    }

    /** Returns {@code value} when {@code min <= value <= max}, else throws INVALID_PARAM. */
    static long check(String typeName, long value, long min, long max) {
        if (value < min || value > max) {
            throw new CmapException(CsError.INVALID_PARAM,
                    typeName + " value " + value + " out of range " + min + ".." + max);
        }
        return value;
    }
}
