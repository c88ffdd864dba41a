package io.jcmap.client;

import io.jcmap.protocol.cmap.CmapMessageSize;

import java.nio.charset.StandardCharsets;

/**
 * How the bytes of a STRING value become Java text and back.
 *
 * <p>corosync stores a string value as the bytes it was given, and not every writer gives
 * UTF-8: a libcmap caller passes any {@code char *}, and corosync.conf is read as bytes. jcmap
 * reads well-formed UTF-8 as the text it encodes, and each byte of anything else as one lone
 * surrogate: byte {@code 0x80 + n} becomes {@code U+DC80 + n} (the "surrogateescape" rule of
 * Python's PEP 383; bytes below 0x80 are always well-formed). Writing text sends each such
 * surrogate as its byte again, so a value read and written back is the same bytes, and a tool
 * that prints it with {@link #encode(String)} prints what a C tool prints.
 *
 * <p>Any other unpaired surrogate has no byte form and is refused with
 * {@link CsError#INVALID_PARAM}.
 */
public final class CmapText {
    private static final int ONE_BYTE_LIMIT = 0x80;
    private static final int TWO_BYTE_LIMIT = 0x800;
    private static final int SURROGATE_PAIR_BYTES = 4;
    private static final int BMP_MAX_BYTES = 3;

    /** The surrogate that stands for byte 0x00; only 0x80..0xFF ever need one. */
    private static final char ESCAPE_BASE = '\uDC00';
    private static final char FIRST_ESCAPE = '\uDC80';
    private static final char LAST_ESCAPE = '\uDCFF';
    private static final int BYTE_MASK = 0xFF;
    /**
     * Java's bound (exclusive) on the length of a string with a char above U+00FF: such a string
     * keeps two bytes a char in one array.
     */
    static final int MAX_WIDE_CHARS = Integer.MAX_VALUE >> 1;
    /**
     * A text longer than this whose first chars are all U+00FF or below is looked at in bulk for
     * chars above U+00FF ({@link #isLatin1}); wider text goes on char by char.
     */
    private static final int BULK_CHECK_CHARS = 64;
    /**
     * The longest text looked at in bulk: the longest value corosync keeps. The bulk look copies
     * the text twice, which a longer one (never stored anyway) would pay in memory.
     */
    private static final int BULK_CHECK_MAX_CHARS = (int) CmapMessageSize.MAX_STORED_VALUE_LENGTH;
    private static final char LATIN1_MAX = '\u00ff';
    /** Above this lead byte a well-formed sequence encodes a char above U+00FF. */
    private static final int LAST_NARROW_LEAD = 0xC3;

    // The well-formed sequences of the Unicode standard (table 3-7): a lead byte, a second
    // byte whose range depends on the lead, and then continuation bytes.
    private static final int CONTINUATION_LOW = 0x80;
    private static final int CONTINUATION_HIGH = 0xBF;
    private static final int LEAD_2_LOW = 0xC2;
    private static final int LEAD_2_HIGH = 0xDF;
    private static final int LEAD_3_LOW = 0xE0;
    private static final int LEAD_3_HIGH = 0xEF;
    private static final int LEAD_4_LOW = 0xF0;
    private static final int LEAD_4_HIGH = 0xF4;
    /** After E0, a second byte below A0 would be an overlong form. */
    private static final int E0_SECOND_LOW = 0xA0;
    /** After ED, a second byte above 9F would encode a surrogate. */
    private static final int ED_SECOND_HIGH = 0x9F;
    /** After F0, a second byte below 90 would be an overlong form. */
    private static final int F0_SECOND_LOW = 0x90;
    /** After F4, a second byte above 8F would pass U+10FFFF. */
    private static final int F4_SECOND_HIGH = 0x8F;
    private static final int LEAD_ED = 0xED;

    private static final int LEAD_2 = 0xC0;
    private static final int LEAD_3 = 0xE0;
    private static final int LEAD_4 = 0xF0;
    private static final int CONTINUATION_BITS = 0x3F;
    private static final int SHIFT_1 = 6;
    private static final int SHIFT_2 = 12;
    private static final int SHIFT_3 = 18;

    private CmapText() {
    }

