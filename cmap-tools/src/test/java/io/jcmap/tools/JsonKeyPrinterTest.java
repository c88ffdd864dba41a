package io.jcmap.tools;

import io.jcmap.client.CmapValue;
import io.jcmap.client.TrackEvent;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The JSON form of values and changes. */
class JsonKeyPrinterTest {
    @Test
    void valuesAreJsonNumbersStringsOrBase64() {
        assertEquals("-128", JsonKeyPrinter.value(CmapValue.int8(-128)));
        assertEquals("255", JsonKeyPrinter.value(CmapValue.uint8(255)));
        assertEquals("4294967295", JsonKeyPrinter.value(CmapValue.uint32(0xffff_ffffL)));
        assertEquals("18446744073709551615", JsonKeyPrinter.value(CmapValue.uint64(-1L)));
        assertEquals("-9223372036854775808", JsonKeyPrinter.value(CmapValue.int64(Long.MIN_VALUE)));
        assertEquals("1.1", JsonKeyPrinter.value(CmapValue.float32(1.1f)), "shortest float, not 1.100000023841858");
        assertEquals("0.1", JsonKeyPrinter.value(CmapValue.float64(0.1)));
        assertEquals("1.0E300", JsonKeyPrinter.value(CmapValue.float64(1e300)));
        assertEquals("\"NaN\"", JsonKeyPrinter.value(CmapValue.float64(Double.NaN)));
        assertEquals("\"-Infinity\"", JsonKeyPrinter.value(CmapValue.float32(Float.NEGATIVE_INFINITY)));
        assertEquals("\"a\\\"b\\\\c\\n\\u0001\"", JsonKeyPrinter.value(CmapValue.string("a\"b\\c\n\u0001")));
        assertEquals("\"YWIAAQ==\"", JsonKeyPrinter.value(CmapValue.binary(new byte[] {'a', 'b', 0, 1})));
    }

    @Test
    void changesCarryTheEventAndTheOldValueOfAModification() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        JsonKeyPrinter printer = new JsonKeyPrinter(new Output(out, Output.Buffering.NONE), false,
                new Output(err, Output.Buffering.NONE));
        printer.trackingPrompt();
        printer.change(TrackEvent.MODIFY, "a.b", CmapValue.string("two"), CmapValue.uint8(1));
        printer.change(TrackEvent.ADD, "a.c", CmapValue.uint8(1), null);
        printer.change(TrackEvent.DELETE, "a.d", null, null);
        assertEquals("""
                {"event":"modify","key":"a.b","type":"str","value":"two","old_type":"u8","old_value":1}
                {"event":"create","key":"a.c","type":"u8","value":1}
                {"event":"delete","key":"a.d"}
                """, out.toString(StandardCharsets.UTF_8));
        assertEquals("Type \"q\" to finish\n", err.toString(StandardCharsets.UTF_8));
    }
}
