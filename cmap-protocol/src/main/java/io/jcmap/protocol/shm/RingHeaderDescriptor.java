package io.jcmap.protocol.shm;

/**
 * libqb's {@code struct qb_ringbuffer_shared_s}, the "-header" file of a ring:
 * <pre>
 *   0  uint32 write_pt        word index of the next chunk to write
 *   4  uint32 read_pt         word index of the next chunk to read
 *   8  uint32 word_size       size of the data file in 32-bit words
 *  12  char   hdr_path[4096]
 * 4108 char   data_path[4096]
 * 8204 int32  ref_count       1 when the server created it, +1 per client mapping
 * 8208 sem_t  posix_sem       32 bytes (8-aligned), counts committed, unread chunks
 * 8240 char   user_data[]     the request ring keeps the flow-control int32 here
 * </pre>
 * The struct is 8-aligned, so its size is 8248; the file is that plus the user data size.
 */
public final class RingHeaderDescriptor {
    public static final int WRITE_POINTER_OFFSET = 0;
    public static final int READ_POINTER_OFFSET = 4;
    public static final int WORD_SIZE_OFFSET = 8;
    public static final int PATH_MAX = 4096;
    public static final int HEADER_PATH_OFFSET = 12;
    public static final int DATA_PATH_OFFSET = HEADER_PATH_OFFSET + PATH_MAX;
    public static final int REF_COUNT_OFFSET = DATA_PATH_OFFSET + PATH_MAX;
    public static final int SEMAPHORE_OFFSET = 8208;
    public static final int USER_DATA_OFFSET = 8240;
    /** sizeof(struct qb_ringbuffer_shared_s), with its one-byte user_data array and padding. */
    public static final int STRUCT_LENGTH = 8248;

    /** The flow-control word the server sets in the request ring's user data. */
    public static final int FLOW_CONTROL_OFFSET = USER_DATA_OFFSET;
    public static final int FLOW_CONTROL_LENGTH = Integer.BYTES;

    private RingHeaderDescriptor() {
    }

    /** Length of a header file that carries {@code userDataLength} bytes of user data. */
    public static int length(int userDataLength) {
        return STRUCT_LENGTH + userDataLength;
    }
}