    /**
     * Reads bytes as text: well-formed UTF-8 as itself, any other byte as its lone surrogate.
     *
     * @param bytes the bytes; not null
     * @return the text, of which {@link #encode(String)} gives {@code bytes} back
     * @throws CmapException {@link CsError#INVALID_PARAM} for null; {@link CsError#TOO_BIG} as
     *                       {@link #decode(byte[], int, int)}
     */
    public static String decode(byte[] bytes) {
        if (bytes == null) {
            throw invalid("decode: bytes are null");
        }
        return decode(bytes, 0, bytes.length);
    }

    /**
     * Reads {@code length} bytes from {@code offset} as {@link #decode(byte[])} does.
     *
     * @param bytes  the bytes; not null
     * @param offset the first byte
     * @param length how many bytes
     * @return the text
     * @throws CmapException {@link CsError#INVALID_PARAM} for null or a range outside {@code bytes};
     *                       {@link CsError#TOO_BIG} when the text would be longer than a Java
     *                       string can be (from about 1 GiB of bytes on)
     */
    public static String decode(byte[] bytes, int offset, int length) {
        if (bytes == null) {
            throw invalid("decode: bytes are null");
        }
        if (offset < 0 || length < 0 || offset > bytes.length - length) {
            throw invalid("decode: " + length + " bytes at offset " + offset + " lie outside an array of "
                    + bytes.length);
        }
        int end = offset + length;
        if (length >= MAX_WIDE_CHARS) {
            TextSize size = sizeOf(bytes, offset, end);
            if (size.wide()) {
                checkWideLength(size.chars()); // TOO_BIG rather than the JDK's OutOfMemoryError
            }
        }
        int bad = firstMalformed(bytes, offset, end);
        if (bad < 0) {
            return new String(bytes, offset, length, StandardCharsets.UTF_8);
        }
        // the text is wide and, checked above, shorter than MAX_WIDE_CHARS; so is its builder
        StringBuilder text = new StringBuilder(Math.min(length, MAX_WIDE_CHARS - 1));
        int start = offset;
        while (bad >= 0) {
            text.append(new String(bytes, start, bad - start, StandardCharsets.UTF_8));
            text.append((char) (ESCAPE_BASE | (bytes[bad] & BYTE_MASK)));
            start = bad + 1;
            bad = firstMalformed(bytes, start, end);
        }
        return text.append(new String(bytes, start, end - start, StandardCharsets.UTF_8)).toString();
    }

