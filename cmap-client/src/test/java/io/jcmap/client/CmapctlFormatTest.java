package io.jcmap.client;

import static io.jcmap.client.CmapAssertions.assertCmapError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Expected texts are what corosync-cmapctl 3.1.7 printed on x86_64 for the same values (set
 * through libcmap), or follow from its printf formats (%PRId8 … %PRIu64, %f, %lf, %s, and
 * print_binary_key's escaping).
 */
class CmapctlFormatTest {
    static Stream<Arguments> valueVectors() {
        return Stream.of(
                Arguments.of(CmapValue.int8(-128), "-128"),
                Arguments.of(CmapValue.uint8(255), "255"),
                Arguments.of(CmapValue.int16(-32768), "-32768"),
                Arguments.of(CmapValue.uint16(65535), "65535"),
                Arguments.of(CmapValue.int32(Integer.MIN_VALUE), "-2147483648"),
                Arguments.of(CmapValue.uint32(4294967295L), "4294967295"),
                Arguments.of(CmapValue.int64(Long.MIN_VALUE), "-9223372036854775808"),
                Arguments.of(CmapValue.uint64(-1L), "18446744073709551615"),
                Arguments.of(CmapValue.float32(1.5f), "1.500000"),
                Arguments.of(CmapValue.float32(0.1f), "0.100000"),
                Arguments.of(CmapValue.float32(0.0078125f), "0.007812"),
                Arguments.of(CmapValue.float32(2.5e-6f), "0.000002"),
                Arguments.of(CmapValue.float32(-1e-7f), "-0.000000"),
                Arguments.of(CmapValue.float32(-0.0f), "-0.000000"),
                Arguments.of(CmapValue.float32(Float.MIN_VALUE), "0.000000"),
                Arguments.of(CmapValue.float32(Float.MAX_VALUE), "340282346638528859811704183484516925440.000000"),
                Arguments.of(CmapValue.float32(Float.NaN), "nan"),
                Arguments.of(new CmapValue.Float32(Float.intBitsToFloat(0xffc00000)), "-nan"),
                Arguments.of(CmapValue.float32(Float.POSITIVE_INFINITY), "inf"),
                Arguments.of(CmapValue.float32(Float.NEGATIVE_INFINITY), "-inf"),
                Arguments.of(CmapValue.float64(-2.5), "-2.500000"),
                Arguments.of(CmapValue.float64(0.0), "0.000000"),
                Arguments.of(CmapValue.float64(-0.0), "-0.000000"),
                Arguments.of(CmapValue.float64(0.0000005), "0.000000"),
                Arguments.of(CmapValue.float64(0.0000015), "0.000002"),
                Arguments.of(CmapValue.float64(2.0000025), "2.000002"),
                Arguments.of(CmapValue.float64(0.0078125), "0.007812"),
                Arguments.of(CmapValue.float64(0.0234375), "0.023438"),
                Arguments.of(CmapValue.float64(123456789.123456789), "123456789.123457"),
                Arguments.of(CmapValue.float64(1e300), "1000000000000000052504760255204420248704468581108159154915854"
                        + "115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786"
                        + "706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742"
                        + "780142494579258788820056842838115669472196386865459400540160.000000"),
                Arguments.of(CmapValue.float64(Double.NaN), "nan"),
                Arguments.of(CmapValue.string(""), ""),
                Arguments.of(CmapValue.string("h\u00e9llo \u20ac"), "h\u00e9llo \u20ac"),
                Arguments.of(CmapValue.binary(new byte[0]), ""),
                Arguments.of(CmapValue.binary(new byte[] {'a', 0, '\\', 0x7f, (byte) 0x80, (byte) 0xff, ' ', '~', 0x1f, 'Z'}),
                        "a\\x00\\\\\\x7F\\xFFFFFF80\\xFFFFFFFF ~\\x1FZ"),
                Arguments.of(CmapValue.binary(new byte[] {'\n', '\t', 0x0a}), "\\x0A\\x09\\x0A"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("valueVectors")
    void valuesPrintAsCorosyncCmapctlPrintsThem(CmapValue value, String expected) {
        assertEquals(expected, CmapctlFormat.value(value));
        assertEquals(expected, value.toCmapctlString());
    }

    @Test
    void linesMatchTheListingFormat() {
        assertEquals("totem.version (u32) = 2", CmapctlFormat.line("totem.version", CmapValue.uint32(2), false, false));
        assertEquals("totem.cluster_name (str) = vals1",
                CmapctlFormat.line("totem.cluster_name", CmapValue.string("vals1"), false, false));
        assertEquals("jt.s.empty (str) = ", CmapctlFormat.line("jt.s.empty", CmapValue.string(""), false, false));
        assertEquals("jt.d.neg (dbl) = -2.500000", CmapctlFormat.line("jt.d.neg", CmapValue.float64(-2.5), true, false));
    }

    @Test
    void binaryLinesShowTheValueOnlyWithShowBinary() {
        CmapValue bin = CmapValue.binary(new byte[] {'a', 0});
        assertEquals("jt.bin (bin)", CmapctlFormat.line("jt.bin", bin, false, false));
        assertEquals("jt.bin (bin) = a\\x00", CmapctlFormat.line("jt.bin", bin, true, false));
        assertEquals("jt.binempty (bin) = ", CmapctlFormat.line("jt.binempty", CmapValue.binary(new byte[0]), true, false));
    }

    @Test
    void quietLinesAreTheValueExceptForBinary() {
        assertEquals("-2.500000", CmapctlFormat.line("jt.d.neg", CmapValue.float64(-2.5), false, true));
        assertEquals("2", CmapctlFormat.line("totem.version", CmapValue.uint32(2), true, true));
        CmapValue bin = CmapValue.binary(new byte[] {'a', 0});
        assertEquals("bin)", CmapctlFormat.line("jt.bin", bin, false, true));
        assertEquals("bin) = a\\x00", CmapctlFormat.line("jt.bin", bin, true, true));
    }

    @Test
    void trackPrefixesMatchTheTrackingOutput() {
        assertEquals("create> ", CmapctlFormat.trackPrefix(TrackEvent.ADD));
        assertEquals("delete> ", CmapctlFormat.trackPrefix(TrackEvent.DELETE));
        assertEquals("modify> ", CmapctlFormat.trackPrefix(TrackEvent.MODIFY));
        assertEquals("unknown change> ", CmapctlFormat.trackPrefix(TrackEvent.PREFIX));
    }

    @Test
    void nullArgumentsAreInvalidParam() {
        assertCmapError(CsError.INVALID_PARAM, () -> CmapctlFormat.value(null));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapctlFormat.line(null, CmapValue.int8(1), false, false));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapctlFormat.line("a.b", null, false, false));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapctlFormat.trackPrefix(null));
    }
}
