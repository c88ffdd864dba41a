package io.jcmap.client;

import static io.jcmap.client.CmapAssertions.assertCmapError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DispatchTypeTest {
    @Test
    void numbersMatchCsDispatchFlagsT() {
        // corotypes.h: CS_DISPATCH_ONE = 1, _ALL = 2, _BLOCKING = 3, _ONE_NONBLOCKING = 4
        assertEquals(1, DispatchType.ONE.code());
        assertEquals(2, DispatchType.ALL.code());
        assertEquals(3, DispatchType.BLOCKING.code());
        assertEquals(4, DispatchType.ONE_NONBLOCKING.code());
        assertEquals(4, DispatchType.values().length);
        for (DispatchType type : DispatchType.values()) {
            assertEquals(type, DispatchType.of(type.code()));
        }
    }

    @Test
    void unknownNumbersAreInvalidParam() {
        assertCmapError(CsError.INVALID_PARAM, () -> DispatchType.of(0));
        assertCmapError(CsError.INVALID_PARAM, () -> DispatchType.of(5));
    }
}
