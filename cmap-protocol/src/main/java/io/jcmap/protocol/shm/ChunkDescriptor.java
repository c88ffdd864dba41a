package io.jcmap.protocol.shm;

/**
 * A chunk in a ring's data file, addressed in 32-bit words from its start word {@code p}:
 * <pre>
 *   word p        size in bytes of the payload (0 while being written)
 *   word p+1      magic: ALLOC while written, COMMITTED when readable, RECLAIMED once read
 *   word p+2 ...  payload, rounded up to whole words
 * </pre>
 * Every index wraps modulo the ring's word size, the payload included: the C side maps the
 * data file twice in a row so it can copy across the end, we copy in two pieces instead.
 */
public final class ChunkDescriptor {
    public static final int SIZE_WORD = 0;
    public static final int MAGIC_WORD = 1;
    public static final int HEADER_WORDS = 2;
    public static final int WORD_BYTES = Integer.BYTES;

    public static final int MAGIC_COMMITTED = 0xA1A1A1A1;
    public static final int MAGIC_RECLAIMED = 0xD0D0D0D0;
    public static final int MAGIC_ALLOCATED = 0xA110CED0;

    /**
     * Room a writer must find beyond the payload: the chunk header, one word of rounding, and
     * (libqb built without cache-line alignment) nothing more.
     */
    public static final int MARGIN_BYTES = WORD_BYTES * (HEADER_WORDS + 1);

    private ChunkDescriptor() {
    }

    /** Words a payload of {@code length} bytes occupies, rounded up. */
    public static long payloadWords(long length) {
        return (length + WORD_BYTES - 1) / WORD_BYTES;
    }

    /**
     * Data file size for a ring that must carry messages of {@code maxMessageSize}: the margin
     * plus one byte, rounded up to whole pages (qb_rb_open).
     */
    public static long dataFileLength(long maxMessageSize, long pageSize) {
        long wanted = maxMessageSize + MARGIN_BYTES + 1;
        return (wanted + pageSize - 1) / pageSize * pageSize;
    }
}
