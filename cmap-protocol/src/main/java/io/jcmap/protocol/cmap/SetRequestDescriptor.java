package io.jcmap.protocol.cmap;

/**
 * {@code struct req_lib_cmap_set}, followed by {@code value_len} value bytes.
 *
 * <pre>
 *   0  qb_ipc_request_header header  (16)
 *  16  mar_name_t key_name           (264)
 * 280  mar_size_t value_len          (uint64)
 * 288  mar_uint8_t type              (+7 padding)
 * 296  uint8 value[value_len]
 * </pre>
 */
public final class SetRequestDescriptor {
    public static final int KEY_NAME_OFFSET = RequestHeaderDescriptor.LENGTH;                // 16
    public static final int VALUE_LEN_OFFSET = KEY_NAME_OFFSET + NameDescriptor.LENGTH;      // 280
    public static final int TYPE_OFFSET = VALUE_LEN_OFFSET + 8;                              // 288
    public static final int VALUE_OFFSET = TYPE_OFFSET + 8;                                  // 296
    /** Length without the value. */
    public static final int LENGTH = VALUE_OFFSET;                                           // 296

    private SetRequestDescriptor() {
    }
}
