package io.jcmap.protocol.cmap;

/**
 * {@code struct res_lib_cmap_track_delete}.
 *
 * <pre>
 *   0  qb_ipc_response_header header  (24)
 *  24  mar_uint64_t track_inst_handle the client handle given at track_add
 *  32  end
 * </pre>
 */
public final class TrackDeleteResponseDescriptor {
    public static final int TRACK_INST_HANDLE_OFFSET = ResponseHeaderDescriptor.LENGTH;     // 24
    public static final int LENGTH = TRACK_INST_HANDLE_OFFSET + 8;                           // 32

    private TrackDeleteResponseDescriptor() {
    }
}
