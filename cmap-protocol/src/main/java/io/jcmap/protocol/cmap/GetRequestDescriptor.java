package io.jcmap.protocol.cmap;

/**
 * {@code struct req_lib_cmap_get}.
 *
 * <pre>
 *   0  qb_ipc_request_header header  (16)
 *  16  mar_name_t key_name           (264)
 * 280  mar_size_t value_len          capacity the client reserves for the value; 0 = length only
 * 288  end
 * </pre>
 */
public final class GetRequestDescriptor {
    public static final int KEY_NAME_OFFSET = RequestHeaderDescriptor.LENGTH;                // 16
    public static final int VALUE_LEN_OFFSET = KEY_NAME_OFFSET + NameDescriptor.LENGTH;      // 280
    public static final int LENGTH = VALUE_LEN_OFFSET + 8;                                   // 288

    private GetRequestDescriptor() {
    }
}
