package io.jcmap.client;

import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A typed CMAP value: one record per {@link CmapType}.
 *
 * <p>Values are immutable and compare by content. Constructors and factories reject values
 * outside the C type's range with {@link CsError#INVALID_PARAM} instead of truncating them.
 *
 * <h2>Wire form</h2>
 * {@link #writeTo(MemorySegment, long)} writes what libcmap sends: numbers as the C variable's
 * bytes in the host's byte order (little-endian on x86_64 and aarch64), floats and doubles as
 * their raw IEEE 754 bits (so NaN payloads, infinities and -0.0 survive bit for bit), strings as
 * their UTF-8 bytes ({@link CmapText}) <em>without</em> a terminating NUL (libcmap's
 * {@code cmap_set_string} sends {@code strlen(value)} bytes; corosync appends the NUL when
 * storing), binary values as is.
 * {@link #decode(int, MemorySegment, long, long)} reads what corosync returns: a string value
 * arrives with its stored NUL, and is read, like libcmap's callers read it, up to the first NUL.
 */
public sealed interface CmapValue {

    /** {@return the value's CMAP type} */
    CmapType type();

    /** {@return the number of bytes {@link #writeTo(MemorySegment, long)} writes} */
    int encodedLength();

    /**
     * Writes the wire form (see the class comment) at {@code offset}.
     *
     * @param dst    the destination
     * @param offset the byte offset in {@code dst}
     * @throws CmapException {@link CsError#INVALID_PARAM} when {@code dst} is null, read-only,
     *                       of a closed arena or confined to another thread, or the value does
     *                       not fit at {@code offset}
     */
    void writeTo(MemorySegment dst, long offset);

    /** {@return the wire form as a new array of {@link #encodedLength()} bytes} */
    default byte[] toBytes() {
        byte[] bytes = new byte[encodedLength()];
        writeTo(MemorySegment.ofArray(bytes), 0);
        return bytes;
    }

    /**
     * {@return the value as corosync-cmapctl 3.1.7 prints it after {@code " = "}} Binary values
     * come in its {@code -b} form. See {@link CmapctlFormat#value(CmapValue)}.
     */
    default String toCmapctlString() {
        return CmapctlFormat.value(this);
    }

    /**
     * Reads a value in wire form.
     *
     * <p>Numeric types must be exactly {@link CmapType#fixedSize()} bytes long. A STRING is the
     * text of the bytes before the first NUL in the range (the whole range when there is none),
     * read as {@link CmapText#decode(byte[])} reads them: bytes that are not UTF-8 are kept as
     * lone surrogates, so that writing the value back sends them unchanged. A BINARY is every
     * byte of the range.
     *
     * @param type   the {@code cmap_value_types_t} number, as received
     * @param src    the bytes
     * @param offset where the value starts in {@code src}
     * @param length the value's length in bytes, as received
     * @return the value
     * @throws CmapException {@link CsError#MESSAGE_ERROR} when the type number is unknown, a
     *                       numeric value has the wrong length, or the range lies outside
     *                       {@code src}: the data is assumed to come from the server;
     *                       {@link CsError#INVALID_PARAM} when {@code src} is of a closed arena
     *                       or confined to another thread
     */
    static CmapValue decode(int type, MemorySegment src, long offset, long length) {
        return ValueCodec.decode(ValueCodec.typeFromWire(type), src, offset, length);
    }

    /**
     * Reads a value of a known type in wire form; see {@link #decode(int, MemorySegment, long, long)}.
     *
     * @param type   the type; not null
     * @param src    the bytes
     * @param offset where the value starts in {@code src}
     * @param length the value's length in bytes
     * @return the value
     * @throws CmapException {@link CsError#INVALID_PARAM} for a null type or a {@code src} of a
     *                       closed arena or confined to another thread,
     *                       {@link CsError#MESSAGE_ERROR} for a bad length or range
     */
    static CmapValue decode(CmapType type, MemorySegment src, long offset, long length) {
        if (type == null) {
            throw new CmapException(CsError.INVALID_PARAM, "decode: type is null");
        }
        return ValueCodec.decode(type, src, offset, length);
    }

    /**
     * Reads a value of a tracking notification, where type 0 with length 0 means "no value"
     * (corosync zeroes the absent side: the old value of an ADD, the new value of a DELETE, and
     * the old value of some MODIFY events of keys corosync updates in place).
     *
     * @param type   the {@code cmap_value_types_t} number, 0 for none
     * @param src    the bytes
     * @param offset where the value starts in {@code src}
     * @param length the value's length in bytes
     * @return the value, or null when absent
     * @throws CmapException as {@link #decode(int, MemorySegment, long, long)}, and
     *                       {@link CsError#MESSAGE_ERROR} for type 0 with a non-zero length
     */
    static CmapValue decodeNullable(int type, MemorySegment src, long offset, long length) {
        if (type == ValueCodec.ABSENT_TYPE) {
            if (length != 0) {
                throw ValueCodec.malformed("absent value (type 0) with length " + length);
            }
            return null;
        }
        return decode(type, src, offset, length);
    }

    /**
     * An INT8 value.
     *
     * @param value -128..127
     * @return the value
     * @throws CmapException {@link CsError#INVALID_PARAM} when out of range
     */
    static Int8 int8(int value) {
        return new Int8((byte) Range.check("int8", value, Byte.MIN_VALUE, Byte.MAX_VALUE));
    }

    /**
     * A UINT8 value.
     *
     * @param value 0..255
     * @return the value
     * @throws CmapException {@link CsError#INVALID_PARAM} when out of range
     */
    static UInt8 uint8(int value) {
        return new UInt8(value);
    }

    /**
     * An INT16 value.
     *
     * @param value -32768..32767
     * @return the value
     * @throws CmapException {@link CsError#INVALID_PARAM} when out of range
     */
    static Int16 int16(int value) {
        return new Int16((short) Range.check("int16", value, Short.MIN_VALUE, Short.MAX_VALUE));
    }

    /**
     * A UINT16 value.
     *
     * @param value 0..65535
     * @return the value
     * @throws CmapException {@link CsError#INVALID_PARAM} when out of range
     */
    static UInt16 uint16(int value) {
        return new UInt16(value);
    }

    /**
     * An INT32 value.
     *
     * @param value any int
     * @return the value
     */
    static Int32 int32(int value) {
        return new Int32(value);
    }

    /**
     * A UINT32 value.
     *
     * @param value 0..4294967295
     * @return the value
     * @throws CmapException {@link CsError#INVALID_PARAM} when out of range
     */
    static UInt32 uint32(long value) {
        return new UInt32(value);
    }

    /**
     * An INT64 value.
     *
     * @param value any long
     * @return the value
     */
    static Int64 int64(long value) {
        return new Int64(value);
    }

    /**
     * A UINT64 value from its 64 bits: negative longs stand for 2^63..2^64-1, as in
     * {@link Long#toUnsignedString(long)}.
     *
     * @param bits the value's bits
     * @return the value
     */
    static UInt64 uint64(long bits) {
        return new UInt64(bits);
    }

    /**
     * A UINT64 value.
     *
     * @param value 0..18446744073709551615; not null
     * @return the value
     * @throws CmapException {@link CsError#INVALID_PARAM} when null or out of range
     */
    static UInt64 uint64(BigInteger value) {
        if (value == null || value.signum() < 0 || value.bitLength() > Long.SIZE) {
            throw new CmapException(CsError.INVALID_PARAM, "uint64 value " + value + " out of range 0.."
                    + Range.UINT64_MAX);
        }
        return new UInt64(value.longValue());
    }

    /**
     * A FLOAT value.
     *
     * @param value any float, NaN and infinities included
     * @return the value
     */
    static Float32 float32(float value) {
        return new Float32(value);
    }

    /**
     * A DOUBLE value.
     *
     * @param value any double, NaN and infinities included
     * @return the value
     */
    static Float64 float64(double value) {
        return new Float64(value);
    }

    /**
     * A STRING value.
     *
     * @param value the text; see {@link Str} for what is rejected
     * @return the value
     * @throws CmapException {@link CsError#INVALID_PARAM} for null, NUL characters or unpaired
     *                       surrogates that stand for no bytes
     */
    static Str string(String value) {
        return new Str(value);
    }

    /**
     * A STRING value of exactly these bytes, which need not be UTF-8 (see {@link CmapText}).
     *
     * @param bytes the bytes, without a terminating NUL
     * @return the value, whose {@link #toBytes()} equals {@code bytes}
     * @throws CmapException {@link CsError#INVALID_PARAM} for null or a NUL byte;
     *                       {@link CsError#TOO_BIG} for more text than a Java string holds
     *                       ({@link CmapText#decode(byte[])})
     */
    static Str stringFromBytes(byte[] bytes) {
        if (bytes == null) {
            throw new CmapException(CsError.INVALID_PARAM, "string value's bytes are null");
        }
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == ValueCodec.NUL) {
                throw new CmapException(CsError.INVALID_PARAM, "string value has a NUL byte at index " + i);
            }
        }
        return new Str(CmapText.decode(bytes));
    }

    /**
     * A BINARY value holding a copy of {@code value}.
     *
     * @param value the bytes; not null, may be empty
     * @return the value
     * @throws CmapException {@link CsError#INVALID_PARAM} for null
     */
    static Binary binary(byte[] value) {
        return new Binary(value);
    }

    /**
     * A signed 8-bit value ({@code CMAP_VALUETYPE_INT8}).
     *
     * @param value the value
     */
    record Int8(byte value) implements CmapValue {
        @Override
        public CmapType type() {
            return CmapType.INT8;
        }

        @Override
        public int encodedLength() {
            return Byte.BYTES;
        }

        @Override
        public void writeTo(MemorySegment dst, long offset) {
            ValueCodec.checkRoom(dst, offset, Byte.BYTES);
            dst.set(ValueCodec.I8, offset, value);
        }
    }

    /**
     * An unsigned 8-bit value ({@code CMAP_VALUETYPE_UINT8}).
     *
     * @param value 0..255
     */
    record UInt8(int value) implements CmapValue {
        /**
         * Checks the range.
         *
         * @throws CmapException {@link CsError#INVALID_PARAM} when out of range
         */
        public UInt8 {
            Range.check("uint8", value, 0, Range.UINT8_MAX);
        }

        @Override
        public CmapType type() {
            return CmapType.UINT8;
        }

        @Override
        public int encodedLength() {
            return Byte.BYTES;
        }

        @Override
        public void writeTo(MemorySegment dst, long offset) {
            ValueCodec.checkRoom(dst, offset, Byte.BYTES);
            dst.set(ValueCodec.I8, offset, (byte) value);
        }
    }

    /**
     * A signed 16-bit value ({@code CMAP_VALUETYPE_INT16}).
     *
     * @param value the value
     */
    record Int16(short value) implements CmapValue {
        @Override
        public CmapType type() {
            return CmapType.INT16;
        }

        @Override
        public int encodedLength() {
            return Short.BYTES;
        }

        @Override
        public void writeTo(MemorySegment dst, long offset) {
            ValueCodec.checkRoom(dst, offset, Short.BYTES);
            dst.set(ValueCodec.I16, offset, value);
        }
    }

    /**
     * An unsigned 16-bit value ({@code CMAP_VALUETYPE_UINT16}).
     *
     * @param value 0..65535
     */
    record UInt16(int value) implements CmapValue {
        /**
         * Checks the range.
         *
         * @throws CmapException {@link CsError#INVALID_PARAM} when out of range
         */
        public UInt16 {
            Range.check("uint16", value, 0, Range.UINT16_MAX);
        }

        @Override
        public CmapType type() {
            return CmapType.UINT16;
        }

        @Override
        public int encodedLength() {
            return Short.BYTES;
        }

        @Override
        public void writeTo(MemorySegment dst, long offset) {
            ValueCodec.checkRoom(dst, offset, Short.BYTES);
            dst.set(ValueCodec.I16, offset, (short) value);
        }
    }

    /**
     * A signed 32-bit value ({@code CMAP_VALUETYPE_INT32}).
     *
     * @param value the value
     */
    record Int32(int value) implements CmapValue {
        @Override
        public CmapType type() {
            return CmapType.INT32;
        }

        @Override
        public int encodedLength() {
            return Integer.BYTES;
        }

        @Override
        public void writeTo(MemorySegment dst, long offset) {
            ValueCodec.checkRoom(dst, offset, Integer.BYTES);
            dst.set(ValueCodec.I32, offset, value);
        }
    }

    /**
     * An unsigned 32-bit value ({@code CMAP_VALUETYPE_UINT32}).
     *
     * @param value 0..4294967295
     */
    record UInt32(long value) implements CmapValue {
        /**
         * Checks the range.
         *
         * @throws CmapException {@link CsError#INVALID_PARAM} when out of range
         */
        public UInt32 {
            Range.check("uint32", value, 0, Range.UINT32_MAX);
        }

        @Override
        public CmapType type() {
            return CmapType.UINT32;
        }

        @Override
        public int encodedLength() {
            return Integer.BYTES;
        }

        @Override
        public void writeTo(MemorySegment dst, long offset) {
            ValueCodec.checkRoom(dst, offset, Integer.BYTES);
            dst.set(ValueCodec.I32, offset, (int) value);
        }
    }

    /**
     * A signed 64-bit value ({@code CMAP_VALUETYPE_INT64}).
     *
     * @param value the value
     */
    record Int64(long value) implements CmapValue {
        @Override
        public CmapType type() {
            return CmapType.INT64;
        }

        @Override
        public int encodedLength() {
            return Long.BYTES;
        }

        @Override
        public void writeTo(MemorySegment dst, long offset) {
            ValueCodec.checkRoom(dst, offset, Long.BYTES);
            dst.set(ValueCodec.I64, offset, value);
        }
    }

    /**
     * An unsigned 64-bit value ({@code CMAP_VALUETYPE_UINT64}), held as its 64 bits: a negative
     * {@code bits} stands for a value of 2^63 or more. Use {@link #toBigInteger()} or
     * {@link #toUnsignedString()} for the number.
     *
     * @param bits the value's bits
     */
    record UInt64(long bits) implements CmapValue {
        /** {@return the value as a non-negative BigInteger, 0..18446744073709551615} */
        public BigInteger toBigInteger() {
            return new BigInteger(Long.toUnsignedString(bits));
        }

        /** {@return the value in decimal, e.g. {@code "18446744073709551615"} for bits -1} */
        public String toUnsignedString() {
            return Long.toUnsignedString(bits);
        }

        @Override
        public CmapType type() {
            return CmapType.UINT64;
        }

        @Override
        public int encodedLength() {
            return Long.BYTES;
        }

        @Override
        public void writeTo(MemorySegment dst, long offset) {
            ValueCodec.checkRoom(dst, offset, Long.BYTES);
            dst.set(ValueCodec.I64, offset, bits);
        }

        /** {@code UInt64[value=N]} with N unsigned. */
        @Override
        public String toString() {
            return "UInt64[value=" + toUnsignedString() + "]";
        }
    }

    /**
     * A single-precision value ({@code CMAP_VALUETYPE_FLOAT}). Equality is by bits, so NaNs with
     * the same bits are equal and 0.0 differs from -0.0.
     *
     * @param value the value
     */
    record Float32(float value) implements CmapValue {
        @Override
        public CmapType type() {
            return CmapType.FLOAT;
        }

        @Override
        public int encodedLength() {
            return Float.BYTES;
        }

        @Override
        public void writeTo(MemorySegment dst, long offset) {
            ValueCodec.checkRoom(dst, offset, Float.BYTES);
            dst.set(ValueCodec.I32, offset, Float.floatToRawIntBits(value));
        }

        /** True for a Float32 with the same bits. */
        @Override
        public boolean equals(Object other) {
            return other instanceof Float32 that
                    && Float.floatToRawIntBits(value) == Float.floatToRawIntBits(that.value);
        }

        /** A hash of the bits. */
        @Override
        public int hashCode() {
            return Integer.hashCode(Float.floatToRawIntBits(value));
        }
    }

    /**
     * A double-precision value ({@code CMAP_VALUETYPE_DOUBLE}). Equality is by bits, so NaNs
     * with the same bits are equal and 0.0 differs from -0.0.
     *
     * @param value the value
     */
    record Float64(double value) implements CmapValue {
        @Override
        public CmapType type() {
            return CmapType.DOUBLE;
        }

        @Override
        public int encodedLength() {
            return Double.BYTES;
        }

        @Override
        public void writeTo(MemorySegment dst, long offset) {
            ValueCodec.checkRoom(dst, offset, Double.BYTES);
            dst.set(ValueCodec.I64, offset, Double.doubleToRawLongBits(value));
        }

        /** True for a Float64 with the same bits. */
        @Override
        public boolean equals(Object other) {
            return other instanceof Float64 that
                    && Double.doubleToRawLongBits(value) == Double.doubleToRawLongBits(that.value);
        }

        /** A hash of the bits. */
        @Override
        public int hashCode() {
            return Long.hashCode(Double.doubleToRawLongBits(value));
        }
    }

    /**
     * A string value ({@code CMAP_VALUETYPE_STRING}), sent as UTF-8.
     *
     * <p>Bytes that are not UTF-8 (a value another client stored) are lone surrogates
     * U+DC80..U+DCFF in the text, one per byte, and are sent as those bytes again: see
     * {@link CmapText}. NUL characters are rejected: corosync stores C strings, and refuses with
     * {@code CS_ERR_INVALID_PARAM} a string value longer than its first NUL. Other unpaired
     * surrogates are rejected because they stand for no bytes, and so are surrogates for bytes
     * that together are UTF-8, because the value would read back as other text.
     *
     * @param value the text
     */
    record Str(String value) implements CmapValue {
        /**
         * Checks the text.
         *
         * @throws CmapException {@link CsError#INVALID_PARAM} for null, NUL characters or
         *                       surrogates that stand for no bytes (see the record's comment)
         */
        public Str {
            CmapText.check(value);
        }

        @Override
        public CmapType type() {
            return CmapType.STRING;
        }

        /**
         * The number of UTF-8 bytes, without a terminating NUL.
         *
         * @throws CmapException {@link CsError#TOO_BIG} when it exceeds {@link Integer#MAX_VALUE}
         */
        @Override
        public int encodedLength() {
            return CmapText.length(value);
        }

        @Override
        public void writeTo(MemorySegment dst, long offset) {
            byte[] bytes = CmapText.encode(value); // TOO_BIG itself for a text past 2 GiB of bytes
            ValueCodec.checkRoom(dst, offset, bytes.length);
            MemorySegment.copy(bytes, 0, dst, ValueCodec.I8, offset, bytes.length);
        }
    }

    /**
     * A binary value ({@code CMAP_VALUETYPE_BINARY}). It keeps its own copy of the bytes, hands
     * out copies, and compares, hashes and prints by content.
     *
     * @param bytes the bytes (copied)
     */
    record Binary(byte[] bytes) implements CmapValue {
        /** How many bytes {@link #toString()} shows before it abbreviates. */
        private static final int TO_STRING_BYTES = 64;

        /**
         * Copies the bytes.
         *
         * @throws CmapException {@link CsError#INVALID_PARAM} for null
         */
        public Binary {
            if (bytes == null) {
                throw new CmapException(CsError.INVALID_PARAM, "binary value is null");
            }
            bytes = bytes.clone();
        }

        /** {@return a copy of the bytes} */
        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        /** {@return the number of bytes} */
        public int length() {
            return bytes.length;
        }

        @Override
        public CmapType type() {
            return CmapType.BINARY;
        }

        @Override
        public int encodedLength() {
            return bytes.length;
        }

        @Override
        public void writeTo(MemorySegment dst, long offset) {
            ValueCodec.checkRoom(dst, offset, bytes.length);
            MemorySegment.copy(bytes, 0, dst, ValueCodec.I8, offset, bytes.length);
        }

        /** True for a Binary with the same bytes. */
        @Override
        public boolean equals(Object other) {
            return other instanceof Binary that && Arrays.equals(bytes, that.bytes);
        }

        /** A hash of the bytes. */
        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        /** {@code Binary[length=N, hex=...]}, the hex cut after 64 bytes. */
        @Override
        public String toString() {
            int shown = Math.min(bytes.length, TO_STRING_BYTES);
            String hex = HexFormat.of().formatHex(bytes, 0, shown);
            return "Binary[length=" + bytes.length + ", hex=" + hex + (shown < bytes.length ? "...]" : "]");
        }
    }
}
