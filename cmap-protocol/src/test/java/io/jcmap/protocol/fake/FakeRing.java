package io.jcmap.protocol.fake;

import io.jcmap.protocol.shm.Ring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * One ring as a fake server creates it: {@code NAME-header} and {@code NAME-data} in a
 * {@link ShmTempDirectory}, mapped by the server, formatted like libqb's qb_rb_open does, and
 * open to tampering at the raw offsets of libqb's header (write_pt @0, read_pt @4,
 * word_size @8, ref_count @8204, sem_t @8208, flow control @8240).
 */
public final class FakeRing implements AutoCloseable {
    public static final long WRITE_PT = 0;
    public static final long READ_PT = 4;
    public static final long WORD_SIZE = 8;
    public static final long REF_COUNT = 8204;
    public static final long FLOW_CONTROL = 8240;
    /** Request ring header: the 8248-byte struct plus the 4-byte flow-control word. */
    public static final int REQUEST_HEADER_BYTES = 8252;
    public static final int HEADER_BYTES = 8248;

    private final String name;
    private final Arena arena;
    private final MemorySegment header;
    private final MemorySegment data;
    private final Ring ring;

    private FakeRing(String name, Arena arena, MemorySegment header, MemorySegment data, int maxMessageSize) {
        this.name = name;
        this.arena = arena;
        this.header = header;
        this.data = data;
        Ring.format(header, data);
        this.ring = new Ring(header, data, maxMessageSize);
    }

    /** Creates, maps and formats both files of ring {@code name} below {@code directory}. */
    public static FakeRing create(ShmTempDirectory directory, String name, int maxMessageSize, boolean request) {
        long dataBytes = Ring.wordSizeFor(maxMessageSize, 4096) * 4;
        Path headerFile = directory.file(name + "-header", request ? REQUEST_HEADER_BYTES : HEADER_BYTES);
        Path dataFile = directory.file(name + "-data", dataBytes);
        Arena arena = Arena.ofShared();
        try {
            return new FakeRing(directory.resolve(name).toString(), arena, map(headerFile, arena), map(dataFile, arena),
                    maxMessageSize);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static MemorySegment map(Path file, Arena arena) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size(), arena);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The name the handshake answer carries (the files are this plus "-header" and "-data"). */
    public String name() {
        return name;
    }

    /** The server's view of the ring: it reads the request ring and writes the other two. */
    public Ring ring() {
        return ring;
    }

    public MemorySegment header() {
        return header;
    }

    public MemorySegment data() {
        return data;
    }

    public int headerInt(long offset) {
        return header.get(JAVA_INT, offset);
    }

    public void headerInt(long offset, int value) {
        header.set(JAVA_INT, offset, value);
    }

    /** Writes one chunk by hand, bypassing every check: size word, magic word, then payload. */
    public void rawChunk(int startWord, int sizeWord, int magic, byte[] payload) {
        data.set(JAVA_INT, startWord * 4L, sizeWord);
        data.set(JAVA_INT, (startWord + 1) * 4L, magic);
        MemorySegment.copy(MemorySegment.ofArray(payload), 0, data, (startWord + 2) * 4L, payload.length);
    }

    @Override
    public void close() {
        arena.close();
    }
}
