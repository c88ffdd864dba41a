package io.jcmap.protocol.cmap;

/**
 * libqb's {@code struct qb_ipc_response_header}: three int32 fields, each aligned to 8.
 *
 * <pre>
 *   0  int32 id     (+4 padding)
 *   8  int32 size   total response length, header included (+4 padding)
 *  16  int32 error  a cs_error_t number (+4 padding)
 *  24  end
 * </pre>
 * Responses that carry nothing but a status (set, delete, adjust_int, iter_finalize,
 * set_current_map) are exactly this header.
 */
public final class ResponseHeaderDescriptor {
    public static final int ID_OFFSET = 0;
    public static final int SIZE_OFFSET = 8;
    public static final int ERROR_OFFSET = 16;
    public static final int LENGTH = 24;

    private ResponseHeaderDescriptor() {
    }
}
