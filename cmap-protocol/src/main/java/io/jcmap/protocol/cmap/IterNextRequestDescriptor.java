package io.jcmap.protocol.cmap;

/**
 * {@code struct req_lib_cmap_iter_next}.
 *
 * <pre>
 *   0  qb_ipc_request_header header  (16)
 *  16  mar_uint64_t iter_handle
 *  24  end
 * </pre>
 */
public final class IterNextRequestDescriptor {
    public static final int ITER_HANDLE_OFFSET = RequestHeaderDescriptor.LENGTH;             // 16
    public static final int LENGTH = ITER_HANDLE_OFFSET + 8;                                 // 24

    private IterNextRequestDescriptor() {
    }
}
