package io.jcmap.protocol.cmap;

/**
 * {@code struct req_lib_cmap_delete}.
 *
 * <pre>
 *   0  qb_ipc_request_header header  (16)
 *  16  mar_name_t key_name           (264)
 * 280  end
 * </pre>
 */
public final class DeleteRequestDescriptor {
    public static final int KEY_NAME_OFFSET = RequestHeaderDescriptor.LENGTH;                // 16
    public static final int LENGTH = KEY_NAME_OFFSET + NameDescriptor.LENGTH;                // 280

    private DeleteRequestDescriptor() {
    }
}
