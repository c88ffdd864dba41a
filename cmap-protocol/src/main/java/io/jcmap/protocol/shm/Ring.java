package io.jcmap.protocol.shm;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.os.Errno;
import io.jcmap.protocol.os.SharedSemaphore;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A flyweight over one libqb ring: its header and its data, as laid out by
 * {@link RingHeaderDescriptor} and {@link ChunkDescriptor}.
 *
 * <p>A ring has one writer and one reader. We write the request ring and read the response
 * and event rings. The writer publishes a chunk by storing its magic with release semantics
 * after the payload and size; the reader checks the magic with acquire semantics before it
 * reads the rest, and reclaims the chunk the same way. The header's semaphore counts chunks
 * committed and not yet taken.
 *
 * <p>Nothing read from the shared memory is trusted: pointers, sizes and magic are checked
 * before use, and a bad value is reported as EBADMSG, never as an out-of-bounds access.
 * Not thread-safe: callers serialize the writer and the reader of one ring.
 */
public final class Ring {
    private static final VarHandle INT = JAVA_INT.varHandle();

    private final MemorySegment header;
    private final MemorySegment data;
    private final int wordSize;
    private final int maxMessageSize;
    private final boolean readsWhatFits;
    private final SharedSemaphore semaphore;

    /**
     * @param header the header file's memory, at least {@link RingHeaderDescriptor#STRUCT_LENGTH}
     * @param data the data file's memory, {@code word_size} words as the header says
     * @param maxMessageSize the negotiated limit of one message
     */
    public Ring(MemorySegment header, MemorySegment data, int maxMessageSize) {
        this(header, data, maxMessageSize, false);
    }

    /**
     * A ring whose reader, with {@code readsWhatFits}, takes any chunk the ring can hold, not
     * only those within {@code maxMessageSize}: corosync writes an event over the negotiated
     * size (a notification with two long values) whenever the ring has room for it.
     *
     * @param header the header file's memory, at least {@link RingHeaderDescriptor#STRUCT_LENGTH}
     * @param data the data file's memory, {@code word_size} words as the header says
     * @param maxMessageSize the negotiated limit of one message
     * @param readsWhatFits whether a chunk over that limit that fits the ring is read
     */
    public Ring(MemorySegment header, MemorySegment data, int maxMessageSize, boolean readsWhatFits) {
        this.readsWhatFits = readsWhatFits;
        if (header.byteSize() < RingHeaderDescriptor.STRUCT_LENGTH) {
            throw malformed("ring header has " + header.byteSize() + " bytes");
        }
        this.header = header;
        this.maxMessageSize = maxMessageSize;
        long words = Integer.toUnsignedLong((int) INT.getVolatile(header, (long) RingHeaderDescriptor.WORD_SIZE_OFFSET));
        long minimum = ChunkDescriptor.payloadWords(maxMessageSize) + ChunkDescriptor.HEADER_WORDS + 1;
        if (words < minimum || words * ChunkDescriptor.WORD_BYTES > data.byteSize()) {
            throw malformed("ring word size " + words + " does not fit a data file of " + data.byteSize()
                    + " bytes and messages of " + maxMessageSize);
        }
        this.wordSize = (int) words;
        this.data = data.asSlice(0, words * ChunkDescriptor.WORD_BYTES);
        this.semaphore = new SharedSemaphore(header.asSlice(RingHeaderDescriptor.SEMAPHORE_OFFSET));
    }

    /** The word size a data file must have for {@code maxMessageSize}, given the page size. */
    public static long wordSizeFor(int maxMessageSize, long pageSize) {
        return ChunkDescriptor.dataFileLength(maxMessageSize, pageSize) / ChunkDescriptor.WORD_BYTES;
    }

    /** Formats a fresh ring in the given memory, as its creator (the server) does; for tests and fakes. */
    public static void format(MemorySegment header, MemorySegment data) {
        header.fill((byte) 0);
        data.fill((byte) 0);
        header.set(JAVA_INT, RingHeaderDescriptor.WORD_SIZE_OFFSET, (int) (data.byteSize() / ChunkDescriptor.WORD_BYTES));
        header.set(JAVA_INT, RingHeaderDescriptor.REF_COUNT_OFFSET, 1);
        SharedSemaphore.initialize(header.asSlice(RingHeaderDescriptor.SEMAPHORE_OFFSET));
    }

    private static ErrnoException malformed(String what) {
        return new ErrnoException(Errno.EBADMSG, "malformed shared-memory ring: " + what);
    }

    public SharedSemaphore semaphore() {
        return semaphore;
    }

