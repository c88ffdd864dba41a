package io.jcmap.tools;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * glibc sscanf's quirks for the conversions of {@code -s}; each case here was also compared with
 * corosync-cmapctl by the differential ITs.
 */
class CScanfTest {
    @Test
    void signedIntegersSkipBlanksIgnoreTrailingGarbageAndSaturate() {
        assertEquals(12L, CScanf.signed64(" 12abc"));
        assertEquals(-5L, CScanf.signed64("-5"));
        assertEquals(7L, CScanf.signed64("+7"));
        assertEquals(Long.MAX_VALUE, CScanf.signed64("9223372036854775808"));
        assertEquals(Long.MIN_VALUE, CScanf.signed64("-99999999999999999999"));
        assertNull(CScanf.signed64("abc"));
        assertNull(CScanf.signed64(""));
        assertNull(CScanf.signed64("-"));
        assertNull(CScanf.signed64("x1"));
    }

    @Test
    void unsignedIntegersNegateModuloTwoToTheSixtyFourAndSaturate() {
        assertEquals(-1L, CScanf.unsigned64("-1"));
        assertEquals(-1L, CScanf.unsigned64("18446744073709551615"));
        assertEquals(-1L, CScanf.unsigned64("99999999999999999999"));
        assertEquals(-1L, CScanf.unsigned64("-99999999999999999999"));
        assertEquals(0L, CScanf.unsigned64("0"));
    }

    @Test
    void floatsAcceptHexInfinityNanAndIncompleteExponents() {
        assertEquals(3.0, CScanf.float64("0x1.8p1"));
        assertEquals(2.5, CScanf.float64("2.5e"));
        assertEquals(Double.POSITIVE_INFINITY, CScanf.float64("INFINITY"));
        assertEquals(Float.NEGATIVE_INFINITY, CScanf.float32("-inf"));
        assertTrue(Double.isNaN(CScanf.float64("-nan")));
        assertEquals(Float.POSITIVE_INFINITY, CScanf.float32("1e40"));
        assertEquals(-0.0f, CScanf.float32("-0"));
        assertEquals(1.5f, CScanf.float32("1.5xyz"));
        assertEquals(1.0e-300, CScanf.float64("1e-300"));
        assertNull(CScanf.float64("abc"));
        assertNull(CScanf.float64(""));
        assertNull(CScanf.float32("-"));
    }
}
