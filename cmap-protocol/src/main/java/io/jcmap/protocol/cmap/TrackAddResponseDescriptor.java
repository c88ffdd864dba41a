package io.jcmap.protocol.cmap;

/**
 * {@code struct res_lib_cmap_track_add}.
 *
 * <pre>
 *   0  qb_ipc_response_header header  (24)
 *  24  mar_uint64_t track_handle      server-side handle, needed for track_delete
 *  32  end
 * </pre>
 */
public final class TrackAddResponseDescriptor {
    public static final int TRACK_HANDLE_OFFSET = ResponseHeaderDescriptor.LENGTH;          // 24
    public static final int LENGTH = TRACK_HANDLE_OFFSET + 8;                                // 32

    private TrackAddResponseDescriptor() {
    }
}
