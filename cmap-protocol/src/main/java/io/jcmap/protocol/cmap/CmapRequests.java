package io.jcmap.protocol.cmap;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * Encoders of the ten CMAP requests. Each writes one complete request at offset 0 of a
 * caller-supplied segment (heap or native) and returns its length, which is also written into
 * the header's size field. All fixed-part bytes not set explicitly (padding, the unused tail of
 * key names) are zeroed, as the server reads names as NUL-terminated C strings.
 *
 * <p>Arguments are checked before anything is written, in libcmap's order; a refused argument
 * is a {@link CodecException} and leaves {@code dst} untouched. Nothing is allocated, also not
 * for non-ASCII names (encoded to UTF-8 on the fly). Handles are unsigned 64-bit values carried
 * in a {@code long}.
 */
public final class CmapRequests {
    private static final String KEY = "key name";
    private static final String PREFIX = "prefix";
    private static final int NO_MIN_LENGTH = 0;
    private static final long LOW_BIT_OF_EACH_BYTE = 0x0101_0101_0101_0101L;
    private static final long HIGH_BIT_OF_EACH_BYTE = 0x8080_8080_8080_8080L;

    // Source of zeros for the fixed part; the largest fixed request is SET / TRACK_ADD (296).
    private static final MemorySegment ZEROS =
            MemorySegment.ofArray(new byte[SetRequestDescriptor.LENGTH]).asReadOnly();

    private CmapRequests() {
    }

    /**
     * Checks a SET's key as {@link #set} does, for a caller that must refuse a bad key before it
     * judges the value (libcmap checks the name before anything else).
     *
     * @throws CodecException INVALID_PARAM for a null key or a NUL in it; NAME_TOO_LONG for a
     *                        key of more than 255 UTF-8 bytes
     */
    public static void checkSetKey(String key) {
        requireNonNull(key, KEY);
        NameField.checkedLength(key, NO_MIN_LENGTH, KEY);
    }

    /**
     * SET: store {@code value} of {@code type} under {@code key}; the whole of {@code value}
     * (its {@code byteSize()}) is sent.
     *
     * @throws CodecException INVALID_PARAM for a null key or value, a NUL in the key, a type
     *                        outside 1..12, a value length not matching a fixed-size type, or a
     *                        STRING value with a NUL before its last byte; NAME_TOO_LONG for a key
     *                        of more than 255 UTF-8 bytes; TOO_BIG if the request does not fit
     *                        {@code dst}. A key shorter than corosync's 3 bytes goes, as through
     *                        libcmap: corosync judges its map, a read-only key and the value first.
     */
    public static int set(MemorySegment dst, String key, int type, MemorySegment value) {
        requireNonNull(key, KEY);
        requireNonNull(value, "value");
        int nameLength = NameField.checkedLength(key, NO_MIN_LENGTH, KEY);
        checkValue(type, value);
        long total = SetRequestDescriptor.LENGTH + value.byteSize();
        int length = start(dst, total, CmapRequestId.SET, SetRequestDescriptor.LENGTH);
        NameField.write(dst, SetRequestDescriptor.KEY_NAME_OFFSET, key, nameLength);
        dst.set(JAVA_LONG_UNALIGNED, SetRequestDescriptor.VALUE_LEN_OFFSET, value.byteSize());
        dst.set(JAVA_BYTE, SetRequestDescriptor.TYPE_OFFSET, (byte) type);
        MemorySegment.copy(value, 0, dst, SetRequestDescriptor.VALUE_OFFSET, value.byteSize());
        return length;
    }

    /**
     * SET {@code key} to a numeric value whose {@code valueLength} bytes the caller already wrote
     * at {@link SetRequestDescriptor#VALUE_OFFSET} of {@code dst}: the typed setters' path, which
     * needs no value segment of its own.
     *
     * @throws CodecException INVALID_PARAM for a type that is not numeric or a length that is
     *                        not its width; the key errors of {@link #set}
     */
    public static int setNumericInPlace(MemorySegment dst, String key, int type, int valueLength) {
        requireNonNull(key, KEY);
        int nameLength = NameField.checkedLength(key, NO_MIN_LENGTH, KEY);
        if (!CmapValueType.isValid(type) || CmapValueType.fixedLength(type) != valueLength) {
            throw CodecException.invalidParam("value type " + type + " is no numeric type of " + valueLength
                    + " bytes");
        }
        int length = start(dst, SetRequestDescriptor.LENGTH + valueLength, CmapRequestId.SET,
                SetRequestDescriptor.LENGTH);
        NameField.write(dst, SetRequestDescriptor.KEY_NAME_OFFSET, key, nameLength);
        dst.set(JAVA_LONG_UNALIGNED, SetRequestDescriptor.VALUE_LEN_OFFSET, valueLength);
        dst.set(JAVA_BYTE, SetRequestDescriptor.TYPE_OFFSET, (byte) type);
        return length;
    }