    /**
     * Writes text as bytes: UTF-8, with each lone surrogate U+DC80..U+DCFF as the byte it stands
     * for.
     *
     * @param text the text; not null
     * @return the bytes
     * @throws CmapException {@link CsError#INVALID_PARAM} for null or an unpaired surrogate
     *                       outside U+DC80..U+DCFF; {@link CsError#TOO_BIG} when the bytes would
     *                       exceed 2 GiB
     */
    public static byte[] encode(String text) {
        if (text == null) {
            throw invalid("encode: text is null");
        }
        byte[] ascii = asciiBytes(text);
        if (ascii != null) {
            return ascii;
        }
        int firstSurrogate = firstSurrogate(text);
        if (firstSurrogate < 0) {
            if (text.length() > Integer.MAX_VALUE / BMP_MAX_BYTES) {
                length(text); // TOO_BIG rather than getBytes' OutOfMemoryError
            }
            return text.getBytes(StandardCharsets.UTF_8);
        }
        checkSurrogates(text, firstSurrogate, "text");
        byte[] bytes = new byte[length(text)];
        int at = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < ONE_BYTE_LIMIT) {
                bytes[at++] = (byte) c;
            } else if (c < TWO_BYTE_LIMIT) {
                bytes[at++] = (byte) (LEAD_2 | (c >> SHIFT_1));
                bytes[at++] = continuation(c);
            } else if (Character.isHighSurrogate(c)) {
                int cp = Character.toCodePoint(c, text.charAt(++i));
                bytes[at++] = (byte) (LEAD_4 | (cp >> SHIFT_3));
                bytes[at++] = continuation(cp >> SHIFT_2);
                bytes[at++] = continuation(cp >> SHIFT_1);
                bytes[at++] = continuation(cp);
            } else if (Character.isLowSurrogate(c)) {
                bytes[at++] = (byte) (c & BYTE_MASK);
            } else {
                bytes[at++] = (byte) (LEAD_3 | (c >> SHIFT_2));
                bytes[at++] = continuation(c >> SHIFT_1);
                bytes[at++] = continuation(c);
            }
        }
        return bytes;
    }

    /**
     * The bytes of a text whose chars are all below U+0080, or null for any other text (and for
     * null, and for a text longer than {@link #BULK_CHECK_MAX_CHARS}). Such a text has no
     * surrogate and its bytes are its chars, which the JDK checks and copies in bulk: two arrays
     * for a text longer than {@link #BULK_CHECK_CHARS} chars, where {@link #check} and the
     * encoding make three, and one for a shorter text, whose chars are looked at one by one.
     * Texts with a wide char in their first {@link #BULK_CHECK_CHARS} are not tried, so that they
     * rarely make one for nothing.
     */
    static byte[] asciiBytes(String text) {
        if (text == null || text.length() > BULK_CHECK_MAX_CHARS || !asciiHead(text)) {
            return null;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (text.length() <= BULK_CHECK_CHARS) {
            return bytes; // its head, every char of it, was looked at
        }
        // A longer encoding has a char past U+007F. One as long may still have had lone
        // surrogates, which the JDK writes as '?': the text the bytes stand for tells.
        return bytes.length == text.length() && text.equals(new String(bytes, StandardCharsets.ISO_8859_1))
                ? bytes : null;
    }

    /**
     * The bytes of a string value that {@link #check(String)} passes for being ASCII without a
     * NUL, or null for any other text: the check and the encoding of such a value at once.
     */
    static byte[] asciiValueBytes(String text) {
        return text != null && text.indexOf('\0') < 0 ? asciiBytes(text) : null;
    }

    private static boolean asciiHead(String text) {
        int head = Math.min(text.length(), BULK_CHECK_CHARS);
        for (int i = 0; i < head; i++) {
            if (text.charAt(i) >= ONE_BYTE_LIMIT) {
                return false;
            }
        }
        return true;
    }

    /**
     * Rejects, with INVALID_PARAM, what cannot be a string value: null, NUL characters (corosync
     * stores C strings), unpaired surrogates that stand for no byte, and surrogates for bytes
     * that together are well-formed UTF-8 (they would read back as other text).
     */
    static void check(String text) {
        if (text == null) {
            throw invalid("string value is null");
        }
        int nul = text.indexOf('\0');
        if (nul >= 0) {
            throw invalid("string value has a NUL character at index " + nul);
        }
        int firstSurrogate = firstSurrogate(text);
        if (firstSurrogate >= 0) {
            checkSurrogates(text, firstSurrogate, "string value");
            if (!decode(encode(text)).equals(text)) {
                throw invalid("string value has surrogates U+DC80..U+DCFF for bytes that together are UTF-8:"
                        + " it would read back as other text");
            }
        }
    }

    /**
     * The byte length of a text that passed {@link #check(String)}.
     *
     * @throws CmapException {@link CsError#TOO_BIG} when it exceeds {@link Integer#MAX_VALUE}
     */
    static int length(String text) {
        return checkedLength(longLength(text));
    }

    /**
     * A byte length as an int, or TOO_BIG. A string within Java's own length limit can exceed
     * 2 GiB in UTF-8 (716 million 3-byte chars suffice), and no array or message holds that.
     */
    static int checkedLength(long bytes) {
        if (bytes > Integer.MAX_VALUE) {
            throw new CmapException(CsError.TOO_BIG, "string value of " + bytes
                    + " UTF-8 bytes exceeds the limit of " + Integer.MAX_VALUE);
        }
        return (int) bytes;
    }

    /**
     * TOO_BIG when a text of {@code chars} chars, some above U+00FF, is longer than a Java string
     * can be.
     */
    static void checkWideLength(long chars) {
        if (chars >= MAX_WIDE_CHARS) {
            throw new CmapException(CsError.TOO_BIG, "text of " + chars + " chars, some above U+00FF, exceeds"
                    + " the limit of a Java string of such chars (" + (MAX_WIDE_CHARS - 1) + ")");
        }
    }

    /** How many chars the text of {@code [from, end)} has, and whether one is above U+00FF. */
    static TextSize sizeOf(byte[] bytes, int from, int end) {
        long chars = 0;
        boolean wide = false;
        int i = from;
        while (i < end) {
            if (bytes[i] >= 0) {
                i++;
                chars++;
                continue;
            }
            int length = sequenceLength(bytes, i, end);
            wide |= length == 0 || (bytes[i] & BYTE_MASK) > LAST_NARROW_LEAD; // an escape, or past U+00FF
            chars += length == SURROGATE_PAIR_BYTES ? 2 : 1;
            i += Math.max(1, length);
        }
        return new TextSize(chars, wide);
    }

    /** The length of a decoded text, and whether it holds a char above U+00FF. */
    record TextSize(long chars, boolean wide) {
    }

    private static long longLength(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < ONE_BYTE_LIMIT || Character.isLowSurrogate(c)) {
                bytes++;
            } else if (c < TWO_BYTE_LIMIT) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += SURROGATE_PAIR_BYTES;
                i++;
            } else {
                bytes += BMP_MAX_BYTES;
            }
        }
        return bytes;
    }

    private static int firstSurrogate(String text) {
        int length = text.length();
        int head = Math.min(length, BULK_CHECK_CHARS);
        boolean wide = false;
        for (int i = 0; i < head; i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                return i;
            }
            wide |= c > LATIN1_MAX;
        }
        if (length > head && length <= BULK_CHECK_MAX_CHARS && !wide && isLatin1(text)) {
            return -1; // no char above U+00FF, so no surrogate
        }
        for (int i = head; i < length; i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Whether no char of the text is above U+00FF: then it comes back whole from ISO-8859-1.
     * The JDK's bulk copies and comparison take some 2 us for 16,000 chars where a loop over
     * {@code charAt} took 18 us (2026-12-07), which made a set of a long string slower than
     * libcmap's.
     */
    private static boolean isLatin1(String text) {
        byte[] narrow = text.getBytes(StandardCharsets.ISO_8859_1);
        return text.equals(new String(narrow, StandardCharsets.ISO_8859_1));
    }

    /** Rejects unpaired surrogates from {@code from} on that stand for no byte. */
    private static void checkSurrogates(String text, int from, String what) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c) && (c < FIRST_ESCAPE || c > LAST_ESCAPE)) {
                throw invalid(what + " has an unpaired surrogate at index " + i
                        + " that stands for no byte (only U+DC80..U+DCFF do)");
            }
        }
    }

    /** Where in {@code [from, end)} the first byte is that starts no well-formed sequence, or -1. */
    private static int firstMalformed(byte[] bytes, int from, int end) {
        int i = from;
        while (i < end) {
            if (bytes[i] >= 0) {
                i++;
            } else {
                int length = sequenceLength(bytes, i, end);
                if (length == 0) {
                    return i;
                }
                i += length;
            }
        }
        return -1;
    }

    /** The length of the well-formed sequence that starts at {@code at}, 0 when none does. */
    private static int sequenceLength(byte[] bytes, int at, int end) {
        int lead = bytes[at] & BYTE_MASK;
        int length;
        int secondLow = CONTINUATION_LOW;
        int secondHigh = CONTINUATION_HIGH;
        if (lead >= LEAD_2_LOW && lead <= LEAD_2_HIGH) {
            length = 2;
        } else if (lead >= LEAD_3_LOW && lead <= LEAD_3_HIGH) {
            length = BMP_MAX_BYTES;
            secondLow = lead == LEAD_3_LOW ? E0_SECOND_LOW : secondLow;
            secondHigh = lead == LEAD_ED ? ED_SECOND_HIGH : secondHigh;
        } else if (lead >= LEAD_4_LOW && lead <= LEAD_4_HIGH) {
            length = SURROGATE_PAIR_BYTES;
            secondLow = lead == LEAD_4_LOW ? F0_SECOND_LOW : secondLow;
            secondHigh = lead == LEAD_4_HIGH ? F4_SECOND_HIGH : secondHigh;
        } else {
            return 0;
        }
        if (end - at < length || !inRange(bytes[at + 1], secondLow, secondHigh)) {
            return 0;
        }
        for (int k = 2; k < length; k++) {
            if (!inRange(bytes[at + k], CONTINUATION_LOW, CONTINUATION_HIGH)) {
                return 0;
            }
        }
        return length;
    }

    private static boolean inRange(byte b, int low, int high) {
        int value = b & BYTE_MASK;
        return value >= low && value <= high;
    }

    private static byte continuation(int bits) {
        return (byte) (ONE_BYTE_LIMIT | (bits & CONTINUATION_BITS));
    }

    private static CmapException invalid(String what) {
        return new CmapException(CsError.INVALID_PARAM, what);
    }
}
