package io.jcmap.client;

/**
 * A key as iteration reports it ({@code cmap_iter_next}): its name, type and value length.
 *
 * @param name   the key's name; not null
 * @param type   the value's type; not null
 * @param length the value's length in bytes as corosync stores it; a STRING's length counts
 *               the terminating NUL
 */
public record CmapKeyInfo(String name, CmapType type, long length) {
    /**
     * Checks the fields.
     *
     * @throws CmapException {@link CsError#INVALID_PARAM} for a null name or type or a negative length
     */
    public CmapKeyInfo {
        if (name == null || type == null) {
            throw new CmapException(CsError.INVALID_PARAM, "key info needs a name and a type");
        }
        if (length < 0) {
            throw new CmapException(CsError.INVALID_PARAM, "key info length " + length + " is negative");
        }
    }
}