    public int wordSize() {
        return wordSize;
    }

    public int writePointer() {
        return (int) INT.getVolatile(header, (long) RingHeaderDescriptor.WRITE_POINTER_OFFSET);
    }

    public int readPointer() {
        return (int) INT.getVolatile(header, (long) RingHeaderDescriptor.READ_POINTER_OFFSET);
    }

    /** The flow-control word (request ring only): non-zero while the server wants us to wait. */
    public int flowControl() {
        return (int) INT.getVolatile(header, (long) RingHeaderDescriptor.FLOW_CONTROL_OFFSET);
    }

    /** Counts us as a user of the ring, as qb_rb_open does; the server checks the count. */
    public void attach() {
        INT.getAndAdd(header, (long) RingHeaderDescriptor.REF_COUNT_OFFSET, 1);
    }

    /** Undoes {@link #attach()}. */
    public void detach() {
        INT.getAndAdd(header, (long) RingHeaderDescriptor.REF_COUNT_OFFSET, -1);
    }

    public int referenceCount() {
        return (int) INT.getVolatile(header, (long) RingHeaderDescriptor.REF_COUNT_OFFSET);
    }

    // ---- writer side -------------------------------------------------------------------

    /**
     * Appends one chunk and posts the semaphore.
     *
     * @return false when the ring has no room now (the caller tries again later)
     */
    public boolean write(MemorySegment source, long length) {
        if (length < 0 || length > maxMessageSize) {
            throw new ErrnoException(Errno.EMSGSIZE, "message of " + length + " bytes exceeds " + maxMessageSize);
        }
        int start = writePointer();
        int read = readPointer();
        // a pointer out of range would make the free space meaningless: refuse it before counting
        checkPointer(start, "write");
        checkPointer(read, "read");
        if (freeBytes(start, read) < length + ChunkDescriptor.MARGIN_BYTES) {
            return false;
        }
        putWord(start + ChunkDescriptor.SIZE_WORD, 0);
        INT.setRelease(data, magicOffset(start), ChunkDescriptor.MAGIC_ALLOCATED);
        copyIn(source, length, wrap(start + ChunkDescriptor.HEADER_WORDS));
        putWord(start + ChunkDescriptor.SIZE_WORD, (int) length);
        INT.setVolatile(header, (long) RingHeaderDescriptor.WRITE_POINTER_OFFSET, next(start, length));
        INT.setRelease(data, magicOffset(start), ChunkDescriptor.MAGIC_COMMITTED);
        semaphore.post();
        return true;
    }

    /**
     * Writes zeros over the free space where the next chunk's payload will go, up to
     * {@code length} bytes. It stops at the end of the data (a payload that would wrap stays cold)
     * and short of the margin a write keeps, and leaves the next chunk's header words alone.
     * Pointers out of range warm nothing: the next write reports them.
     *
     * <p>Why: the server's CPU read those lines when they last held a chunk, and a write has to
     * take each of them back (1.2 us for 4 KiB, 2.7 us for 16,000 bytes here, 2026-12-07). A
     * write that slow after an answer lets corosync go to sleep before the next request is
     * announced, and that request then pays its wake-up. Loops of 8 KiB sets ran that slow
     * (16.4-21.0 us at p50) in 12 of 13 JVMs, and in 5 of 13 with the lines taken back while the
     * server worked on the chunk before (decision 0039).
     * Nothing reads free space: the reader reads only chunks the semaphore counts, from their
     * header, which the write sets.
     */
    public void warmNextPayload(long length) {
        int start = writePointer();
        int read = readPointer();
        if (outOfRange(start) || outOfRange(read)) {
            return;
        }
        long room = freeBytes(start, read) - ChunkDescriptor.MARGIN_BYTES;
        long offset = (long) wrap(start + (long) ChunkDescriptor.HEADER_WORDS) * ChunkDescriptor.WORD_BYTES;
        long bytes = Math.min(Math.min(length, room), data.byteSize() - offset);
        if (bytes > 0) {
            data.asSlice(offset, bytes).fill((byte) 0);
        }
    }

    /** Free bytes as libqb counts them (qb_rb_space_free), one word kept empty. */
    long freeBytes() {
        return freeBytes(writePointer(), readPointer());
    }

    private long freeBytes(int writePointer, int readPointer) {
        long write = Integer.toUnsignedLong(writePointer);
        long read = Integer.toUnsignedLong(readPointer);
        long words;
        if (write > read) {
            words = read - write + wordSize - 1;
        } else if (write < read) {
            words = read - write - 1;
        } else {
            words = semaphore.value() > 0 ? 0 : wordSize;
        }
        return words * ChunkDescriptor.WORD_BYTES;
    }

