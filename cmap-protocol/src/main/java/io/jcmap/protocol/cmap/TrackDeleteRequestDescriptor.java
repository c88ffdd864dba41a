package io.jcmap.protocol.cmap;

/**
 * {@code struct req_lib_cmap_track_delete}.
 *
 * <pre>
 *   0  qb_ipc_request_header header  (16)
 *  16  mar_uint64_t track_handle     the server's handle from the track_add response
 *  24  end
 * </pre>
 */
public final class TrackDeleteRequestDescriptor {
    public static final int TRACK_HANDLE_OFFSET = RequestHeaderDescriptor.LENGTH;            // 16
    public static final int LENGTH = TRACK_HANDLE_OFFSET + 8;                                // 24

    private TrackDeleteRequestDescriptor() {
    }
}
