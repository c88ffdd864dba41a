package io.jcmap.protocol.cmap;

import java.util.Objects;

/**
 * One key reported by ITER_NEXT.
 *
 * @param keyName     the key's name
 * @param valueLength the stored value's length in bytes (STRING values count their NUL)
 * @param type        the {@link CmapValueType} number, 1..12
 */
public record IterNextResult(String keyName, long valueLength, int type) {
    public IterNextResult {
        Objects.requireNonNull(keyName, "keyName");
    }
}