    /** DELETE {@code key}. Same key rules as {@link #get} (no minimum length). */
    public static int delete(MemorySegment dst, String key) {
        int nameLength = checkedKey(key);
        int length = start(dst, DeleteRequestDescriptor.LENGTH, CmapRequestId.DELETE, DeleteRequestDescriptor.LENGTH);
        NameField.write(dst, DeleteRequestDescriptor.KEY_NAME_OFFSET, key, nameLength);
        return length;
    }

    /**
     * GET {@code key}, reserving {@code valueLength} bytes for the value in the response; 0 asks
     * for type and length only. The response will be {@code 40 + valueLength} bytes long, see
     * {@link CmapMessageSize#checkGetFits}.
     *
     * @throws CodecException INVALID_PARAM for a null key, a NUL in it or a negative length;
     *                        NAME_TOO_LONG for a key over 255 bytes; TOO_BIG if the response
     *                        size would not fit the header's int32 size field or the request
     *                        does not fit {@code dst}
     */
    public static int get(MemorySegment dst, String key, long valueLength) {
        int nameLength = checkedKey(key);
        if (valueLength < 0) {
            throw CodecException.invalidParam("requested value length " + valueLength + " is negative");
        }
        if (valueLength > CmapMessageSize.MAX_GET_VALUE_LENGTH) {
            throw CodecException.tooBig("requested value length " + valueLength
                    + " would make a response larger than an int32 size field can state");
        }
        int length = start(dst, GetRequestDescriptor.LENGTH, CmapRequestId.GET, GetRequestDescriptor.LENGTH);
        NameField.write(dst, GetRequestDescriptor.KEY_NAME_OFFSET, key, nameLength);
        dst.set(JAVA_LONG_UNALIGNED, GetRequestDescriptor.VALUE_LEN_OFFSET, valueLength);
        return length;
    }

    /** ADJUST_INT: add {@code step} (may be negative) to the integer stored under {@code key}. */
    public static int adjustInt(MemorySegment dst, String key, int step) {
        int nameLength = checkedKey(key);
        int length = start(dst, AdjustIntRequestDescriptor.LENGTH, CmapRequestId.ADJUST_INT,
                AdjustIntRequestDescriptor.LENGTH);
        NameField.write(dst, AdjustIntRequestDescriptor.KEY_NAME_OFFSET, key, nameLength);
        dst.set(JAVA_INT_UNALIGNED, AdjustIntRequestDescriptor.STEP_OFFSET, step);
        return length;
    }

    /** ITER_INIT over keys starting with {@code prefix}; null or empty iterates over all keys. */
    public static int iterInit(MemorySegment dst, String prefix) {
        int nameLength = checkedPrefix(prefix);
        int length = start(dst, IterInitRequestDescriptor.LENGTH, CmapRequestId.ITER_INIT,
                IterInitRequestDescriptor.LENGTH);
        writePrefix(dst, IterInitRequestDescriptor.PREFIX_OFFSET, prefix, nameLength);
        return length;
    }

    /** ITER_NEXT on the server's iterator handle. */
    public static int iterNext(MemorySegment dst, long iterHandle) {
        int length = start(dst, IterNextRequestDescriptor.LENGTH, CmapRequestId.ITER_NEXT,
                IterNextRequestDescriptor.LENGTH);
        dst.set(JAVA_LONG_UNALIGNED, IterNextRequestDescriptor.ITER_HANDLE_OFFSET, iterHandle);
        return length;
    }

    /** ITER_FINALIZE: release the server's iterator. */
    public static int iterFinalize(MemorySegment dst, long iterHandle) {
        int length = start(dst, IterFinalizeRequestDescriptor.LENGTH, CmapRequestId.ITER_FINALIZE,
                IterFinalizeRequestDescriptor.LENGTH);
        dst.set(JAVA_LONG_UNALIGNED, IterFinalizeRequestDescriptor.ITER_HANDLE_OFFSET, iterHandle);
        return length;
    }

    /**
     * TRACK_ADD: watch {@code key} (or, with {@link CmapTrackType#PREFIX}, every key starting with
     * it; null or empty = every key). {@code trackInstHandle} is the client's own handle, echoed
     * in every notification and in the track_delete response. The flags are the server's to
     * judge (it answers INVALID_PARAM for unknown bits).
     */
    public static int trackAdd(MemorySegment dst, String key, int trackType, long trackInstHandle) {
        // a key or a prefix, by the flags; the error names it after what it is
        int nameLength = key == null ? 0 : NameField.checkedLength(key, NO_MIN_LENGTH,
                (trackType & CmapTrackType.PREFIX) != 0 ? PREFIX : KEY);
        int length = start(dst, TrackAddRequestDescriptor.LENGTH, CmapRequestId.TRACK_ADD,
                TrackAddRequestDescriptor.LENGTH);
        writePrefix(dst, TrackAddRequestDescriptor.KEY_NAME_OFFSET, key, nameLength);
        dst.set(JAVA_INT_UNALIGNED, TrackAddRequestDescriptor.TRACK_TYPE_OFFSET, trackType);
        dst.set(JAVA_LONG_UNALIGNED, TrackAddRequestDescriptor.TRACK_INST_HANDLE_OFFSET, trackInstHandle);
        return length;
    }

