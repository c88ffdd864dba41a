package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;

/** Assertions on the CmapException a call throws. */
final class CmapAssertions {
    private CmapAssertions() {
    }

    /** Asserts that {@code call} throws a CmapException with {@code error}, named in its message. */
    static CmapException assertCmapError(CsError error, Executable call) {
        CmapException thrown = assertThrows(CmapException.class, call);
        assertEquals(error, thrown.error(), thrown.getMessage());
        assertTrue(thrown.getMessage().endsWith(error.cName() + " (" + error.code() + ")"), thrown.getMessage());
        return thrown;
    }
}
