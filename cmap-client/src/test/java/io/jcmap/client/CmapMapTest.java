package io.jcmap.client;

import static io.jcmap.client.CmapAssertions.assertCmapError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CmapMapTest {
    @Test
    void numbersMatchCmapMapT() {
        // cmap.h: CMAP_MAP_DEFAULT = 0, CMAP_MAP_ICMAP = 0, CMAP_MAP_STATS = 1
        assertEquals(0, CmapMap.ICMAP.code());
        assertEquals(1, CmapMap.STATS.code());
        assertEquals(2, CmapMap.values().length);
        assertEquals(CmapMap.ICMAP, CmapMap.of(0));
        assertEquals(CmapMap.STATS, CmapMap.of(1));
    }

    @Test
    void unknownNumbersAreInvalidParam() {
        assertCmapError(CsError.INVALID_PARAM, () -> CmapMap.of(2));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapMap.of(-1));
    }
}
