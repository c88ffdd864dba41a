package io.jcmap.protocol.cmap;

/** Request ids ({@code enum req_cmap_types}), placed in the request header's id field. */
public final class CmapRequestId {
    public static final int SET = 0;
    public static final int DELETE = 1;
    public static final int GET = 2;
    public static final int ADJUST_INT = 3;
    public static final int ITER_INIT = 4;
    public static final int ITER_NEXT = 5;
    public static final int ITER_FINALIZE = 6;
    public static final int TRACK_ADD = 7;
    public static final int TRACK_DELETE = 8;
    public static final int SET_CURRENT_MAP = 9;

    private CmapRequestId() {
    }
}
