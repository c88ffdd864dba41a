package io.jcmap.protocol.cmap;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Reads and writes a {@code mar_name_t} as UTF-8 without intermediate buffers on the way out:
 * key names are ASCII in practice, so encoding walks the chars directly. A lone surrogate
 * U+DC80..U+DCFF is written as the byte 0x80..0xFF it stands for, the rule by which the client
 * keeps bytes that are not UTF-8 (its {@code CmapText}): a name taken from such bytes reaches
 * corosync as those bytes, as libcmap would send them, and corosync judges it.
 */
final class NameField {
    private static final int ASCII_LIMIT = 0x80;
    private static final int TWO_BYTE_LIMIT = 0x800;
    private static final int UTF8_BYTES_2 = 2;
    private static final int UTF8_BYTES_3 = 3;
    private static final int UTF8_BYTES_4 = 4;
    private static final int CONTINUATION = 0x80;
    private static final int CONTINUATION_MASK = 0x3F;
    private static final int LEAD_2 = 0xC0;
    private static final int LEAD_3 = 0xE0;
    private static final int LEAD_4 = 0xF0;
    private static final int SHIFT_1 = 6;
    private static final int SHIFT_2 = 12;
    private static final int SHIFT_3 = 18;
    private static final char FIRST_BYTE_ESCAPE = '\uDC80';
    private static final char LAST_BYTE_ESCAPE = '\uDCFF';
    private static final int BYTE_MASK = 0xFF;

    private NameField() {
    }

    /**
     * The UTF-8 length of {@code name}, checked against the name limits.
     *
     * @throws CodecException NAME_TOO_LONG outside {@code minLength..255} bytes, INVALID_PARAM
     *                        for a NUL char (the server would cut the name there) or an
     *                        unpaired surrogate that stands for no byte
     */
    static int checkedLength(String name, int minLength, String what) {
        // Every char encodes to at least one byte, so a long String is refused before scanning.
        if (name.length() > NameDescriptor.MAX_NAME_LENGTH) {
            throw new CodecException(CsCode.NAME_TOO_LONG, what + " has " + name.length()
                    + " chars, more than the maximum of " + NameDescriptor.MAX_NAME_LENGTH + " bytes");
        }
        int bytes = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == 0) {
                throw CodecException.invalidParam(what + " contains a NUL character at index " + i);
            }
            if (c < ASCII_LIMIT) {
                bytes++;
            } else if (c < TWO_BYTE_LIMIT) {
                bytes += UTF8_BYTES_2;
            } else if (isPairAt(name, i)) {
                bytes += UTF8_BYTES_4;
                i++;
            } else if (isByteEscape(c)) {
                bytes++;
            } else if (Character.isSurrogate(c)) {
                throw CodecException.invalidParam(what + " has an unpaired surrogate at index " + i
                        + " that stands for no byte");
            } else {
                bytes += UTF8_BYTES_3;
            }
        }
        if (bytes > NameDescriptor.MAX_NAME_LENGTH) {
            throw new CodecException(CsCode.NAME_TOO_LONG, what + " is " + bytes
                    + " bytes in UTF-8, more than the maximum of " + NameDescriptor.MAX_NAME_LENGTH);
        }
        if (bytes < minLength) {
            throw new CodecException(CsCode.NAME_TOO_LONG,
                    what + " is " + bytes + " bytes, shorter than the minimum of " + minLength);
        }
        return bytes;
    }

    /** Writes a name already checked by {@link #checkedLength} into a zeroed field. */
    static void write(MemorySegment dst, long fieldOffset, String name, int byteLength) {
        dst.set(JAVA_SHORT_UNALIGNED, fieldOffset + NameDescriptor.LENGTH_OFFSET, (short) byteLength);
        long at = fieldOffset + NameDescriptor.VALUE_OFFSET;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < ASCII_LIMIT) {
                dst.set(JAVA_BYTE, at++, (byte) c);
            } else if (c < TWO_BYTE_LIMIT) {
                dst.set(JAVA_BYTE, at++, (byte) (LEAD_2 | (c >> SHIFT_1)));
                dst.set(JAVA_BYTE, at++, continuation(c));
            } else if (isByteEscape(c)) {
                dst.set(JAVA_BYTE, at++, (byte) (c & BYTE_MASK));
            } else if (Character.isHighSurrogate(c)) {
                int cp = Character.toCodePoint(c, name.charAt(++i));
                dst.set(JAVA_BYTE, at++, (byte) (LEAD_4 | (cp >> SHIFT_3)));
                dst.set(JAVA_BYTE, at++, continuation(cp >> SHIFT_2));
                dst.set(JAVA_BYTE, at++, continuation(cp >> SHIFT_1));
                dst.set(JAVA_BYTE, at++, continuation(cp));
            } else {
                dst.set(JAVA_BYTE, at++, (byte) (LEAD_3 | (c >> SHIFT_2)));
                dst.set(JAVA_BYTE, at++, continuation(c >> SHIFT_1));
                dst.set(JAVA_BYTE, at++, continuation(c));
            }
        }
    }

    /** The declared length of a received name field, unchecked. */
    static int length(MemorySegment msg, long fieldOffset) {
        return Short.toUnsignedInt(msg.get(JAVA_SHORT_UNALIGNED, fieldOffset + NameDescriptor.LENGTH_OFFSET));
    }

    /**
     * Checks a received name: length at most 255, no NUL inside it, valid UTF-8.
     *
     * @throws CodecException MESSAGE_ERROR otherwise
     */
    static void validate(MemorySegment msg, long fieldOffset, String what) {
        int length = length(msg, fieldOffset);
        if (length > NameDescriptor.MAX_NAME_LENGTH) {
            throw CodecException.malformed(what + " length " + length + " exceeds "
                    + NameDescriptor.MAX_NAME_LENGTH);
        }
        long start = fieldOffset + NameDescriptor.VALUE_OFFSET;
        boolean ascii = true;
        for (int i = 0; i < length; i++) {
            byte b = msg.get(JAVA_BYTE, start + i);
            if (b == 0) {
                throw CodecException.malformed(what + " has a NUL byte at " + i + " within its length " + length);
            }
            ascii &= b > 0;
        }
        if (!ascii) {
            decodeStrict(bytes(msg, fieldOffset, length), what);
        }
    }

    /** Reads a name that passed {@link #validate}. */
    static String read(MemorySegment msg, long fieldOffset, String what) {
        byte[] bytes = bytes(msg, fieldOffset, length(msg, fieldOffset));
        for (byte b : bytes) {
            if (b < 0) {
                return decodeStrict(bytes, what);
            }
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static byte[] bytes(MemorySegment msg, long fieldOffset, int length) {
        byte[] bytes = new byte[length];
        MemorySegment.copy(msg, JAVA_BYTE, fieldOffset + NameDescriptor.VALUE_OFFSET, bytes, 0, length);
        return bytes;
    }

    private static String decodeStrict(byte[] bytes, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw CodecException.malformed(what + " is not valid UTF-8");
        }
    }

    private static boolean isPairAt(String s, int i) {
        return Character.isHighSurrogate(s.charAt(i))
                && i + 1 < s.length()
                && Character.isLowSurrogate(s.charAt(i + 1));
    }

    private static boolean isByteEscape(char c) {
        return c >= FIRST_BYTE_ESCAPE && c <= LAST_BYTE_ESCAPE;
    }

    private static byte continuation(int bits) {
        return (byte) (CONTINUATION | (bits & CONTINUATION_MASK));
    }
}
