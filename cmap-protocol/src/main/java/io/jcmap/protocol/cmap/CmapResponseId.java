package io.jcmap.protocol.cmap;

/**
 * Response ids ({@code enum res_cmap_types}). Each equals its request id except
 * SET_CURRENT_MAP, which the server answers with 10 because 9 is taken by notifications.
 * corosync's IPC glue may also answer any request with a bare header of id 0 (SET) carrying
 * TRY_AGAIN or INVALID_PARAM; decoders accept that.
 */
public final class CmapResponseId {
    public static final int SET = 0;
    public static final int DELETE = 1;
    public static final int GET = 2;
    public static final int ADJUST_INT = 3;
    public static final int ITER_INIT = 4;
    public static final int ITER_NEXT = 5;
    public static final int ITER_FINALIZE = 6;
    public static final int TRACK_ADD = 7;
    public static final int TRACK_DELETE = 8;
    /** Sent on the event (dispatch) channel, never as a response to a request. */
    public static final int NOTIFY_CALLBACK = 9;
    public static final int SET_CURRENT_MAP = 10;

    private CmapResponseId() {
    }
}