    /** TRACK_DELETE the server's track handle (from the track_add response). */
    public static int trackDelete(MemorySegment dst, long trackHandle) {
        int length = start(dst, TrackDeleteRequestDescriptor.LENGTH, CmapRequestId.TRACK_DELETE,
                TrackDeleteRequestDescriptor.LENGTH);
        dst.set(JAVA_LONG_UNALIGNED, TrackDeleteRequestDescriptor.TRACK_HANDLE_OFFSET, trackHandle);
        return length;
    }

    /**
     * SET_CURRENT_MAP: switch this connection to {@code map} ({@link CmapMap}). The server judges
     * the number (NOT_EXIST for unknown maps, BUSY while iterators or tracks are open).
     */
    public static int setCurrentMap(MemorySegment dst, int map) {
        int length = start(dst, SetCurrentMapRequestDescriptor.LENGTH, CmapRequestId.SET_CURRENT_MAP,
                SetCurrentMapRequestDescriptor.LENGTH);
        dst.set(JAVA_INT_UNALIGNED, SetCurrentMapRequestDescriptor.MAP_OFFSET, map);
        return length;
    }

    /** Checks {@code dst}, zeroes the fixed part and writes the header; returns the length. */
    private static int start(MemorySegment dst, long total, int id, int fixedLength) {
        requireNonNull(dst, "destination segment");
        if (dst.isReadOnly()) {
            throw CodecException.invalidParam("destination segment is read-only");
        }
        if (total > Integer.MAX_VALUE) {
            throw CodecException.tooBig("request of " + total + " bytes exceeds the int32 size field");
        }
        if (total > dst.byteSize()) {
            throw CodecException.tooBig("request of " + total + " bytes does not fit the "
                    + dst.byteSize() + "-byte destination");
        }
        MemorySegment.copy(ZEROS, 0, dst, 0, fixedLength);
        dst.set(JAVA_INT_UNALIGNED, RequestHeaderDescriptor.ID_OFFSET, id);
        dst.set(JAVA_INT_UNALIGNED, RequestHeaderDescriptor.SIZE_OFFSET, (int) total);
        return (int) total;
    }

    private static void checkValue(int type, MemorySegment value) {
        if (!CmapValueType.isValid(type)) {
            throw CodecException.invalidParam("value type " + type + " is not one of 1..12");
        }
        int fixed = CmapValueType.fixedLength(type);
        if (fixed != CmapValueType.VARIABLE_LENGTH && value.byteSize() != fixed) {
            throw CodecException.invalidParam("value of type " + type + " must be " + fixed
                    + " bytes, not " + value.byteSize());
        }
        if (type == CmapValueType.STRING) {
            checkStringValue(value);
        }
    }

    /**
     * The server measures strings with strlen: an inner NUL would silently cut the value. The
     * look goes a word at a time ({@link #hasZeroByte}), and byte by byte only from a word with a
     * zero. A byte at a time through the segment, a set of 16,000 characters spent some 35 us in
     * this loop in the JVMs whose compiled code kept the segment's checks on every byte (2 of 6 in
     * one series, through all their 240,000 sets; 2026-12-07), where libcmap's whole set takes
     * 20-28 us here. In a loop of its own, the encoding of such a SET, its copy included, took
     * 3.6-3.9 us with the look byte by byte and 1.2-2.4 us with the look a word at a time.
     */
    private static void checkStringValue(MemorySegment value) {
        long last = value.byteSize() - 1; // the one byte that may be NUL
        long i = 0;
        while (i + Long.BYTES <= last && !hasZeroByte(value.get(JAVA_LONG_UNALIGNED, i))) {
            i += Long.BYTES;
        }
        for (; i < last; i++) {
            if (value.get(JAVA_BYTE, i) == 0) {
                throw CodecException.invalidParam("string value has a NUL byte at " + i + " before its end");
            }
        }
    }

    /**
     * Whether one of the word's 8 bytes is zero: subtracting 1 from each byte sets its high bit
     * where the byte was 0 (or above 0x80, which {@code ~word} rules out), with no false answer.
     */
    static boolean hasZeroByte(long word) {
        return ((word - LOW_BIT_OF_EACH_BYTE) & ~word & HIGH_BIT_OF_EACH_BYTE) != 0;
    }

    private static int checkedKey(String key) {
        requireNonNull(key, KEY);
        return NameField.checkedLength(key, NO_MIN_LENGTH, KEY);
    }

    private static int checkedPrefix(String prefix) {
        return prefix == null ? 0 : NameField.checkedLength(prefix, NO_MIN_LENGTH, PREFIX);
    }

    private static void writePrefix(MemorySegment dst, long fieldOffset, String prefix, int nameLength) {
        if (prefix != null) {
            NameField.write(dst, fieldOffset, prefix, nameLength);
        }
    }

    private static void requireNonNull(Object argument, String what) {
        if (argument == null) {
            throw CodecException.invalidParam(what + " is null");
        }
    }
}
