package io.jcmap.protocol.cmap;

/**
 * {@code struct res_lib_cmap_iter_next}.
 *
 * <pre>
 *   0  qb_ipc_response_header header  (24)
 *  24  mar_name_t key_name            (264)
 * 288  mar_size_t value_len
 * 296  mar_uint8_t type               (+7 padding)
 * 304  end
 * </pre>
 */
public final class IterNextResponseDescriptor {
    public static final int KEY_NAME_OFFSET = ResponseHeaderDescriptor.LENGTH;               // 24
    public static final int VALUE_LEN_OFFSET = KEY_NAME_OFFSET + NameDescriptor.LENGTH;      // 288
    public static final int TYPE_OFFSET = VALUE_LEN_OFFSET + 8;                              // 296
    public static final int LENGTH = TYPE_OFFSET + 8;                                        // 304

    private IterNextResponseDescriptor() {
    }
}
