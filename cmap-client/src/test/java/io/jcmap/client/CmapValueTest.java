package io.jcmap.client;

import static io.jcmap.client.CmapAssertions.assertCmapError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CmapValueTest {
    private static final byte SENTINEL = (byte) 0xA5;
    /** An odd offset, so that every multi-byte value is written unaligned. */
    private static final long ODD_OFFSET = 3;

    @BeforeAll
    static void layoutsBelowAreLittleEndian() {
        assertEquals(ByteOrder.LITTLE_ENDIAN, ByteOrder.nativeOrder(), "wire vectors are written for little-endian hosts");
    }

    /** Each value with its wire bytes as libcmap would memcpy them on a little-endian host. */
    static Stream<Arguments> wireVectors() {
        return Stream.of(
                vector(CmapValue.int8(-128), "80"),
                vector(CmapValue.int8(-1), "ff"),
                vector(CmapValue.int8(0), "00"),
                vector(CmapValue.int8(127), "7f"),
                vector(CmapValue.uint8(0), "00"),
                vector(CmapValue.uint8(128), "80"),
                vector(CmapValue.uint8(255), "ff"),
                vector(CmapValue.int16(-32768), "0080"),
                vector(CmapValue.int16(32767), "ff7f"),
                vector(CmapValue.int16(0x1234), "3412"),
                vector(CmapValue.uint16(0), "0000"),
                vector(CmapValue.uint16(0x8001), "0180"),
                vector(CmapValue.uint16(65535), "ffff"),
                vector(CmapValue.int32(Integer.MIN_VALUE), "00000080"),
                vector(CmapValue.int32(Integer.MAX_VALUE), "ffffff7f"),
                vector(CmapValue.int32(0x01020304), "04030201"),
                vector(CmapValue.int32(-2), "feffffff"),
                vector(CmapValue.uint32(0), "00000000"),
                vector(CmapValue.uint32(2147483648L), "00000080"),
                vector(CmapValue.uint32(4294967295L), "ffffffff"),
                vector(CmapValue.int64(Long.MIN_VALUE), "0000000000000080"),
                vector(CmapValue.int64(Long.MAX_VALUE), "ffffffffffffff7f"),
                vector(CmapValue.int64(0x0102030405060708L), "0807060504030201"),
                vector(CmapValue.uint64(0), "0000000000000000"),
                vector(CmapValue.uint64(Long.MIN_VALUE), "0000000000000080"),
                vector(CmapValue.uint64(-1L), "ffffffffffffffff"),
                vector(CmapValue.float32(1.5f), "0000c03f"),
                vector(CmapValue.float32(0.0f), "00000000"),
                vector(CmapValue.float32(-0.0f), "00000080"),
                vector(CmapValue.float32(Float.POSITIVE_INFINITY), "0000807f"),
                vector(CmapValue.float32(Float.NEGATIVE_INFINITY), "000080ff"),
                vector(CmapValue.float32(Float.MAX_VALUE), "ffff7f7f"),
                vector(CmapValue.float32(Float.MIN_VALUE), "01000000"),
                vector(float32Bits(0x7fc00000), "0000c07f"),
                vector(float32Bits(0xffc00000), "0000c0ff"),
                vector(float32Bits(0x7fc12345), "4523c17f"),
                vector(float32Bits(0x7f800001), "0100807f"),
                vector(CmapValue.float64(1.5), "000000000000f83f"),
                vector(CmapValue.float64(-0.0), "0000000000000080"),
                vector(CmapValue.float64(Double.POSITIVE_INFINITY), "000000000000f07f"),
                vector(CmapValue.float64(Double.NEGATIVE_INFINITY), "000000000000f0ff"),
                vector(CmapValue.float64(Double.MIN_VALUE), "0100000000000000"),
                vector(CmapValue.float64(Double.MAX_VALUE), "ffffffffffffef7f"),
                vector(float64Bits(0x7ff8000000000000L), "000000000000f87f"),
                vector(float64Bits(0xfff8000000000001L), "010000000000f8ff"),
                vector(float64Bits(0x7ff0000000000001L), "010000000000f07f"),
                vector(CmapValue.string(""), ""),
                vector(CmapValue.string("abc"), "616263"),
                vector(CmapValue.string("h\u00e9llo \u20ac"), "68c3a96c6c6f20e282ac"),
                vector(CmapValue.string("\uD83D\uDE00"), "f09f9880"),
                vector(CmapValue.binary(new byte[0]), ""),
                vector(CmapValue.binary(new byte[] {0, 1, 0, (byte) 0xff, 0}), "000100ff00"));
    }

    private static Arguments vector(CmapValue value, String hex) {
        return Arguments.of(value, hex);
    }

    private static CmapValue.Float32 float32Bits(int bits) {
        return new CmapValue.Float32(Float.intBitsToFloat(bits));
    }

    private static CmapValue.Float64 float64Bits(long bits) {
        return new CmapValue.Float64(Double.longBitsToDouble(bits));
    }

    @ParameterizedTest(name = "{0} = [{1}]")
    @MethodSource("wireVectors")
    void encodesAsTheCVariableBytes(CmapValue value, String hex) {
        byte[] expected = HexFormat.of().parseHex(hex);
        assertEquals(expected.length, value.encodedLength());
        assertArrayEquals(expected, value.toBytes());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wireVectors")
    void decodesTheBytesToAnEqualValue(CmapValue value, String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        CmapValue decoded = CmapValue.decode(value.type().code(), MemorySegment.ofArray(bytes), 0, bytes.length);
        assertEquals(value, decoded);
        assertEquals(value.type(), decoded.type());
        assertArrayEquals(bytes, decoded.toBytes(), "bit-exact re-encoding");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wireVectors")
    void roundTripsAtAnUnalignedOffsetWithoutTouchingNeighbours(CmapValue value, String hex) {
        int length = value.encodedLength();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocate(ODD_OFFSET + length + 2);
            segment.fill(SENTINEL);
            value.writeTo(segment, ODD_OFFSET);
            assertEquals(SENTINEL, segment.get(ValueLayout.JAVA_BYTE, ODD_OFFSET - 1));
            assertEquals(SENTINEL, segment.get(ValueLayout.JAVA_BYTE, ODD_OFFSET + length));
            assertEquals(value, CmapValue.decode(value.type(), segment, ODD_OFFSET, length));
        }
    }

    @Test
    void fixedSizeRecordsReportTheirTypeAndSize() {
        List<CmapValue> values = List.of(CmapValue.int8(1), CmapValue.uint8(1), CmapValue.int16(1),
                CmapValue.uint16(1), CmapValue.int32(1), CmapValue.uint32(1), CmapValue.int64(1),
                CmapValue.uint64(1), CmapValue.float32(1), CmapValue.float64(1));
        for (int i = 0; i < values.size(); i++) {
            CmapType type = CmapType.values()[i];
            assertEquals(type, values.get(i).type());
            assertEquals(type.fixedSize(), values.get(i).encodedLength());
        }
        assertEquals(CmapType.STRING, CmapValue.string("x").type());
        assertEquals(CmapType.BINARY, CmapValue.binary(new byte[1]).type());
    }

    @Test
    void nanPayloadsAndSignsSurviveBitForBit() {
        int[] floatBits = {0x7fc00000, 0xffc00000, 0x7f800001, 0xff800001, 0x7fbfffff, 0x7fc12345, 0x80000000};
        for (int bits : floatBits) {
            byte[] wire = float32Bits(bits).toBytes();
            CmapValue.Float32 back = (CmapValue.Float32) CmapValue.decode(9, MemorySegment.ofArray(wire), 0, 4);
            assertEquals(bits, Float.floatToRawIntBits(back.value()), Integer.toHexString(bits));
        }
        long[] doubleBits = {0x7ff8000000000000L, 0xfff8000000000000L, 0x7ff0000000000001L, 0x7ff7ffffffffffffL,
            0xfff0000000000001L, 0x8000000000000000L};
        for (long bits : doubleBits) {
            byte[] wire = float64Bits(bits).toBytes();
            CmapValue.Float64 back = (CmapValue.Float64) CmapValue.decode(10, MemorySegment.ofArray(wire), 0, 8);
            assertEquals(bits, Double.doubleToRawLongBits(back.value()), Long.toHexString(bits));
        }
    }

    @Test
    void floatEqualityIsByBits() {
        assertEquals(CmapValue.float32(Float.NaN), CmapValue.float32(Float.NaN));
        assertEquals(CmapValue.float32(Float.NaN).hashCode(), CmapValue.float32(Float.NaN).hashCode());
        assertNotEquals(CmapValue.float32(0.0f), CmapValue.float32(-0.0f));
        assertNotEquals(float32Bits(0x7fc00000), float32Bits(0x7fc00001));
        assertEquals(CmapValue.float64(Double.NaN), CmapValue.float64(Double.NaN));
        assertNotEquals(CmapValue.float64(0.0), CmapValue.float64(-0.0));
        assertNotEquals(float64Bits(0x7ff8000000000000L), float64Bits(0xfff8000000000000L));
        assertNotEquals(CmapValue.float32(1.0f), CmapValue.float64(1.0));
    }

    @Test
    void stringsAreSentWithoutNul() {
        assertArrayEquals("totem".getBytes(StandardCharsets.US_ASCII), CmapValue.string("totem").toBytes());
        assertEquals(0, CmapValue.string("").encodedLength());
    }

    /** corosync returns strings with the NUL it stored (see exec/icmap.c icmap_set_r). */
    @Test
    void stringsFromTheServerEndAtTheFirstNul() {
        assertEquals(CmapValue.string("abc"), decodeString("61626300"));
        assertEquals(CmapValue.string(""), decodeString("00"));
        assertEquals(CmapValue.string(""), decodeString(""));
        assertEquals(CmapValue.string("abc"), decodeString("616263"));
        assertEquals(CmapValue.string("ab"), decodeString("6162006364"));
        assertEquals(CmapValue.string("h\u00e9llo \u20ac"), decodeString("68c3a96c6c6f20e282ac00"));
    }

    @Test
    void bytesFromTheServerThatAreNotUtf8AreKept() {
        assertEquals(CmapValue.string("a\uDCFFb"), decodeString("61ff6200"));
    }

    private static CmapValue decodeString(String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        return CmapValue.decode(11, MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    @Test
    void stringEncodedLengthCountsUtf8Bytes() {
        for (String text : new String[] {"", "a", "\u00e9", "\u20ac", "\uD83D\uDE00", "a\u00e9\u20ac\uD83D\uDE00z",
            "\u007f\u0080\u07ff\u0800\uffff"}) {
            assertEquals(text.getBytes(StandardCharsets.UTF_8).length, CmapValue.string(text).encodedLength(), text);
        }
    }

    @Test
    void binaryKeepsNulBytesAndLargeValues() {
        byte[] big = new byte[1 << 20];
        new Random(42).nextBytes(big);
        big[0] = 0;
        big[big.length - 1] = 0;
        CmapValue.Binary value = CmapValue.binary(big);
        assertEquals(1 << 20, value.encodedLength());
        byte[] wire = value.toBytes();
        assertArrayEquals(big, wire);
        CmapValue back = CmapValue.decode(12, MemorySegment.ofArray(wire), 0, wire.length);
        assertEquals(value, back);
        assertArrayEquals(big, ((CmapValue.Binary) back).bytes());
    }

    @Test
    void binaryCopiesItsBytesInAndOut() {
        byte[] source = {1, 2, 3};
        CmapValue.Binary value = CmapValue.binary(source);
        source[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, value.bytes());
        value.bytes()[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, value.bytes());
        assertEquals(3, value.length());
    }

    @Test
    void binaryComparesHashesAndPrintsByContent() {
        assertEquals(CmapValue.binary(new byte[] {0, 1}), CmapValue.binary(new byte[] {0, 1}));
        assertEquals(CmapValue.binary(new byte[] {0, 1}).hashCode(), CmapValue.binary(new byte[] {0, 1}).hashCode());
        assertNotEquals(CmapValue.binary(new byte[] {0, 1}), CmapValue.binary(new byte[] {0, 2}));
        assertEquals("Binary[length=2, hex=00ff]", CmapValue.binary(new byte[] {0, (byte) 0xff}).toString());
        String longText = CmapValue.binary(new byte[100]).toString();
        assertEquals("Binary[length=100, hex=" + "00".repeat(64) + "...]", longText);
    }

    @Test
    void uint64IsUnsigned() {
        CmapValue.UInt64 max = CmapValue.uint64(-1L);
        assertEquals("18446744073709551615", max.toUnsignedString());
        assertEquals(new BigInteger("18446744073709551615"), max.toBigInteger());
        assertEquals("UInt64[value=18446744073709551615]", max.toString());
        assertEquals(max, CmapValue.uint64(new BigInteger("18446744073709551615")));
        assertEquals(CmapValue.uint64(Long.MIN_VALUE), CmapValue.uint64(BigInteger.ONE.shiftLeft(63)));
        assertEquals(BigInteger.ZERO, CmapValue.uint64(BigInteger.ZERO).toBigInteger());
        assertEquals(BigInteger.valueOf(Long.MAX_VALUE), CmapValue.uint64(Long.MAX_VALUE).toBigInteger());
    }

    @Test
    void unsignedDecodingDoesNotSignExtend() {
        assertEquals(new CmapValue.UInt8(255), decodeHex(2, "ff"));
        assertEquals(new CmapValue.UInt16(65535), decodeHex(4, "ffff"));
        assertEquals(new CmapValue.UInt32(4294967295L), decodeHex(6, "ffffffff"));
        assertEquals(new CmapValue.Int8((byte) -1), decodeHex(1, "ff"));
        assertEquals(new CmapValue.Int16((short) -1), decodeHex(3, "ffff"));
        assertEquals(new CmapValue.Int32(-1), decodeHex(5, "ffffffff"));
    }

    private static CmapValue decodeHex(int type, String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        return CmapValue.decode(type, MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    @Test
    void outOfRangeIntegersAreInvalidParam() {
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.int8(128));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.int8(-129));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.uint8(256));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.uint8(-1));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.int16(32768));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.int16(-32769));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.uint16(65536));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.uint16(-1));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.uint32(4294967296L));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.uint32(-1));
        assertCmapError(CsError.INVALID_PARAM, () -> new CmapValue.UInt8(Integer.MAX_VALUE));
        assertCmapError(CsError.INVALID_PARAM, () -> new CmapValue.UInt16(Integer.MIN_VALUE));
        assertCmapError(CsError.INVALID_PARAM, () -> new CmapValue.UInt32(Long.MAX_VALUE));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.uint64(BigInteger.ONE.shiftLeft(64)));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.uint64(BigInteger.ONE.negate()));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.uint64((BigInteger) null));
    }

    @Test
    void rangeErrorsNameTheValueAndRange() {
        CmapException e = assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.uint8(256));
        assertEquals("uint8 value 256 out of range 0..255: CS_ERR_INVALID_PARAM (7)", e.getMessage());
    }

    @Test
    void unrepresentableStringsAreInvalidParam() {
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.string(null));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.string("ab\0cd"));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.string("\0"));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.string("a\uD800"));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.string("\uD800x"));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.string("\uDC00"));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.binary(null));
    }

    @Test
    void fixedSizeValuesWithTheWrongLengthAreMessageErrors() {
        MemorySegment bytes = MemorySegment.ofArray(new byte[16]);
        for (CmapType type : CmapType.values()) {
            if (type.isFixedSize()) {
                int size = type.fixedSize();
                assertCmapError(CsError.MESSAGE_ERROR, () -> CmapValue.decode(type.code(), bytes, 0, size - 1));
                assertCmapError(CsError.MESSAGE_ERROR, () -> CmapValue.decode(type.code(), bytes, 0, size + 1));
                assertCmapError(CsError.MESSAGE_ERROR, () -> CmapValue.decode(type.code(), bytes, 0, 0));
            }
        }
    }

    @Test
    void unknownWireTypesAreMessageErrors() {
        MemorySegment bytes = MemorySegment.ofArray(new byte[4]);
        assertCmapError(CsError.MESSAGE_ERROR, () -> CmapValue.decode(0, bytes, 0, 4));
        assertCmapError(CsError.MESSAGE_ERROR, () -> CmapValue.decode(13, bytes, 0, 4));
        assertCmapError(CsError.MESSAGE_ERROR, () -> CmapValue.decode(-1, bytes, 0, 4));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.decode((CmapType) null, bytes, 0, 4));
    }

    @Test
    void rangesOutsideTheSourceAreMessageErrors() {
        MemorySegment bytes = MemorySegment.ofArray(new byte[8]);
        assertCmapError(CsError.MESSAGE_ERROR, () -> CmapValue.decode(7, bytes, 1, 8));
        assertCmapError(CsError.MESSAGE_ERROR, () -> CmapValue.decode(12, bytes, 0, 9));
        assertCmapError(CsError.MESSAGE_ERROR, () -> CmapValue.decode(12, bytes, -1, 2));
        assertCmapError(CsError.MESSAGE_ERROR, () -> CmapValue.decode(12, bytes, 0, -1));
        assertCmapError(CsError.MESSAGE_ERROR, () -> CmapValue.decode(12, bytes, 4, Long.MAX_VALUE));
        assertCmapError(CsError.MESSAGE_ERROR, () -> CmapValue.decode(11, bytes, 9, 0));
        assertCmapError(CsError.MESSAGE_ERROR, () -> CmapValue.decode(11, null, 0, 0));
        assertEquals(CmapValue.binary(new byte[0]), CmapValue.decode(12, bytes, 8, 0));
    }

    @Test
    void absentNotificationValuesAreNull() {
        MemorySegment bytes = MemorySegment.ofArray(new byte[4]);
        assertNull(CmapValue.decodeNullable(0, bytes, 0, 0));
        assertCmapError(CsError.MESSAGE_ERROR, () -> CmapValue.decodeNullable(0, bytes, 0, 1));
        assertEquals(CmapValue.binary(new byte[0]), CmapValue.decodeNullable(12, bytes, 0, 0));
        assertEquals(CmapValue.int32(0), CmapValue.decodeNullable(5, bytes, 0, 4));
        assertCmapError(CsError.MESSAGE_ERROR, () -> CmapValue.decodeNullable(13, bytes, 0, 4));
    }

    @Test
    void writingOutsideTheDestinationIsInvalidParam() {
        MemorySegment small = MemorySegment.ofArray(new byte[4]);
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.int64(1).writeTo(small, 0));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.int32(1).writeTo(small, 1));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.int8(1).writeTo(small, -1));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.string("hello").writeTo(small, 0));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.binary(new byte[5]).writeTo(small, 0));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.int8(1).writeTo(null, 0));
        CmapValue.int32(0x01020304).writeTo(small, 0);
        CmapValue.binary(new byte[0]).writeTo(small, 4);
        assertEquals(CmapValue.int32(0x01020304), CmapValue.decode(CmapType.INT32, small, 0, 4));
    }

    @Test
    void writingToAReadOnlyDestinationIsInvalidParam() {
        MemorySegment readOnly = MemorySegment.ofArray(new byte[8]).asReadOnly();
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.int32(1).writeTo(readOnly, 0));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.string("abc").writeTo(readOnly, 0));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.binary(new byte[0]).writeTo(readOnly, 0));
        assertEquals(CmapValue.int32(0), CmapValue.decode(CmapType.INT32, readOnly, 0, 4));
    }

    @Test
    void segmentsOfAClosedArenaAreInvalidParam() {
        MemorySegment closed;
        try (Arena arena = Arena.ofConfined()) {
            closed = arena.allocate(8);
        }
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.int64(1).writeTo(closed, 0));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.string("abc").writeTo(closed, 0));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.decode(CmapType.INT64, closed, 0, 8));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.decode(11, closed, 0, 8));
    }

    @Test
    void confinedSegmentsUsedFromAnotherThreadAreInvalidParam() throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment confined = arena.allocate(8);
            inAnotherThread(() -> {
                assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.int64(1).writeTo(confined, 0));
                assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.string("abc").writeTo(confined, 0));
                assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.decode(CmapType.INT64, confined, 0, 8));
                assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.decode(12, confined, 0, 8));
            });
            CmapValue.int64(7).writeTo(confined, 0);
            assertEquals(CmapValue.int64(7), CmapValue.decode(CmapType.INT64, confined, 0, 8));
        }
    }

    /** Runs {@code checks} in a new thread and rethrows what failed there. */
    private static void inAnotherThread(Executable checks) throws Throwable {
        Throwable[] failure = new Throwable[1];
        Thread thread = new Thread(() -> {
            try {
                checks.execute();
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        thread.start();
        thread.join();
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    @Test
    void utf8LengthsBeyondIntAreTooBig() {
        // a string this long would need gigabytes of heap, so the bound is tested on its own
        assertEquals(Integer.MAX_VALUE, CmapText.checkedLength(Integer.MAX_VALUE));
        CmapException e = assertCmapError(CsError.TOO_BIG, () -> CmapText.checkedLength(Integer.MAX_VALUE + 1L));
        assertTrue(e.getMessage().contains("2147483648"), e.getMessage());
    }

    @Test
    void factoriesMatchConstructors() {
        assertEquals(new CmapValue.Int8((byte) -5), CmapValue.int8(-5));
        assertEquals(new CmapValue.UInt8(200), CmapValue.uint8(200));
        assertEquals(new CmapValue.Int16((short) -300), CmapValue.int16(-300));
        assertEquals(new CmapValue.UInt16(60000), CmapValue.uint16(60000));
        assertEquals(new CmapValue.Int32(-70000), CmapValue.int32(-70000));
        assertEquals(new CmapValue.UInt32(3000000000L), CmapValue.uint32(3000000000L));
        assertEquals(new CmapValue.Int64(-5000000000L), CmapValue.int64(-5000000000L));
        assertEquals(new CmapValue.UInt64(7), CmapValue.uint64(7));
        assertEquals(new CmapValue.Float32(2.5f), CmapValue.float32(2.5f));
        assertEquals(new CmapValue.Float64(2.5), CmapValue.float64(2.5));
        assertEquals(new CmapValue.Str("x"), CmapValue.string("x"));
        assertEquals("Str[value=x]", CmapValue.string("x").toString());
        assertEquals("Int8[value=-5]", CmapValue.int8(-5).toString());
    }

    @Test
    void valuesOfDifferentTypesAreNotEqual() {
        assertNotEquals(CmapValue.int8(1), CmapValue.uint8(1));
        assertNotEquals(CmapValue.int32(1), CmapValue.uint32(1));
        assertNotEquals(CmapValue.int64(1), CmapValue.uint64(1));
        assertNotEquals(CmapValue.string(""), CmapValue.binary(new byte[0]));
    }
}
