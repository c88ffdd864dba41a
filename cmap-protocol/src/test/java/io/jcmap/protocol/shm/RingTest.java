package io.jcmap.protocol.shm;

import io.jcmap.protocol.ErrnoException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Random;

import static io.jcmap.protocol.shm.RingMemory.ALLOCATED;
import static io.jcmap.protocol.shm.RingMemory.COMMITTED;
import static io.jcmap.protocol.shm.RingMemory.FLOW_CONTROL;
import static io.jcmap.protocol.shm.RingMemory.READ_PT;
import static io.jcmap.protocol.shm.RingMemory.RECLAIMED;
import static io.jcmap.protocol.shm.RingMemory.REF_COUNT;
import static io.jcmap.protocol.shm.RingMemory.WORD_SIZE;
import static io.jcmap.protocol.shm.RingMemory.WRITE_PT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ring flyweight against libqb's layout (ringbuffer.c, ringbuffer_int.h), in native memory. */
class RingTest {
    private static final int EBADMSG = 74;
    private static final int ENOBUFS = 105;
    private static final int EMSGSIZE = 90;

    /** 64 words; messages up to 100 bytes need 25 + 2 + 1 words, so the ring wraps often. */
    private static final int DATA_BYTES = 256;
    private static final int WORDS = 64;
    private static final int MAX = 100;

    private final RingMemory memory = new RingMemory(DATA_BYTES);

    @AfterEach
    void release() {
        memory.close();
    }

