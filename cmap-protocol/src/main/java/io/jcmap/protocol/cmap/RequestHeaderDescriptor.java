package io.jcmap.protocol.cmap;

/**
 * libqb's {@code struct qb_ipc_request_header}: two int32 fields, each aligned to 8.
 *
 * <pre>
 *   0  int32 id     (+4 bytes padding)
 *   8  int32 size   total request length, header included (+4 bytes padding)
 *  16  end
 * </pre>
 */
public final class RequestHeaderDescriptor {
    public static final int ID_OFFSET = 0;
    public static final int SIZE_OFFSET = 8;
    public static final int LENGTH = 16;

    private RequestHeaderDescriptor() {
    }
}
