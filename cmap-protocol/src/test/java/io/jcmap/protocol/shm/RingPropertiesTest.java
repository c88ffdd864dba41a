package io.jcmap.protocol.shm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.protocol.ErrnoException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Chunk reading from mutated valid rings: a server writes well-formed chunks (with wrap-around),
 * then words of the data, the read/write pointers or the header's word size are replaced.
 * Reading never escapes with anything but an {@link ErrnoException} (EBADMSG, ENOBUFS,
 * EMSGSIZE), never returns more than the negotiated size, and an unmutated ring reads back
 * exactly what was written. {@link RingGarbageTest} fuzzes rings of pure garbage.
 */
class RingPropertiesTest {
    private static final Set<Integer> ALLOWED = Set.of(74, 105, 90);
    private static final int DATA_BYTES = 256;
    private static final int WORDS = DATA_BYTES / 4;
    private static final int MAX = 100;

    @Provide
    Arbitrary<Integer> words() {
        return Arbitraries.oneOf(Arbitraries.integers(),
                Arbitraries.of(0xA1A1A1A1, 0xD0D0D0D0, 0xA110CED0, 0, 1, -1, 4, MAX, MAX + 1, WORDS, WORDS - 1,
                        WORDS + 1, DATA_BYTES, Integer.MIN_VALUE, Integer.MAX_VALUE),
                Arbitraries.integers().between(0, 300));
    }

    @Property(tries = 3000, shrinking = ShrinkingMode.OFF)
    void mutatedValidRingsOnlyFailWithAnErrno(
            @ForAll @IntRange(min = 0, max = WORDS - 1) int startWord,
            @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 70) Integer> payloadLengths,
            @ForAll @Size(max = 4) List<@IntRange(min = 0, max = WORDS - 1) Integer> dataWords,
            @ForAll @Size(min = 4, max = 4) List<@From("words") Integer> dataValues,
            @ForAll @IntRange(min = -1, max = 2) int headerField,
            @ForAll("words") int headerValue) {
        try (RingMemory memory = new RingMemory(DATA_BYTES)) {
            memory.emptyAt(startWord);
            List<byte[]> written = writeChunks(memory.ring(MAX), payloadLengths);
            for (int i = 0; i < dataWords.size(); i++) {
                memory.word(dataWords.get(i), dataValues.get(i));
            }
            if (headerField >= 0) {
                // write_pt @0, read_pt @4, word_size @8
                memory.headerInt(headerField * 4L, headerValue);
            }
            boolean mutated = !dataWords.isEmpty() || headerField >= 0;
            List<byte[]> read = readAll(memory);
            if (!mutated) {
                assertEquals(written.size(), read.size(), "an intact ring reads back every chunk");
                for (int i = 0; i < written.size(); i++) {
                    assertArrayEquals(written.get(i), read.get(i), "chunk " + i);
                }
            }
        }
    }

    /** Writes chunks of the given lengths as far as they fit; returns the payloads written. */
    private static List<byte[]> writeChunks(Ring ring, List<Integer> lengths) {
        List<byte[]> written = new ArrayList<>();
        byte fill = 1;
        for (int length : lengths) {
            byte[] payload = new byte[length];
            for (int i = 0; i < length; i++) {
                payload[i] = fill++;
            }
            if (!ring.write(MemorySegment.ofArray(payload), length)) {
                break;
            }
            written.add(payload);
        }
        return written;
    }

    /** Reads committed chunks as the client does, until none is left or one is refused. */
    private static List<byte[]> readAll(RingMemory memory) {
        List<byte[]> read = new ArrayList<>();
        Ring ring;
        try {
            ring = memory.ring(MAX);
        } catch (ErrnoException e) {
            assertAllowed(e);
            return read;
        }
        try {
            for (int i = 0; i < 2 * WORDS && ring.hasCommittedChunk(); i++) {
                int announced = ring.committedLength();
                MemorySegment target = MemorySegment.ofArray(new byte[MAX]);
                int length = ring.read(target);
                assertEquals(announced, length);
                assertTrue(length >= 0 && length <= MAX, "read " + length + " bytes");
                read.add(target.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE));
            }
        } catch (ErrnoException e) {
            assertAllowed(e);
        }
        return read;
    }

    private static void assertAllowed(ErrnoException e) {
        assertTrue(ALLOWED.contains(e.errno()), () -> "unexpected errno " + e.errno() + ": " + e.getMessage());
    }
}
