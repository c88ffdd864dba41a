package io.jcmap.client;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The wire form of CMAP values: what libcmap copies with {@code memcpy} from the C variable,
 * so numbers are in the host's byte order (both ends run on one host) and may be unaligned
 * inside a message.
 */
final class ValueCodec {
    /** The type number corosync sends for an absent value (exec/cmap.c ICMAP_VALUETYPE_NOT_EXIST). */
    static final int ABSENT_TYPE = 0;

    static final ValueLayout.OfByte I8 = ValueLayout.JAVA_BYTE;
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;

    /** C's string terminator; corosync stores every string value with one at the end. */
    static final byte NUL = 0;

    /** Largest Java array we allocate for a decoded value (JVMs refuse a few bytes below MAX_VALUE). */
    private static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    private ValueCodec() {
    }

    /**
     * Rejects a destination that cannot hold {@code length} bytes at {@code offset}, or that
     * this thread cannot write now.
     */
    static void checkRoom(MemorySegment dst, long offset, int length) {
        if (dst == null) {
            throw new CmapException(CsError.INVALID_PARAM, "writeTo: destination segment is null");
        }
        checkUsable(dst, "writeTo: destination");
        // checked even for 0 bytes, so that a read-only destination fails whatever the value
        if (dst.isReadOnly()) {
            throw new CmapException(CsError.INVALID_PARAM, "writeTo: destination segment is read-only");
        }
        if (offset < 0 || offset > dst.byteSize() - length) {
            throw new CmapException(CsError.INVALID_PARAM, "writeTo: " + length + " bytes at offset "
                    + offset + " do not fit a segment of " + dst.byteSize() + " bytes");
        }
    }

    static CmapValue decode(CmapType type, MemorySegment src, long offset, long length) {
        checkSource(type, src, offset, length);
        if (type.isFixedSize() && length != type.fixedSize()) {
            throw malformed(type + " value must be " + type.fixedSize() + " bytes, not " + length);
        }
        return switch (type) {
            case INT8 -> new CmapValue.Int8(src.get(I8, offset));
            case UINT8 -> new CmapValue.UInt8(Byte.toUnsignedInt(src.get(I8, offset)));
            case INT16 -> new CmapValue.Int16(src.get(I16, offset));
            case UINT16 -> new CmapValue.UInt16(Short.toUnsignedInt(src.get(I16, offset)));
            case INT32 -> new CmapValue.Int32(src.get(I32, offset));
            case UINT32 -> new CmapValue.UInt32(Integer.toUnsignedLong(src.get(I32, offset)));
            case INT64 -> new CmapValue.Int64(src.get(I64, offset));
            case UINT64 -> new CmapValue.UInt64(src.get(I64, offset));
            case FLOAT -> new CmapValue.Float32(Float.intBitsToFloat(src.get(I32, offset)));
            case DOUBLE -> new CmapValue.Float64(Double.longBitsToDouble(src.get(I64, offset)));
            case STRING -> new CmapValue.Str(decodeString(src, offset, length));
            case BINARY -> new CmapValue.Binary(bytes(src, offset, length));
        };
    }

    /**
     * The text of a STRING value in wire form, as {@link #decode} reads it but without the
     * {@link CmapValue.Str} around it: getString, whose answer is decoded for it alone, would
     * only unwrap it, and the record checks its text again (two more copies of a long one).
     *
     * @throws CmapException {@link CsError#INVALID_PARAM} when the value is of another type
     */
    static String decodeText(int type, MemorySegment src, long offset, long length) {
        checkSource(expect(type, CmapType.STRING), src, offset, length);
        return decodeString(src, offset, length);
    }

    /**
     * The bytes of a BINARY value in wire form, without the {@link CmapValue.Binary} around them,
     * which would copy them once more for getBinary.
     *
     * @throws CmapException {@link CsError#INVALID_PARAM} when the value is of another type
     */
    static byte[] decodeBytes(int type, MemorySegment src, long offset, long length) {
        checkSource(expect(type, CmapType.BINARY), src, offset, length);
        return bytes(src, offset, length);
    }

    /** The type of a value in wire form; MESSAGE_ERROR for a number corosync does not define. */
    static CmapType typeFromWire(int type) {
        CmapType known = CmapType.ofCode(type);
        if (known == null) {
            throw malformed("unknown value type " + type);
        }
        return known;
    }

    /** The type of a value in wire form, if it is {@code expected}: a typed get refuses any other. */
    private static CmapType expect(int type, CmapType expected) {
        CmapType found = typeFromWire(type);
        if (found != expected) {
            throw new CmapException(CsError.INVALID_PARAM, "holds " + found + ", not " + expected);
        }
        return found;
    }

    /** The text up to the first NUL (or the end), as a C reader of the value sees it. */
    private static String decodeString(MemorySegment src, long offset, long length) {
        byte[] raw = bytes(src, offset, length);
        int end = 0;
        while (end < raw.length && raw[end] != NUL) {
            end++;
        }
        return CmapText.decode(raw, 0, end);
    }

    private static byte[] bytes(MemorySegment src, long offset, long length) {
        return src.asSlice(offset, length).toArray(I8);
    }

    private static void checkSource(CmapType type, MemorySegment src, long offset, long length) {
        if (src == null) {
            throw malformed("source segment is null");
        }
        checkUsable(src, "decode: source");
        if (offset < 0 || length < 0 || offset > src.byteSize() - length) {
            throw malformed(type + " value of " + length + " bytes at offset " + offset
                    + " lies outside a segment of " + src.byteSize() + " bytes");
        }
        if (length > MAX_ARRAY_LENGTH) {
            throw malformed(type + " value of " + length + " bytes is too large");
        }
    }

    /**
     * Rejects a segment this thread cannot access: its arena is closed, or it is confined to
     * another thread. These are the caller's mistakes, not bad data, hence INVALID_PARAM; left
     * unchecked, the JDK would throw IllegalStateException or WrongThreadException on access.
     */
    private static void checkUsable(MemorySegment segment, String role) {
        if (!segment.scope().isAlive()) {
            throw new CmapException(CsError.INVALID_PARAM, role + " segment's arena is closed");
        }
        if (!segment.isAccessibleBy(Thread.currentThread())) {
            throw new CmapException(CsError.INVALID_PARAM, role + " segment is confined to another thread");
        }
    }

    static CmapException malformed(String what) {
        return new CmapException(CsError.MESSAGE_ERROR, "decode: " + what);
    }
}
