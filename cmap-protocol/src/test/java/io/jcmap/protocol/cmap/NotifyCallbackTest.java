package io.jcmap.protocol.cmap;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Notification decoding against res_lib_cmap_notify_callback byte vectors. */
class NotifyCallbackTest {
    private static final long INST = 0x1122_3344_5566_7788L;

    /**
     * Layout: header @0 (id 9), track_inst_handle @24, key_name @32 (length @32, bytes @40),
     * event @296, new_value_type @304, old_value_type @312, new_value_len @320,
     * old_value_len @328, new_value @336, old_value right after it.
     */
    private static Wire notification(String key, int event, int newType, byte[] newValue, int oldType, byte[] oldValue) {
        int size = 336 + newValue.length + oldValue.length;
        return Wire.response(size, 9, 1)
                .i64(24, INST).name(32, key).i32(296, event)
                .u8(304, newType).u8(312, oldType)
                .i64(320, newValue.length).i64(328, oldValue.length)
                .bytes(336, newValue).bytes(336 + newValue.length, oldValue);
    }

    private static NotifyEvent decode(Wire w) {
        byte[] a = w.array();
        return NotifyCallback.decode(MemorySegment.ofArray(a), a.length);
    }

    private static void assertMalformed(Executable decoding) {
        CodecException e = assertThrows(CodecException.class, decoding);
        assertEquals(CsCode.MESSAGE_ERROR, e.csError(), e.getMessage());
    }

    @Test
    void modifyCarriesBothValues() {
        byte[] newV = {2, 0, 0, 0};
        byte[] oldV = {1, 0, 0, 0};
        NotifyEvent e = decode(notification("totem.x", CmapTrackType.MODIFY, 6, newV, 6, oldV));
        assertEquals(new NotifyEvent(INST, "totem.x", 2, 6, newV, 6, oldV), e);
        assertTrue(e.hasNewValue());
        assertTrue(e.hasOldValue());
    }

    @Test
    void addCarriesOnlyTheNewValue() {
        byte[] newV = "hello\0".getBytes();
        NotifyEvent e = decode(notification("a.b", CmapTrackType.ADD, 11, newV, 0, new byte[0]));
        assertEquals(CmapTrackType.ADD, e.event());
        assertArrayEquals(newV, e.newValue());
        assertEquals(0, e.oldType());
        assertArrayEquals(new byte[0], e.oldValue());
        assertFalse(e.hasOldValue());
    }

    @Test
    void deleteCarriesOnlyTheOldValue() {
        byte[] oldV = {9, 8, 7};
        NotifyEvent e = decode(notification("a.b", CmapTrackType.DELETE, 0, new byte[0], 12, oldV));
        assertEquals(CmapTrackType.DELETE, e.event());
        assertFalse(e.hasNewValue());
        assertArrayEquals(oldV, e.oldValue());
        assertEquals(12, e.oldType());
    }

    @Test
    void flyweightGivesSlicesWithoutCopying() {
        byte[] a = notification("k.k", 2, 12, new byte[] {1, 2}, 12, new byte[] {3, 4, 5}).array();
        NotifyCallback n = new NotifyCallback().wrap(MemorySegment.ofArray(a), a.length);
        assertEquals(INST, n.trackInstHandle());
        assertEquals("k.k", n.keyName());
        assertEquals(3, n.keyNameLength());
        assertEquals(2, n.newValueLength());
        assertEquals(3, n.oldValueLength());
        assertArrayEquals(new byte[] {1, 2}, n.newValue().toArray(JAVA_BYTE));
        assertArrayEquals(new byte[] {3, 4, 5}, n.oldValue().toArray(JAVA_BYTE));
    }

    @Test
    void eventIsImmutable() {
        byte[] v = {1};
        NotifyEvent e = new NotifyEvent(1, "a.b", 4, 2, v, 0, new byte[0]);
        v[0] = 9;
        e.newValue()[0] = 9;
        assertArrayEquals(new byte[] {1}, e.newValue());
        assertEquals(new NotifyEvent(1, "a.b", 4, 2, new byte[] {1}, 0, new byte[0]).hashCode(), e.hashCode());
        assertNotEquals(new NotifyEvent(1, "a.b", 4, 2, new byte[] {2}, 0, new byte[0]), e);
    }

    @Test
    void name255BytesIsAccepted() {
        String key = Wire.repeat('z', 255);
        assertEquals(key, decode(notification(key, 4, 1, new byte[] {1}, 0, new byte[0])).keyName());
    }

    @Test
    void malformedNotifications() {
        byte[] one = {1};
        // wrong id
        assertMalformed(() -> decode(notification("a.b", 4, 1, one, 0, new byte[0]).i32(0, 5)));
        // size field larger / smaller than received
        assertMalformed(() -> decode(notification("a.b", 4, 1, one, 0, new byte[0]).i32(8, 338)));
        assertMalformed(() -> decode(notification("a.b", 4, 1, one, 0, new byte[0]).i32(8, 336)));
        // name length 256
        assertMalformed(() -> decode(notification("a.b", 4, 1, one, 0, new byte[0]).u16(32, 256)));
        // absurd lengths: 2^64-1, 2^63, and lengths that overlap or do not fill the message
        assertMalformed(() -> decode(notification("a.b", 4, 1, one, 0, new byte[0]).i64(320, -1)));
        assertMalformed(() -> decode(notification("a.b", 4, 1, one, 0, new byte[0]).i64(320, Long.MIN_VALUE)));
        assertMalformed(() -> decode(notification("a.b", 4, 1, one, 0, new byte[0]).i64(328, -1)));
        assertMalformed(() -> decode(notification("a.b", 4, 1, one, 0, new byte[0]).i64(328, 1)));
        assertMalformed(() -> decode(notification("a.b", 4, 1, one, 1, one).i64(320, 0)));
        // type 0 with bytes, type 13
        assertMalformed(() -> decode(notification("a.b", 4, 0, one, 0, new byte[0])));
        assertMalformed(() -> decode(notification("a.b", 4, 13, one, 0, new byte[0])));
        assertMalformed(() -> decode(notification("a.b", 2, 1, one, 200, one)));
        // shorter than the fixed part
        assertMalformed(() -> decode(Wire.response(300, 9, 1)));
    }
}
