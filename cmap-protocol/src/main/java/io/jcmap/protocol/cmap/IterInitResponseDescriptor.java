package io.jcmap.protocol.cmap;

/**
 * {@code struct res_lib_cmap_iter_init}.
 *
 * <pre>
 *   0  qb_ipc_response_header header  (24)
 *  24  mar_uint64_t iter_handle
 *  32  end
 * </pre>
 */
public final class IterInitResponseDescriptor {
    public static final int ITER_HANDLE_OFFSET = ResponseHeaderDescriptor.LENGTH;           // 24
    public static final int LENGTH = ITER_HANDLE_OFFSET + 8;                                 // 32

    private IterInitResponseDescriptor() {
    }
}
