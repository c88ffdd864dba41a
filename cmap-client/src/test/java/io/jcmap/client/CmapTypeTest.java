package io.jcmap.client;

import static io.jcmap.client.CmapAssertions.assertCmapError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CmapTypeTest {
    /**
     * cmap_value_types_t of cmap.h, the C type sizes on Linux, and corosync-cmapctl's
     * name_to_type table.
     */
    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
        "INT8, 1, 1, i8",
        "UINT8, 2, 1, u8",
        "INT16, 3, 2, i16",
        "UINT16, 4, 2, u16",
        "INT32, 5, 4, i32",
        "UINT32, 6, 4, u32",
        "INT64, 7, 8, i64",
        "UINT64, 8, 8, u64",
        "FLOAT, 9, 4, flt",
        "DOUBLE, 10, 8, dbl",
        "STRING, 11, -1, str",
        "BINARY, 12, -1, bin",
    })
    void numbersSizesAndNamesMatchCorosync(CmapType type, int code, int size, String name) {
        assertEquals(code, type.code());
        assertEquals(size, type.fixedSize());
        assertEquals(size > 0, type.isFixedSize());
        assertEquals(name, type.cmapctlName());
        assertEquals(type, CmapType.of(code));
        assertEquals(type, CmapType.fromCmapctlName(name));
    }

    @Test
    void thereAreExactlyTwelveTypes() {
        assertEquals(12, CmapType.values().length);
        assertFalse(CmapType.STRING.isFixedSize());
        assertTrue(CmapType.FLOAT.isFixedSize());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 13, -1, 255, Integer.MIN_VALUE})
    void unknownNumbersAreInvalidParam(int code) {
        CmapException e = assertCmapError(CsError.INVALID_PARAM, () -> CmapType.of(code));
        assertTrue(e.getMessage().contains(Integer.toString(code)), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "I8", "int8", "string", "u128", " i8", "float"})
    void unknownCmapctlNamesAreInvalidParam(String name) {
        assertCmapError(CsError.INVALID_PARAM, () -> CmapType.fromCmapctlName(name));
    }

    @Test
    void nullCmapctlNameIsInvalidParam() {
        assertCmapError(CsError.INVALID_PARAM, () -> CmapType.fromCmapctlName(null));
    }
}