    private void copyIn(MemorySegment source, long length, int startWord) {
        long offset = (long) startWord * ChunkDescriptor.WORD_BYTES;
        long first = Math.min(length, data.byteSize() - offset);
        MemorySegment.copy(source, 0, data, offset, first);
        if (first < length) {
            MemorySegment.copy(source, first, data, 0, length - first);
        }
    }

    // ---- reader side -------------------------------------------------------------------

    /** Whether the chunk at the read pointer is committed (without taking the semaphore). */
    public boolean hasCommittedChunk() {
        int start = readPointer();
        return Integer.compareUnsigned(start, wordSize) < 0
                && (int) INT.getAcquire(data, magicOffset(start)) == ChunkDescriptor.MAGIC_COMMITTED;
    }

    /**
     * The payload length of the committed chunk at the read pointer. The caller has taken the
     * semaphore for it.
     *
     * @throws ErrnoException EBADMSG if no committed chunk is there or its size is impossible
     */
    public int committedLength() {
        return committedLength(readPointer());
    }

    private int committedLength(int start) {
        checkPointer(start, "read");
        int magic = (int) INT.getAcquire(data, magicOffset(start));
        if (magic != ChunkDescriptor.MAGIC_COMMITTED) {
            throw malformed(String.format("chunk at word %d has magic 0x%08x, not committed", start, magic));
        }
        long length = Integer.toUnsignedLong(word(start + ChunkDescriptor.SIZE_WORD));
        if ((length > maxMessageSize && !readsWhatFits)
                || length + ChunkDescriptor.MARGIN_BYTES > (long) wordSize * ChunkDescriptor.WORD_BYTES) {
            throw malformed("chunk at word " + start + " claims " + length + " bytes");
        }
        return (int) length;
    }

    /**
     * Copies the committed chunk at the read pointer into {@code target} and reclaims it.
     *
     * @return the payload length
     * @throws ErrnoException EBADMSG as {@link #committedLength()}, ENOBUFS if it does not fit
     */
    public int read(MemorySegment target) {
        // one look at the server's pointer: the one checked is the one copied from and reclaimed
        int start = readPointer();
        int length = committedLength(start);
        if (length > target.byteSize()) {
            throw new ErrnoException(Errno.ENOBUFS, "chunk of " + length + " bytes does not fit " + target.byteSize());
        }
        copyOut(wrap(start + ChunkDescriptor.HEADER_WORDS), length, target);
        reclaim(start, length);
        return length;
    }

    private void reclaim(int start, long length) {
        putWord(start + ChunkDescriptor.SIZE_WORD, 0);
        INT.setRelease(data, magicOffset(start), ChunkDescriptor.MAGIC_RECLAIMED);
        INT.setVolatile(header, (long) RingHeaderDescriptor.READ_POINTER_OFFSET, next(start, length));
    }

    private void copyOut(int startWord, long length, MemorySegment target) {
        long offset = (long) startWord * ChunkDescriptor.WORD_BYTES;
        long first = Math.min(length, data.byteSize() - offset);
        MemorySegment.copy(data, offset, target, 0, first);
        if (first < length) {
            MemorySegment.copy(data, 0, target, first, length - first);
        }
    }

    // ---- words ---------------------------------------------------------------------------

    private void checkPointer(int pointer, String which) {
        if (outOfRange(pointer)) {
            throw malformed(which + " pointer " + Integer.toUnsignedString(pointer) + " beyond " + wordSize + " words");
        }
    }

    private boolean outOfRange(int pointer) {
        return Integer.compareUnsigned(pointer, wordSize) >= 0;
    }

    /** The start word of the chunk after one of {@code length} bytes at {@code start}. */
    private int next(int start, long length) {
        long next = start + ChunkDescriptor.HEADER_WORDS + ChunkDescriptor.payloadWords(length);
        return (int) (next % wordSize);
    }

    private int wrap(long word) {
        return (int) (word % wordSize);
    }

    private long magicOffset(int start) {
        return (long) wrap(start + (long) ChunkDescriptor.MAGIC_WORD) * ChunkDescriptor.WORD_BYTES;
    }

    private int word(long index) {
        return data.get(JAVA_INT, (long) wrap(index) * ChunkDescriptor.WORD_BYTES);
    }

    private void putWord(long index, int value) {
        data.set(JAVA_INT, (long) wrap(index) * ChunkDescriptor.WORD_BYTES, value);
    }
}
