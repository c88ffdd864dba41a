package io.jcmap.protocol.cmap;

/**
 * {@code struct req_lib_cmap_set_current_map}.
 *
 * <pre>
 *   0  qb_ipc_request_header header  (16)
 *  16  mar_int32_t map               (+4 padding) CMAP_MAP_DEFAULT or CMAP_MAP_STATS
 *  24  end
 * </pre>
 */
public final class SetCurrentMapRequestDescriptor {
    public static final int MAP_OFFSET = RequestHeaderDescriptor.LENGTH;                     // 16
    public static final int LENGTH = MAP_OFFSET + 8;                                         // 24

    private SetCurrentMapRequestDescriptor() {
    }
}
