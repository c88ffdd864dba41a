package io.jcmap.protocol.cmap;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Test-side byte vectors, written with plain little-endian ByteBuffers at literal offsets so
 * that they check the codec instead of repeating it.
 */
final class Wire {
    private final ByteBuffer buf;

    private Wire(int size) {
        buf = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    static Wire of(int size) {
        return new Wire(size);
    }

    /** A response header: id @0, size @8, error @16. */
    static Wire response(int size, int id, int error) {
        return of(size).i32(0, id).i32(8, size).i32(16, error);
    }

    /** A request header: id @0, size @8. */
    static Wire request(int size, int id) {
        return of(size).i32(0, id).i32(8, size);
    }

    Wire i32(int offset, int value) {
        buf.putInt(offset, value);
        return this;
    }

    Wire i64(int offset, long value) {
        buf.putLong(offset, value);
        return this;
    }

    Wire u16(int offset, int value) {
        buf.putShort(offset, (short) value);
        return this;
    }

    Wire u8(int offset, int value) {
        buf.put(offset, (byte) value);
        return this;
    }

    Wire bytes(int offset, byte[] value) {
        buf.put(offset, value);
        return this;
    }

    /** A mar_name_t at {@code offset}: uint16 length @+0, bytes @+8. */
    Wire name(int offset, String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        return u16(offset, b.length).bytes(offset + 8, b);
    }

    byte[] array() {
        return buf.array();
    }

    MemorySegment segment() {
        return MemorySegment.ofArray(buf.array());
    }

    static String repeat(char c, int n) {
        return String.valueOf(c).repeat(n);
    }
}
