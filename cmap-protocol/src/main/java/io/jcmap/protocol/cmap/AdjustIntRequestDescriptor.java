package io.jcmap.protocol.cmap;

/**
 * {@code struct req_lib_cmap_adjust_int}.
 *
 * <pre>
 *   0  qb_ipc_request_header header  (16)
 *  16  mar_name_t key_name           (264)
 * 280  mar_int32_t step              (+4 padding: the struct is 8-aligned)
 * 288  end
 * </pre>
 */
public final class AdjustIntRequestDescriptor {
    public static final int KEY_NAME_OFFSET = RequestHeaderDescriptor.LENGTH;                // 16
    public static final int STEP_OFFSET = KEY_NAME_OFFSET + NameDescriptor.LENGTH;           // 280
    public static final int LENGTH = STEP_OFFSET + 8;                                        // 288

    private AdjustIntRequestDescriptor() {
    }
}