    private static byte[] bytes(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed * 31 + i * 7 + 1);
        }
        return b;
    }

    private static boolean write(Ring ring, byte[] payload) {
        return ring.write(MemorySegment.ofArray(payload), payload.length);
    }

    private static byte[] read(Ring ring) {
        byte[] target = new byte[MAX];
        int length = ring.read(MemorySegment.ofArray(target));
        return Arrays.copyOf(target, length);
    }

    private static void assertErrno(int errno, Executable call) {
        ErrnoException e = assertThrows(ErrnoException.class, call);
        assertEquals(errno, e.errno(), e.getMessage());
    }

    // ---- layout ------------------------------------------------------------------------

    @Test
    void formatWritesAFreshHeaderAsTheServerDoes() {
        assertEquals(0, memory.headerInt(WRITE_PT));
        assertEquals(0, memory.headerInt(READ_PT));
        assertEquals(WORDS, memory.headerInt(WORD_SIZE));
        assertEquals(1, memory.headerInt(REF_COUNT));
        Ring ring = memory.ring(MAX);
        assertEquals(WORDS, ring.wordSize());
        assertEquals(0, ring.semaphore().value());
        assertEquals(1, ring.referenceCount());
    }

    @Test
    void writeLaysOutSizeMagicAndPayloadAndPostsTheSemaphore() {
        Ring ring = memory.ring(MAX);
        assertTrue(write(ring, "hello".getBytes()));
        assertEquals(5, memory.word(0));                       // size word
        assertEquals(COMMITTED, memory.word(1));               // magic word
        assertEquals('h', memory.dataByte(8));                 // payload from word 2
        assertEquals('o', memory.dataByte(12));
        assertEquals(4, memory.headerInt(WRITE_PT));           // 2 header words + 2 payload words
        assertEquals(0, memory.headerInt(READ_PT));
        assertEquals(1, ring.semaphore().value());
        assertTrue(ring.hasCommittedChunk());
    }

    @Test
    void readCopiesThePayloadAndMarksTheChunkReclaimed() {
        Ring ring = memory.ring(MAX);
        write(ring, "hello".getBytes());
        assertEquals(5, ring.committedLength());
        assertArrayEquals("hello".getBytes(), read(ring));
        assertEquals(0, memory.word(0));                       // size cleared
        assertEquals(RECLAIMED, memory.word(1));
        assertEquals(4, memory.headerInt(READ_PT));
        assertFalse(ring.hasCommittedChunk());
    }

    @Test
    void wordMultiplePayloadTakesNoRoundingWord() {
        Ring ring = memory.ring(MAX);
        write(ring, bytes(8, 1));
        assertEquals(4, memory.headerInt(WRITE_PT));
        write(ring, new byte[0]);                              // an empty chunk: header only
        assertEquals(6, memory.headerInt(WRITE_PT));
        assertArrayEquals(bytes(8, 1), read(ring));
        assertArrayEquals(new byte[0], read(ring));
        assertEquals(6, memory.headerInt(READ_PT));
    }

    @Test
    void manyChunksOfEveryLengthComeOutInOrderOverManyLaps() {
        Ring ring = memory.ring(MAX);
        Random random = new Random(42);
        Deque<byte[]> inFlight = new ArrayDeque<>();
        int written = 0;
        int readCount = 0;
        while (readCount < 5000) {
            if (random.nextBoolean() && written < 5000) {
                byte[] payload = bytes(random.nextInt(MAX + 1), written);
                if (write(ring, payload)) {
                    inFlight.add(payload);
                    written++;
                } else {
                    assertFalse(inFlight.isEmpty(), "refused although empty");
                }
            } else if (!inFlight.isEmpty()) {
                assertTrue(ring.semaphore().tryAcquire());
                assertArrayEquals(inFlight.remove(), read(ring), "chunk " + readCount);
                readCount++;
            }
        }
        assertEquals(0, ring.semaphore().value());
        assertEquals(memory.headerInt(WRITE_PT), memory.headerInt(READ_PT));
    }

    // ---- wrap-around -------------------------------------------------------------------

    @Test
    void chunkHeaderWrapsWhenItStartsInTheLastWord() {
        memory.emptyAt(63);
        Ring ring = memory.ring(MAX);
        byte[] payload = bytes(8, 3);
        assertTrue(write(ring, payload));
        assertEquals(8, memory.word(63));                      // size in the last word
        assertEquals(COMMITTED, memory.word(0));               // magic wrapped to word 0
        assertEquals(payload[0], memory.dataByte(4));          // payload from word 1
        assertEquals(3, memory.headerInt(WRITE_PT));           // (63 + 2 + 2) mod 64
        assertArrayEquals(payload, read(ring));
        assertEquals(RECLAIMED, memory.word(0));
        assertEquals(3, memory.headerInt(READ_PT));
    }

    @Test
    void payloadWrapsAcrossTheEndOfTheData() {
        memory.emptyAt(60);
        Ring ring = memory.ring(MAX);
        byte[] payload = bytes(20, 4);
        assertTrue(write(ring, payload));
        assertEquals(20, memory.word(60));
        assertEquals(COMMITTED, memory.word(61));
        for (int i = 0; i < 8; i++) {                          // words 62, 63: payload bytes 0..7
            assertEquals(payload[i], memory.dataByte(248 + i));
        }
        for (int i = 8; i < 20; i++) {                         // then from offset 0
            assertEquals(payload[i], memory.dataByte(i - 8));
        }
        assertEquals(3, memory.headerInt(WRITE_PT));           // (60 + 2 + 5) mod 64
        assertArrayEquals(payload, read(ring));
    }

    @Test
    void nextChunkStartingExactlyAtTheEndWrapsToWordZero() {
        memory.emptyAt(58);
        Ring ring = memory.ring(MAX);
        assertTrue(write(ring, bytes(16, 5)));                 // 58 + 2 + 4 = 64 -> 0
        assertEquals(0, memory.headerInt(WRITE_PT));
        assertTrue(write(ring, bytes(3, 6)));
        assertEquals(3, memory.word(0));
        assertArrayEquals(bytes(16, 5), read(ring));
        assertArrayEquals(bytes(3, 6), read(ring));
    }

    // ---- warming the next payload -------------------------------------------------------

    private static final int STALE = 0x5A5A5A5A;

    /** Every word outside [from, to) holds {@link #STALE}, as lines a chunk left behind. */
    private void staleExcept(int from, int to) {
        for (int w = 0; w < WORDS; w++) {
            if (w < from || w >= to) {
                memory.word(w, STALE);
            }
        }
    }

    @Test
    void warmingZeroesTheNextPayloadOnlyNotItsHeaderNorWhatFollows() {
        memory.emptyAt(10);
        Ring ring = memory.ring(MAX);
        assertTrue(write(ring, bytes(8, 1)));                  // words 10, 11 header; 12, 13 payload
        assertEquals(14, memory.headerInt(WRITE_PT));
        staleExcept(10, 14);
        ring.warmNextPayload(20);
        assertEquals(STALE, memory.word(14));                  // the next chunk's size word
        assertEquals(STALE, memory.word(15));                  // and its magic
        for (int w = 16; w < 21; w++) {                        // 20 bytes from word 16
            assertEquals(0, memory.word(w), "word " + w);
        }
        assertEquals(STALE, memory.word(21));
        assertTrue(ring.semaphore().tryAcquire());             // taken as the reader takes it
        assertArrayEquals(bytes(8, 1), read(ring));            // the chunk sent is whole
        assertTrue(write(ring, bytes(20, 2)));                 // and the next one goes where it was warmed
        assertArrayEquals(bytes(20, 2), read(ring));
    }

    @Test
    void warmingStopsAtTheEndOfTheData() {
        memory.emptyAt(56);
        Ring ring = memory.ring(MAX);
        assertTrue(write(ring, bytes(8, 3)));                  // write pointer 60, next payload at 62
        staleExcept(56, 60);
        ring.warmNextPayload(40);
        assertEquals(0, memory.word(62));
        assertEquals(0, memory.word(63));
        for (int w = 0; w < 56; w++) {                         // nothing wrapped to the start
            assertEquals(STALE, memory.word(w), "word " + w);
        }
    }

    @Test
    void warmingKeepsTheMarginAWriteKeeps() {
        memory.headerInt(WRITE_PT, 10);
        memory.headerInt(READ_PT, 20);                         // 9 free words: 36 - 12 bytes may be warmed
        staleExcept(0, 0);
        memory.ring(MAX).warmNextPayload(100);
        for (int w = 12; w < 18; w++) {
            assertEquals(0, memory.word(w), "word " + w);
        }
        assertEquals(STALE, memory.word(18));
        assertEquals(STALE, memory.word(19));
        assertEquals(STALE, memory.word(20));                  // the reader's next chunk
    }

    @ParameterizedTest
    @ValueSource(ints = {64, -1})
    void warmingAFullRingOrOneWithAPointerOutOfRangeWritesNothing(int readPointer) {
        memory.emptyAt(17);
        Ring ring = memory.ring(MAX);
        ring.semaphore().post();                               // equal pointers, a chunk counted: full
        staleExcept(0, 0);
        ring.warmNextPayload(100);
        memory.headerInt(READ_PT, readPointer);
        ring.warmNextPayload(100);
        for (int w = 0; w < WORDS; w++) {
            assertEquals(STALE, memory.word(w), "word " + w);
        }
    }

    // ---- free space (qb_rb_space_free) --------------------------------------------------

    @Test
    void freeSpaceWhenWriterIsAheadCountsAroundTheEnd() {
        memory.headerInt(WRITE_PT, 40);
        memory.headerInt(READ_PT, 10);
        assertEquals((10 - 40 + WORDS - 1) * 4, memory.ring(MAX).freeBytes());
    }

    @Test
    void freeSpaceWhenWriterIsBehindIsTheGapMinusOneWord() {
        memory.headerInt(WRITE_PT, 10);
        memory.headerInt(READ_PT, 40);
        assertEquals((40 - 10 - 1) * 4, memory.ring(MAX).freeBytes());
    }

    @Test
    void equalPointersMeanEmptyWhileTheSemaphoreIsZero() {
        memory.emptyAt(17);
        assertEquals(WORDS * 4, memory.ring(MAX).freeBytes());
    }

    @Test
    void equalPointersMeanFullWhileChunksAreCounted() {
        memory.emptyAt(17);
        Ring ring = memory.ring(MAX);
        ring.semaphore().post();
        assertEquals(0, ring.freeBytes());
        assertFalse(write(ring, new byte[0]));
    }

    @Test
    void writeNeedsThePayloadPlusAMarginOfThreeWords() {
        memory.headerInt(WRITE_PT, 10);
        memory.headerInt(READ_PT, 20);                         // 9 free words = 36 bytes
        Ring ring = memory.ring(MAX);
        assertFalse(write(ring, bytes(25, 1)));                // 25 + 12 > 36
        assertEquals(10, memory.headerInt(WRITE_PT));          // nothing touched
        assertEquals(0, memory.word(10));
        assertEquals(0, ring.semaphore().value());
        assertTrue(write(ring, bytes(24, 1)));                 // 24 + 12 = 36
        assertEquals(18, memory.headerInt(WRITE_PT));
    }

    @Test
    void aFullRingRefusesUntilTheReaderReclaims() {
        Ring ring = memory.ring(MAX);
        int accepted = 0;
        while (write(ring, bytes(MAX, accepted))) {
            accepted++;
        }
        assertEquals(2, accepted);                             // 2 x 27 words; 9 words left < 28 + 3
        assertEquals(54, memory.headerInt(WRITE_PT));
        assertFalse(write(ring, bytes(25, 9)));
        assertTrue(write(ring, bytes(24, 9)));                 // exactly 9 words: 24 + 12 bytes
        assertFalse(write(ring, new byte[0]));                 // one word left, the margin is three
        assertArrayEquals(bytes(MAX, 0), read(ring));
        assertTrue(write(ring, bytes(MAX, 10)));               // 28 words free again
        assertArrayEquals(bytes(MAX, 1), read(ring));
        assertArrayEquals(bytes(24, 9), read(ring));
        assertArrayEquals(bytes(MAX, 10), read(ring));
    }

    @Test
    void messageOverTheNegotiatedSizeIsEmsgsize() {
        Ring ring = memory.ring(MAX);
        assertErrno(EMSGSIZE, () -> ring.write(MemorySegment.ofArray(new byte[MAX + 1]), MAX + 1));
        assertErrno(EMSGSIZE, () -> ring.write(MemorySegment.ofArray(new byte[1]), -1));
    }

    // ---- the rest of the header ----------------------------------------------------------

    @Test
    void flowControlWordIsTheFirstIntOfTheUserData() {
        Ring ring = memory.ring(MAX);
        assertEquals(0, ring.flowControl());
        memory.headerInt(FLOW_CONTROL, 1);
        assertEquals(1, ring.flowControl());
        memory.headerInt(FLOW_CONTROL, 2);
        assertEquals(2, ring.flowControl());
    }

    @Test
    void attachAndDetachCountReferences() {
        Ring ring = memory.ring(MAX);
        ring.attach();
        assertEquals(2, memory.headerInt(REF_COUNT));
        ring.detach();
        assertEquals(1, memory.headerInt(REF_COUNT));
    }

    @Test
    void aChunkStillBeingWrittenIsNotCommitted() {
        memory.word(0, 0);
        memory.word(1, ALLOCATED);
        Ring ring = memory.ring(MAX);
        assertFalse(ring.hasCommittedChunk());
        assertErrno(EBADMSG, ring::committedLength);
    }

    // ---- malformed rings ---------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {64, 65, 1 << 20, -1})
    void readPointerBeyondTheWordSizeIsEbadmsg(int pointer) {
        memory.headerInt(READ_PT, pointer);
        Ring ring = memory.ring(MAX);
        assertFalse(ring.hasCommittedChunk());
        assertErrno(EBADMSG, ring::committedLength);
        assertErrno(EBADMSG, () -> ring.read(MemorySegment.ofArray(new byte[MAX])));
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 65, 1 << 20, -1})
    void writePointerBeyondTheWordSizeIsEbadmsg(int pointer) {
        memory.headerInt(WRITE_PT, pointer);
        Ring ring = memory.ring(MAX);
        assertErrno(EBADMSG, () -> write(ring, bytes(4, 1)));
    }

    @ParameterizedTest
    @ValueSource(ints = {64, -1})
    void readPointerBeyondTheWordSizeFailsTheWriterToo(int pointer) {
        memory.headerInt(READ_PT, pointer);
        Ring ring = memory.ring(MAX);
        assertErrno(EBADMSG, () -> write(ring, bytes(4, 1)));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 0x12345678, RECLAIMED, ALLOCATED})
    void wrongMagicIsEbadmsg(int magic) {
        memory.word(0, 4);
        memory.word(1, magic);
        Ring ring = memory.ring(MAX);
        assertErrno(EBADMSG, ring::committedLength);
        assertErrno(EBADMSG, () -> ring.read(MemorySegment.ofArray(new byte[MAX])));
        assertEquals(0, memory.headerInt(READ_PT));            // nothing reclaimed
    }

    @ParameterizedTest
    @ValueSource(ints = {MAX + 1, 244, 1 << 20, -1, Integer.MIN_VALUE})
    void absurdChunkSizeIsEbadmsg(int size) {
        memory.word(0, size);
        memory.word(1, COMMITTED);
        Ring ring = memory.ring(MAX);
        assertErrno(EBADMSG, ring::committedLength);
        assertErrno(EBADMSG, () -> ring.read(MemorySegment.ofArray(new byte[1 << 21])));
        assertEquals(0, memory.headerInt(READ_PT));
    }

    @Test
    void targetTooSmallIsEnobufsAndLeavesTheChunk() {
        Ring ring = memory.ring(MAX);
        write(ring, bytes(10, 1));
        assertErrno(ENOBUFS, () -> ring.read(MemorySegment.ofArray(new byte[9])));
        assertEquals(0, memory.headerInt(READ_PT));
        assertEquals(COMMITTED, memory.word(1));
        assertArrayEquals(bytes(10, 1), read(ring));
    }

    @ParameterizedTest
    @ValueSource(ints = {65, 1000, -1, 0, 27})
    void wordSizeInconsistentWithTheDataOrTheLimitIsEbadmsg(int wordSize) {
        // 65 and more: larger than the 256-byte data; 27 and less: too small for 100-byte messages
        memory.headerInt(WORD_SIZE, wordSize);
        assertErrno(EBADMSG, () -> memory.ring(MAX));
    }

    @Test
    void wordSizeJustLargeEnoughForTheLimitIsAccepted() {
        memory.headerInt(WORD_SIZE, 28);                        // 25 payload words + 2 + 1
        assertEquals(28, memory.ring(MAX).wordSize());
    }

    @Test
    void headerShorterThanTheStructIsEbadmsg() {
        assertErrno(EBADMSG, () -> new Ring(memory.header.asSlice(0, 8247), memory.data, MAX));
    }

    @Test
    void wordSizeIsReadOnceSoALaterLieCannotWidenTheRing() {
        Ring ring = memory.ring(MAX);
        memory.headerInt(WORD_SIZE, 1 << 30);
        assertEquals(WORDS, ring.wordSize());
        memory.emptyAt(63);
        assertTrue(write(ring, bytes(20, 1)));
        assertArrayEquals(bytes(20, 1), read(ring));
    }

    @Test
    void dataFileAndWordSizeForTheNegotiatedSizeMatchQbRbOpen() {
        // 1 MiB + 12-byte margin + 1, rounded up to 4 KiB pages: 1052672 bytes, 263168 words
        assertEquals(1052672, ChunkDescriptor.dataFileLength(1 << 20, 4096));
        assertEquals(263168, Ring.wordSizeFor(1 << 20, 4096));
        assertEquals(8, ChunkDescriptor.payloadWords(29));
        assertEquals(12, ChunkDescriptor.MARGIN_BYTES);
    }
}
