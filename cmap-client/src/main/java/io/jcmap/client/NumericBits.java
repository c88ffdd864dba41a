package io.jcmap.client;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * Numeric values in their wire form (native byte order, 1, 2, 4 or 8 bytes) read into and
 * written from the low bits of a long, so that the typed fast paths need no value object.
 */
final class NumericBits {
    private NumericBits() {
    }

    /** The {@code length} bytes at {@code offset}, zero-extended. */
    static long read(MemorySegment source, long offset, long length) {
        return switch ((int) length) {
            case Byte.BYTES -> source.get(JAVA_BYTE, offset) & 0xFFL;
            case Short.BYTES -> source.get(JAVA_SHORT_UNALIGNED, offset) & 0xFFFFL;
            case Integer.BYTES -> source.get(JAVA_INT_UNALIGNED, offset) & 0xFFFF_FFFFL;
            case Long.BYTES -> source.get(JAVA_LONG_UNALIGNED, offset);
            default -> throw new CmapException(CsError.MESSAGE_ERROR, "a numeric value of " + length + " bytes");
        };
    }

    /** Writes the low {@code length} bytes of {@code bits} at {@code offset}. */
    static void write(MemorySegment target, long offset, int length, long bits) {
        switch (length) {
            case Byte.BYTES -> target.set(JAVA_BYTE, offset, (byte) bits);
            case Short.BYTES -> target.set(JAVA_SHORT_UNALIGNED, offset, (short) bits);
            case Integer.BYTES -> target.set(JAVA_INT_UNALIGNED, offset, (int) bits);
            case Long.BYTES -> target.set(JAVA_LONG_UNALIGNED, offset, bits);
            default -> throw new IllegalArgumentException("numeric width " + length);
        }
    }
}
