package io.jcmap.protocol.cmap;

/**
 * {@code struct req_lib_cmap_track_add}.
 *
 * <pre>
 *   0  qb_ipc_request_header header  (16)
 *  16  mar_name_t key_name           (264) key or prefix; length 0 = every key
 * 280  mar_int32_t track_type        (+4 padding) CMAP_TRACK_* flags
 * 288  mar_uint64_t track_inst_handle  client's own handle, echoed in every notification
 * 296  end
 * </pre>
 */
public final class TrackAddRequestDescriptor {
    public static final int KEY_NAME_OFFSET = RequestHeaderDescriptor.LENGTH;                // 16
    public static final int TRACK_TYPE_OFFSET = KEY_NAME_OFFSET + NameDescriptor.LENGTH;     // 280
    public static final int TRACK_INST_HANDLE_OFFSET = TRACK_TYPE_OFFSET + 8;                // 288
    public static final int LENGTH = TRACK_INST_HANDLE_OFFSET + 8;                           // 296

    private TrackAddRequestDescriptor() {
    }
}
