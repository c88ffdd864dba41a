package io.jcmap.protocol.cmap;

/** Track flags ({@code CMAP_TRACK_*}), used in track_add requests and notification events. */
public final class CmapTrackType {
    public static final int DELETE = 1;
    public static final int MODIFY = 2;
    public static final int ADD = 4;
    /** Track every key starting with the name (track_add only, never in an event). */
    public static final int PREFIX = 8;

    private CmapTrackType() {
    }
}
