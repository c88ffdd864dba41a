package io.jcmap.protocol.shm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A ring in native memory, read and written at the offsets of libqb's C structs, written out
 * here instead of taken from the descriptors so that the tests check them:
 * <pre>
 *   header: write_pt @0, read_pt @4, word_size @8, ref_count @8204, sem_t @8208 (32 bytes),
 *           user data (flow control) @8240; struct size 8248, request header file 8252
 *   chunk:  word p = size, word p+1 = magic, payload from word p+2, all indices mod word_size
 * </pre>
 */
final class RingMemory implements AutoCloseable {
    static final long WRITE_PT = 0;
    static final long READ_PT = 4;
    static final long WORD_SIZE = 8;
    static final long REF_COUNT = 8204;
    static final long SEM = 8208;
    static final long FLOW_CONTROL = 8240;
    static final int HEADER_BYTES = 8252;

    static final int COMMITTED = 0xA1A1A1A1;
    static final int RECLAIMED = 0xD0D0D0D0;
    static final int ALLOCATED = 0xA110CED0;

    final Arena arena = Arena.ofShared();
    final MemorySegment header;
    final MemorySegment data;

    /** A formatted ring of {@code dataBytes} bytes of data. */
    RingMemory(int dataBytes) {
        header = arena.allocate(HEADER_BYTES, 8);
        data = arena.allocate(dataBytes, 8);
        Ring.format(header, data);
    }

    Ring ring(int maxMessageSize) {
        return new Ring(header, data, maxMessageSize);
    }

    int headerInt(long offset) {
        return header.get(JAVA_INT, offset);
    }

    void headerInt(long offset, int value) {
        header.set(JAVA_INT, offset, value);
    }

    int word(long index) {
        return data.get(JAVA_INT, index * 4);
    }

    void word(long index, int value) {
        data.set(JAVA_INT, index * 4, value);
    }

    byte dataByte(long offset) {
        return data.get(JAVA_BYTE, offset);
    }

    /** Both pointers at {@code word}, an empty ring there. */
    void emptyAt(int word) {
        headerInt(WRITE_PT, word);
        headerInt(READ_PT, word);
    }

    @Override
    public void close() {
        arena.close();
    }
}
