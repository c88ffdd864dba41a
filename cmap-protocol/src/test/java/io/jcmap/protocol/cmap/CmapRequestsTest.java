package io.jcmap.protocol.cmap;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Request encoders against byte vectors derived from the C structs (ipc_cmap.h). */
class CmapRequestsTest {
    private static final int BUFFER = 4096;
    private static final byte DIRT = (byte) 0xA5;

    /** Encodes into dirty heap and native buffers; checks both agree and nothing past the end is touched. */
    private static byte[] encode(ToIntFunction<MemorySegment> encoder) {
        byte[] heapArray = new byte[BUFFER];
        Arrays.fill(heapArray, DIRT);
        int length = encoder.applyAsInt(MemorySegment.ofArray(heapArray));
        for (int i = length; i < BUFFER; i++) {
            assertEquals(DIRT, heapArray[i], "byte " + i + " past the request was written");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment nativeDst = arena.allocate(BUFFER);
            nativeDst.fill(DIRT);
            assertEquals(length, encoder.applyAsInt(nativeDst));
            assertArrayEquals(Arrays.copyOf(heapArray, length), nativeDst.asSlice(0, length).toArray(JAVA_BYTE));
        }
        return Arrays.copyOf(heapArray, length);
    }

    private static MemorySegment bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return MemorySegment.ofArray(b);
    }

    private static void assertCode(int expected, Runnable encoding) {
        CodecException e = assertThrows(CodecException.class, encoding::run);
        assertEquals(expected, e.csError(), e.getMessage());
    }

    private static MemorySegment dst() {
        return MemorySegment.ofArray(new byte[BUFFER]);
    }

    @Test
    void setInt32() {
        byte[] actual = encode(d -> CmapRequests.set(d, "totem.x", CmapValueType.INT32, bytes(42, 0, 0, 0)));
        byte[] expected = Wire.request(300, 0)       // id SET=0 @0, size 296+4 @8
                .name(16, "totem.x")                 // key_name.length @16, value @24
                .i64(280, 4)                         // value_len @280
                .u8(288, 5)                          // type INT32 @288
                .i32(296, 42)                        // value @296
                .array();
        assertArrayEquals(expected, actual);
    }

    @Test
    void setNumericInPlaceKeepsTheValueTheCallerWroteAndEncodesTheRestAsSet() {
        byte[] actual = encode(d -> {
            d.set(JAVA_BYTE, 296, (byte) 42);        // the caller's value bytes @296..299
            d.set(JAVA_BYTE, 297, (byte) 0);
            d.set(JAVA_BYTE, 298, (byte) 0);
            d.set(JAVA_BYTE, 299, (byte) 0);
            return CmapRequests.setNumericInPlace(d, "totem.x", CmapValueType.INT32, 4);
        });
        byte[] expected = Wire.request(300, 0)       // id SET=0 @0, size 296+4 @8
                .name(16, "totem.x")                 // key_name.length @16, value @24
                .i64(280, 4)                         // value_len @280
                .u8(288, 5)                          // type INT32 @288
                .i32(296, 42)                        // value @296, untouched
                .array();
        assertArrayEquals(expected, actual);
        assertCode(CsCode.INVALID_PARAM, () -> CmapRequests.setNumericInPlace(dst(), "totem.x", CmapValueType.INT32, 8));
        assertCode(CsCode.INVALID_PARAM, () -> CmapRequests.setNumericInPlace(dst(), "totem.x", CmapValueType.STRING, 4));
    }

    @Test
    void setStringAndBinaryValues() {
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        byte[] str = encode(d -> CmapRequests.set(d, "a.b", CmapValueType.STRING, MemorySegment.ofArray(abc)));
        assertArrayEquals(Wire.request(299, 0).name(16, "a.b").i64(280, 3).u8(288, 11).bytes(296, abc).array(), str);

        byte[] withNul = encode(d -> CmapRequests.set(d, "a.b", CmapValueType.STRING, bytes('a', 0)));
        assertArrayEquals(Wire.request(298, 0).name(16, "a.b").i64(280, 2).u8(288, 11).u8(296, 'a').array(), withNul);

        byte[] empty = encode(d -> CmapRequests.set(d, "a.b", CmapValueType.BINARY, MemorySegment.ofArray(new byte[0])));
        assertArrayEquals(Wire.request(296, 0).name(16, "a.b").i64(280, 0).u8(288, 12).array(), empty);
    }

    @ParameterizedTest
    @CsvSource({"1,1", "2,1", "3,2", "4,2", "5,4", "6,4", "7,8", "8,8", "9,4", "10,8", "11,5", "12,7"})
    void setEveryValueType(int type, int length) {
        byte[] value = new byte[length];
        Arrays.fill(value, (byte) 'v');
        byte[] actual = encode(d -> CmapRequests.set(d, "k.k", type, MemorySegment.ofArray(value)));
        assertArrayEquals(Wire.request(296 + length, 0).name(16, "k.k").i64(280, length).u8(288, type)
                .bytes(296, value).array(), actual);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 13, 256})
    void setRefusesUnknownType(int type) {
        assertCode(CsCode.INVALID_PARAM, () -> CmapRequests.set(dst(), "a.b", type, bytes(1)));
    }

    @ParameterizedTest
    @CsvSource({"1,2", "3,1", "5,8", "7,4", "9,8", "10,4", "6,0"})
    void setRefusesValueLengthNotMatchingType(int type, int length) {
        assertCode(CsCode.INVALID_PARAM,
                () -> CmapRequests.set(dst(), "a.b", type, MemorySegment.ofArray(new byte[length])));
    }

    @Test
    void setRefusesStringWithInnerNul() {
        assertCode(CsCode.INVALID_PARAM, () -> CmapRequests.set(dst(), "a.b", CmapValueType.STRING, bytes('a', 0, 'b')));
    }

    /** The look for a NUL goes a word of 8 bytes at a time: a NUL anywhere before the end is found. */
    @ParameterizedTest
    @CsvSource({"0,40", "6,40", "7,40", "8,40", "15,40", "16,40", "31,40", "32,40", "38,40", "7,9", "8,10", "0,2"})
    void setFindsAnInnerNulAtEveryPlaceOfAWord(int at, int length) {
        byte[] text = new byte[length];
        Arrays.fill(text, (byte) 'x');
        text[at] = 0;
        CodecException e = assertThrows(CodecException.class,
                () -> CmapRequests.set(dst(), "a.b", CmapValueType.STRING, MemorySegment.ofArray(text)));
        assertEquals(CsCode.INVALID_PARAM, e.csError());
        assertTrue(e.getMessage().contains("NUL byte at " + at + " "), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"1", "8", "9", "16", "17", "4000"})
    void setTakesAStringWithoutNulOrWithItsOnlyNulAtTheEnd(int length) {
        byte[] text = new byte[length];
        Arrays.fill(text, (byte) 0x80); // high bits set everywhere: no zero byte for all that
        CmapRequests.set(MemorySegment.ofArray(new byte[8192]), "a.b", CmapValueType.STRING, MemorySegment.ofArray(text));
        text[length - 1] = 0;
        CmapRequests.set(MemorySegment.ofArray(new byte[8192]), "a.b", CmapValueType.STRING, MemorySegment.ofArray(text));
    }

    @Test
    void aWordHasAZeroByteExactlyWhenOneOfItsBytesIsZero() {
        assertFalse(CmapRequests.hasZeroByte(0x0101_0101_0101_0101L));
        assertFalse(CmapRequests.hasZeroByte(0x8080_8080_8080_8080L));
        assertFalse(CmapRequests.hasZeroByte(-1L));
        assertFalse(CmapRequests.hasZeroByte(0x7f01_80ff_0102_0304L));
        assertTrue(CmapRequests.hasZeroByte(0L));
        for (int b = 0; b < Long.BYTES; b++) {
            long word = 0x0101_0101_0101_0101L & ~(0xFFL << (b * Byte.SIZE));
            assertTrue(CmapRequests.hasZeroByte(word), "zero byte " + b);
            assertTrue(CmapRequests.hasZeroByte(word | 0x8080_8080_8080_8080L & ~(0xFFL << (b * Byte.SIZE))),
                    "zero byte " + b + " among bytes of 0x81");
        }
    }

    @Test
    void setRefusesNulls() {
        assertCode(CsCode.INVALID_PARAM, () -> CmapRequests.set(dst(), null, CmapValueType.INT8, bytes(1)));
        assertCode(CsCode.INVALID_PARAM, () -> CmapRequests.set(dst(), "a.b", CmapValueType.INT8, null));
        assertCode(CsCode.INVALID_PARAM, () -> CmapRequests.set(null, "a.b", CmapValueType.INT8, bytes(1)));
    }

    @Test
    void setNameOf255BytesKeepsTheTerminatingNul() {
        String key = Wire.repeat('k', 255);
        byte[] actual = encode(d -> CmapRequests.set(d, key, CmapValueType.UINT8, bytes(7)));
        assertEquals(297, actual.length);
        assertArrayEquals(Wire.request(297, 0).name(16, key).i64(280, 1).u8(288, 2).u8(296, 7).array(), actual);
        assertEquals(0, actual[24 + 255], "byte 256 of the name field (offset 279) must stay NUL");
    }

    @Test
    void setNameLimits() {
        assertCode(CsCode.NAME_TOO_LONG, () -> CmapRequests.set(dst(), Wire.repeat('k', 256), 2, bytes(1)));
        assertCode(CsCode.NAME_TOO_LONG, () -> CmapRequests.set(dst(), Wire.repeat('k', 100_000), 2, bytes(1)));
        // shorter than corosync's 3 bytes: sent, as libcmap does, for corosync to judge in its order
        assertEquals(297, CmapRequests.set(dst(), "ab", 2, bytes(1)));
        assertEquals(297, CmapRequests.set(dst(), "", 2, bytes(1)));
        assertEquals(297, CmapRequests.set(dst(), "abc", 2, bytes(1)));
    }

    @Test
    void nonAsciiNamesAreUtf8() {
        String key = "ключ.é.😀";
        byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
        byte[] actual = encode(d -> CmapRequests.delete(d, key));
        assertArrayEquals(Wire.request(280, 1).u16(16, utf8.length).bytes(24, utf8).array(), actual);
    }

    @Test
    void loneSurrogatesForBytesAreWrittenAsThoseBytes() {
        // U+DC80..U+DCFF stand for the bytes 0x80..0xFF that were not UTF-8 where the name came from
        byte[] actual = encode(d -> CmapRequests.delete(d, "k.\uDCE9\u00e9\uDCFF\uDC80"));
        byte[] name = {'k', '.', (byte) 0xe9, (byte) 0xc3, (byte) 0xa9, (byte) 0xff, (byte) 0x80};
        assertArrayEquals(Wire.request(280, 1).u16(16, name.length).bytes(24, name).array(), actual);
        assertEquals(280, CmapRequests.delete(dst(), Wire.repeat('\uDCE9', 255)));               // 255 bytes
        assertCode(CsCode.NAME_TOO_LONG, () -> CmapRequests.set(dst(), Wire.repeat('\uDCE9', 256), 2, bytes(1)));
        byte[] set = encode(d -> CmapRequests.set(d, "a\uDCE9", 2, bytes(1)));                  // 2 bytes
        assertArrayEquals(new byte[] {2, 0, 0, 0, 0, 0, 0, 0, 'a', (byte) 0xe9}, Arrays.copyOfRange(set, 16, 26));
    }

    @Test
    void nameLimitCountsUtf8Bytes() {
        assertCode(CsCode.NAME_TOO_LONG, () -> CmapRequests.delete(dst(), Wire.repeat('é', 128)));  // 256 bytes
        assertEquals(280, CmapRequests.delete(dst(), Wire.repeat('é', 127) + "x"));               // 255 bytes
    }

    @Test
    void namesWithNulOrBrokenSurrogatesAreRefused() {
        assertCode(CsCode.INVALID_PARAM, () -> CmapRequests.delete(dst(), "a.b\0c"));
        assertCode(CsCode.INVALID_PARAM, () -> CmapRequests.delete(dst(), "a.b\uD83D"));
        assertCode(CsCode.INVALID_PARAM, () -> CmapRequests.delete(dst(), "a\uDE00.b"));
        assertCode(CsCode.INVALID_PARAM, () -> CmapRequests.delete(dst(), "a.b\uDC7F"));
        assertCode(CsCode.INVALID_PARAM, () -> CmapRequests.iterInit(dst(), "\0"));
    }

    @Test
    void delete() {
        assertArrayEquals(Wire.request(280, 1).name(16, "nodelist.x").array(),   // id DELETE=1, size 280
                encode(d -> CmapRequests.delete(d, "nodelist.x")));
        assertArrayEquals(Wire.request(280, 1).name(16, "a").array(),            // no minimum length
                encode(d -> CmapRequests.delete(d, "a")));
        assertCode(CsCode.INVALID_PARAM, () -> CmapRequests.delete(dst(), null));
        assertCode(CsCode.NAME_TOO_LONG, () -> CmapRequests.delete(dst(), Wire.repeat('k', 256)));
    }

    @Test
    void get() {
        assertArrayEquals(Wire.request(288, 2).name(16, "totem.cluster_name").i64(280, 16).array(),
                encode(d -> CmapRequests.get(d, "totem.cluster_name", 16)));   // value_len @280
        assertArrayEquals(Wire.request(288, 2).name(16, "a.b").array(),
                encode(d -> CmapRequests.get(d, "a.b", 0)));                   // length query
        assertCode(CsCode.INVALID_PARAM, () -> CmapRequests.get(dst(), "a.b", -1));
        assertCode(CsCode.TOO_BIG, () -> CmapRequests.get(dst(), "a.b", Integer.MAX_VALUE - 39L));
        assertEquals(288, CmapRequests.get(dst(), "a.b", Integer.MAX_VALUE - 40L));
        assertCode(CsCode.INVALID_PARAM, () -> CmapRequests.get(dst(), null, 0));
        assertCode(CsCode.NAME_TOO_LONG, () -> CmapRequests.get(dst(), Wire.repeat('k', 256), 0));
    }

    @Test
    void adjustInt() {
        assertArrayEquals(Wire.request(288, 3).name(16, "a.counter").i32(280, -5).array(),  // step @280
                encode(d -> CmapRequests.adjustInt(d, "a.counter", -5)));
        assertCode(CsCode.INVALID_PARAM, () -> CmapRequests.adjustInt(dst(), null, 1));
    }

    @Test
    void iterInit() {
        assertArrayEquals(Wire.request(280, 4).name(16, "totem.").array(),     // prefix @16
                encode(d -> CmapRequests.iterInit(d, "totem.")));
        byte[] all = Wire.request(280, 4).array();                            // prefix length 0, all NUL
        assertArrayEquals(all, encode(d -> CmapRequests.iterInit(d, "")));
        assertArrayEquals(all, encode(d -> CmapRequests.iterInit(d, null)));
        assertCode(CsCode.NAME_TOO_LONG, () -> CmapRequests.iterInit(dst(), Wire.repeat('p', 256)));
    }

    @Test
    void handleRequests() {
        long handle = 0x8000_0000_0000_0001L;                                  // unsigned, high bit set
        assertArrayEquals(Wire.request(24, 5).i64(16, handle).array(), encode(d -> CmapRequests.iterNext(d, handle)));
        assertArrayEquals(Wire.request(24, 6).i64(16, handle).array(), encode(d -> CmapRequests.iterFinalize(d, handle)));
        assertArrayEquals(Wire.request(24, 8).i64(16, handle).array(), encode(d -> CmapRequests.trackDelete(d, handle)));
    }

    @Test
    void trackAdd() {
        long inst = 0xFEDC_BA98_7654_3210L;
        int flags = CmapTrackType.ADD | CmapTrackType.PREFIX;                  // 4 | 8
        assertArrayEquals(Wire.request(296, 7).name(16, "totem.").i32(280, 12).i64(288, inst).array(),
                encode(d -> CmapRequests.trackAdd(d, "totem.", flags, inst)));
        assertArrayEquals(Wire.request(296, 7).i32(280, 7).i64(288, 1).array(),   // every key
                encode(d -> CmapRequests.trackAdd(d, null, 7, 1)));
        assertCode(CsCode.NAME_TOO_LONG, () -> CmapRequests.trackAdd(dst(), Wire.repeat('k', 256), 1, 1));
        // the error names a key a key, and a prefix (with the PREFIX flag) a prefix
        assertTrue(assertThrows(CodecException.class, () -> CmapRequests.trackAdd(dst(), Wire.repeat('k', 256), 1, 1))
                .getMessage().startsWith("key name "));
        assertTrue(assertThrows(CodecException.class, () -> CmapRequests.trackAdd(dst(), Wire.repeat('k', 256),
                1 | CmapTrackType.PREFIX, 1)).getMessage().startsWith("prefix "));
    }

    @Test
    void setCurrentMap() {
        assertArrayEquals(Wire.request(24, 9).i32(16, 1).array(),             // map @16
                encode(d -> CmapRequests.setCurrentMap(d, CmapMap.STATS)));
        assertArrayEquals(Wire.request(24, 9).array(), encode(d -> CmapRequests.setCurrentMap(d, CmapMap.DEFAULT)));
    }

    @Test
    void destinationTooSmallIsTooBigAndLeavesItUntouched() {
        byte[] small = new byte[295];
        Arrays.fill(small, DIRT);
        MemorySegment dst = MemorySegment.ofArray(small);
        assertCode(CsCode.TOO_BIG, () -> CmapRequests.set(dst, "a.b", CmapValueType.INT8, bytes(1)));   // needs 297
        assertCode(CsCode.TOO_BIG, () -> CmapRequests.trackAdd(dst, "a.b", 1, 1));                     // needs 296
        for (byte b : small) {
            assertEquals(DIRT, b);
        }
        MemorySegment tiny = MemorySegment.ofArray(new byte[23]);
        assertCode(CsCode.TOO_BIG, () -> CmapRequests.iterNext(tiny, 1));
        assertCode(CsCode.TOO_BIG, () -> CmapRequests.setCurrentMap(tiny, 0));
        assertCode(CsCode.TOO_BIG, () -> CmapRequests.delete(MemorySegment.ofArray(new byte[279]), "a.b"));
        assertCode(CsCode.TOO_BIG, () -> CmapRequests.get(MemorySegment.ofArray(new byte[287]), "a.b", 1));
        assertEquals(297, CmapRequests.set(MemorySegment.ofArray(new byte[297]), "a.b", CmapValueType.INT8, bytes(1)));
    }

    @Test
    void readOnlyOrNullDestinationIsInvalidParam() {
        MemorySegment readOnly = dst().asReadOnly();
        assertCode(CsCode.INVALID_PARAM, () -> CmapRequests.iterNext(readOnly, 1));
        assertCode(CsCode.INVALID_PARAM, () -> CmapRequests.delete(null, "a.b"));
    }

    @Test
    void messageSizeRules() {
        assertEquals(296 + 10, CmapMessageSize.setRequestLength(10));
        assertEquals(40 + 10, CmapMessageSize.getResponseLength(10));
        assertEquals(65536 - 296, CmapMessageSize.maxSetValueLength(65536));
        assertEquals(65536 - 40, CmapMessageSize.maxGetValueLength(65536));
        assertEquals(-1, CmapMessageSize.maxSetValueLength(295));
        assertEquals(-1, CmapMessageSize.maxGetValueLength(Long.MIN_VALUE));
        assertEquals(Integer.MAX_VALUE - 40L, CmapMessageSize.maxGetValueLength(Long.MAX_VALUE));
        CmapMessageSize.checkSetFits(65536 - 296, 65536);
        assertCode(CsCode.TOO_BIG, () -> CmapMessageSize.checkSetFits(65536 - 295, 65536));
        CmapMessageSize.checkGetFits(65536 - 40, 65536);
        assertCode(CsCode.TOO_BIG, () -> CmapMessageSize.checkGetFits(65536 - 39, 65536));
        assertCode(CsCode.TOO_BIG, () -> CmapMessageSize.checkSetFits(0, 100));
        assertCode(CsCode.INVALID_PARAM, () -> CmapMessageSize.checkGetFits(-1, 65536));
    }

    /**
     * corosync refuses values over ICMAP_MAX_VALUE_LEN (16,384 bytes); libcmap's 1,048,576-byte
     * request holds 1,048,576 - 296 = 1,048,280 bytes of value and refuses more itself.
     */
    @Test
    void setsThatCorosyncRefusesAreThoseOver16KiBThatLibcmapSends() {
        assertFalse(CmapMessageSize.setRefusedByCorosync(16_384));
        assertTrue(CmapMessageSize.setRefusedByCorosync(16_385));
        assertTrue(CmapMessageSize.setRefusedByCorosync(1_048_280));
        assertFalse(CmapMessageSize.setRefusedByCorosync(1_048_281));
        assertFalse(CmapMessageSize.setRefusedByCorosync(Long.MAX_VALUE - 296));
        assertFalse(CmapMessageSize.setRefusedByCorosync(Long.MAX_VALUE), "no overflow past the fixed part");
        assertTrue(CmapMessageSize.setSentByLibcmap(0));
        assertTrue(CmapMessageSize.setSentByLibcmap(16_384));
        assertTrue(CmapMessageSize.setSentByLibcmap(1_048_280));
        assertFalse(CmapMessageSize.setSentByLibcmap(1_048_281));
        assertFalse(CmapMessageSize.setSentByLibcmap(Long.MAX_VALUE));
    }

    @Test
    void valueTypeLengths() {
        assertEquals(1, CmapValueType.fixedLength(CmapValueType.UINT8));
        assertEquals(8, CmapValueType.fixedLength(CmapValueType.DOUBLE));
        assertEquals(CmapValueType.VARIABLE_LENGTH, CmapValueType.fixedLength(CmapValueType.STRING));
        assertCode(CsCode.INVALID_PARAM, () -> CmapValueType.fixedLength(0));
    }
}
