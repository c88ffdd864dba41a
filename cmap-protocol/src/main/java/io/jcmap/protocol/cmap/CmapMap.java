package io.jcmap.protocol.cmap;

/** Map selectors ({@code cmap_map_t}) for set_current_map. */
public final class CmapMap {
    /** The configuration/runtime map (icmap). */
    public static final int DEFAULT = 0;
    /** The statistics map. */
    public static final int STATS = 1;

    private CmapMap() {
    }
}
