package io.jcmap.client.it;

import io.jcmap.client.CmapValue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Edge values of every CMAP type, shared by the scenarios. */
final class Values {
    /** corosync's {@code ICMAP_MAX_VALUE_LEN}: the longest value it accepts (it stores a string's NUL after it). */
    static final int MAX_VALUE_LENGTH = 16 * 1024;
    /** A text with two-, three- and four-byte UTF-8 sequences. */
    static final String NON_ASCII = "Příliš žluťoučký kůň – 日本語 – \uD83D\uDC34";
    /** Bytes with NULs, a backslash, and bytes above 0x7f. */
    static final byte[] BINARY_WITH_NULS = {0, 'a', 0, 0, '\\', (byte) 0x80, (byte) 0xff, 0};

    private Values() {
    }

    /** Named edge values of all twelve types, in type order. */
    static Map<String, CmapValue> edgeValues() {
        Map<String, CmapValue> values = new LinkedHashMap<>();
        values.put("int8 min", CmapValue.int8(Byte.MIN_VALUE));
        values.put("int8 max", CmapValue.int8(Byte.MAX_VALUE));
        values.put("int8 -1", CmapValue.int8(-1));
        values.put("uint8 0", CmapValue.uint8(0));
        values.put("uint8 max 255", CmapValue.uint8(255));
        values.put("int16 min", CmapValue.int16(Short.MIN_VALUE));
        values.put("int16 max", CmapValue.int16(Short.MAX_VALUE));
        values.put("uint16 0", CmapValue.uint16(0));
        values.put("uint16 max 65535", CmapValue.uint16(65535));
        values.put("int32 min", CmapValue.int32(Integer.MIN_VALUE));
        values.put("int32 max", CmapValue.int32(Integer.MAX_VALUE));
        values.put("uint32 0", CmapValue.uint32(0));
        values.put("uint32 max 4294967295", CmapValue.uint32(4294967295L));
        values.put("int64 min", CmapValue.int64(Long.MIN_VALUE));
        values.put("int64 max", CmapValue.int64(Long.MAX_VALUE));
        values.put("uint64 0", CmapValue.uint64(0));
        values.put("uint64 2^63", CmapValue.uint64(Long.MIN_VALUE));
        values.put("uint64 max 2^64-1", CmapValue.uint64(-1L));
        values.put("float 0", CmapValue.float32(0.0f));
        values.put("float -0", CmapValue.float32(-0.0f));
        values.put("float NaN", CmapValue.float32(Float.NaN));
        values.put("float NaN with payload", CmapValue.float32(Float.intBitsToFloat(0x7fc0_1234)));
        values.put("float negative NaN", CmapValue.float32(Float.intBitsToFloat(0xffc0_0000)));
        values.put("float +inf", CmapValue.float32(Float.POSITIVE_INFINITY));
        values.put("float -inf", CmapValue.float32(Float.NEGATIVE_INFINITY));
        values.put("float max", CmapValue.float32(Float.MAX_VALUE));
        values.put("float min subnormal", CmapValue.float32(Float.MIN_VALUE));
        values.put("float min normal", CmapValue.float32(-Float.MIN_NORMAL));
        values.put("double 0", CmapValue.float64(0.0));
        values.put("double -0", CmapValue.float64(-0.0));
        values.put("double NaN", CmapValue.float64(Double.NaN));
        values.put("double NaN with payload", CmapValue.float64(Double.longBitsToDouble(0x7ff8_0000_0000_abcdL)));
        values.put("double negative NaN", CmapValue.float64(Double.longBitsToDouble(0xfff8_0000_0000_0000L)));
        values.put("double +inf", CmapValue.float64(Double.POSITIVE_INFINITY));
        values.put("double -inf", CmapValue.float64(Double.NEGATIVE_INFINITY));
        values.put("double max", CmapValue.float64(Double.MAX_VALUE));
        values.put("double min subnormal", CmapValue.float64(Double.MIN_VALUE));
        values.put("double 0.1", CmapValue.float64(0.1));
        values.put("string empty", CmapValue.string(""));
        values.put("string ascii", CmapValue.string("hello, corosync"));
        values.put("string non-ascii", CmapValue.string(NON_ASCII));
        values.put("string of 16384 bytes", CmapValue.string("s".repeat(MAX_VALUE_LENGTH)));
        values.put("string of 16384 bytes in 4-byte chars", CmapValue.string("\uD83D\uDC34".repeat(MAX_VALUE_LENGTH / 4)));
        values.put("binary empty", CmapValue.binary(new byte[0]));
        values.put("binary NUL", CmapValue.binary(new byte[1]));
        values.put("binary with NULs", CmapValue.binary(BINARY_WITH_NULS));
        values.put("binary all byte values", CmapValue.binary(allByteValues()));
        values.put("binary of 16384 bytes", CmapValue.binary(pattern(MAX_VALUE_LENGTH)));
        return values;
    }

    /** 0x00 .. 0xff. */
    static byte[] allByteValues() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    /** {@code length} bytes of a pattern that has NULs and every byte value. */
    static byte[] pattern(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + (i >> 8));
        }
        return bytes;
    }

    /** The UTF-8 length of a string. */
    static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
