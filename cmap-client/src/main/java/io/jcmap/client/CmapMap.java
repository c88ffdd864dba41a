package io.jcmap.client;

/**
 * Which of corosync's maps a handle works on: corosync's {@code cmap_map_t}, with the numbers
 * of {@code cmap.h}.
 */
public enum CmapMap {
    /**
     * {@code CMAP_MAP_ICMAP} (also {@code CMAP_MAP_DEFAULT}): configuration and runtime keys.
     * The default.
     */
    ICMAP(0),
    /**
     * {@code CMAP_MAP_STATS}: network and IPC statistics. Its keys are read-only; tracking
     * supports MODIFY of single keys, and on prefixes only ADD together with DELETE.
     */
    STATS(1);

    private final int code;

    CmapMap(int code) {
        this.code = code;
    }

    /** {@return the {@code cmap_map_t} number sent when selecting the map} */
    public int code() {
        return code;
    }

    /**
     * The map with this number.
     *
     * @param code a {@code cmap_map_t} number
     * @return the map
     * @throws CmapException {@link CsError#INVALID_PARAM} for other numbers
     */
    public static CmapMap of(int code) {
        for (CmapMap map : values()) {
            if (map.code == code) {
                return map;
            }
        }
        throw new CmapException(CsError.INVALID_PARAM, "unknown cmap map " + code);
    }
}
