package io.jcmap.client;

import static io.jcmap.client.CmapAssertions.assertCmapError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

class SetValueTest {
    @Test
    void aStringIsEncodedOnceAndWrittenAsItsBytes() {
        String text = "h\u00e9llo \uD83D\uDE00 \uDCFF"; // 2-byte, 4-byte and an escaped byte 0xFF
        SetValue value = SetValue.of("k.s", CmapValue.string(text), 1 << 20);
        assertArrayEquals(CmapText.encode(text), bytesOf(value));
        assertEquals(CmapValue.string(text).encodedLength(), value.length());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment area = arena.allocate(value.length());
            value.writeTo(area);
            assertArrayEquals(CmapText.encode(text), area.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void aStringThatCannotFitIsNotEncoded() {
        SetValue value = SetValue.of("k.s", CmapValue.string("x".repeat(101)), 100);
        assertNull(bytesOf(value), "more chars than bytes fit: its bytes are not made");
        assertEquals(101, value.length());
        assertEquals(100, bytesOf(SetValue.of("k.s", CmapValue.string("x".repeat(100)), 100)).length);
        SetValue wide = SetValue.of("k.s", CmapValue.string("\u20ac".repeat(34)), 100);
        assertNull(bytesOf(wide), "34 chars of 3 bytes: 102 bytes, counted and not made");
        assertEquals(102, wide.length());
        assertEquals(99, bytesOf(SetValue.of("k.s", CmapValue.string("\u20ac".repeat(33)), 100)).length);
    }

    @Test
    void otherValuesWriteThemselves() {
        SetValue value = SetValue.of("k.u", CmapValue.uint32(0x01020304L), 1 << 20);
        assertNull(bytesOf(value));
        assertEquals(4, value.length());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment area = arena.allocate(4);
            value.writeTo(area);
            assertEquals(0x01020304, area.get(ValueLayout.JAVA_INT_UNALIGNED, 0));
        }
    }

    @Test
    void aStringKeepsItsType() {
        assertEquals(CmapType.STRING, SetValue.of("k.s", CmapValue.string("x".repeat(101)), 100).type());
        assertEquals(CmapType.STRING, SetValue.of("k.s", CmapValue.string("abc"), 100).type());
    }

    @Test
    void aNullValueIsInvalidParam() {
        assertCmapError(CsError.INVALID_PARAM, () -> SetValue.of("k.n", null, 1 << 20));
    }

    /** The bytes made before the request, or null for a value that writes itself. */
    private static byte[] bytesOf(SetValue value) {
        return value instanceof SetValue.Encoded encoded ? encoded.bytes() : null;
    }
}
