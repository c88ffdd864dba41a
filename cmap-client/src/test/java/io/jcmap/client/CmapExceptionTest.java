package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.protocol.cmap.CodecException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class CmapExceptionTest {
    @Test
    void messageIsContextThenCNameAndNumber() {
        CmapException e = new CmapException(CsError.NOT_EXIST, "get(totem.foo)");
        assertEquals("get(totem.foo): CS_ERR_NOT_EXIST (12)", e.getMessage());
        assertEquals(CsError.NOT_EXIST, e.error());
        assertEquals(12, e.rawCode());
        assertEquals(CmapException.NO_ERRNO, e.errno());
        assertEquals("get(totem.foo)", e.context());
        assertNull(e.getCause());
    }

    @Test
    void emptyOrNullContextLeavesOnlyTheError() {
        assertEquals("CS_ERR_ACCESS (11)", new CmapException(CsError.ACCESS, null).getMessage());
        assertEquals("CS_ERR_ACCESS (11)", new CmapException(CsError.ACCESS, "").getMessage());
        assertEquals("", new CmapException(CsError.ACCESS, null).context());
    }

    /** A codec's refusal keeps its code (TOO_BIG is 26, MESSAGE_ERROR 22) and follows the call's context. */
    @Test
    void ofCodecKeepsTheCodecsCodeAfterTheContext() {
        CmapException tooBig = CmapException.ofCodec("set(k.v)", new CodecException(26, "value too long"));
        assertEquals(CsError.TOO_BIG, tooBig.error());
        assertEquals("set(k.v): value too long: CS_ERR_TOO_BIG (26)", tooBig.getMessage());
        CmapException malformed = CmapException.ofCodec("dispatch", new CodecException(22, "short notification"));
        assertEquals(CsError.MESSAGE_ERROR, malformed.error());
        assertTrue(malformed.getMessage().startsWith("dispatch: short notification"), malformed.getMessage());
    }

    @Test
    void causeIsKept() {
        IOException cause = new IOException("boom");
        CmapException e = new CmapException(CsError.LIBRARY, "connect", cause);
        assertSame(cause, e.getCause());
        assertEquals("connect: CS_ERR_LIBRARY (2)", e.getMessage());
    }

    @Test
    void ofErrnoMapsLikeLibcmapAndNamesTheErrno() {
        IOException cause = new IOException("refused");
        CmapException e = CmapException.ofErrno(111, "connect(cmap)", cause);
        assertEquals(CsError.LIBRARY, e.error());
        assertEquals(111, e.errno());
        assertSame(cause, e.getCause());
        assertEquals("connect(cmap): CS_ERR_LIBRARY (2), errno 111 (ECONNREFUSED)", e.getMessage());
    }

    @Test
    void ofErrnoAcceptsNegatedErrnoAndKeepsItPositive() {
        CmapException e = CmapException.ofErrno(-110, "get(a.b.c)", null);
        assertEquals(CsError.TRY_AGAIN, e.error());
        assertEquals(110, e.errno());
        assertEquals("get(a.b.c): CS_ERR_TRY_AGAIN (6), errno 110 (ETIMEDOUT)", e.getMessage());
    }

    @Test
    void ofErrnoOfMinValueIsLibraryWithoutErrno() {
        CmapException e = CmapException.ofErrno(Integer.MIN_VALUE, "read", null);
        assertEquals(CsError.LIBRARY, e.error());
        assertEquals(CmapException.NO_ERRNO, e.errno());
        assertEquals("read: CS_ERR_LIBRARY (2)", e.getMessage());
    }

    @Test
    void unnamedErrnoPrintsOnlyItsNumber() {
        CmapException e = new CmapException(CsError.LIBRARY, 5, "read", null);
        assertEquals("read: CS_ERR_LIBRARY (2), errno 5", e.getMessage());
        assertEquals(5, e.errno());
    }

    @Test
    void ofCodeKeepsAnUnknownServerNumber() {
        CmapException e = CmapException.ofCode(999, "set(a.b.c)");
        assertEquals(CsError.LIBRARY, e.error());
        assertEquals(999, e.rawCode());
        assertEquals("set(a.b.c): CS_ERR_LIBRARY (2) [unknown cs_error_t 999]", e.getMessage());
    }

    @Test
    void ofCodeOfAKnownNumberIsThatError() {
        CmapException e = CmapException.ofCode(11, "set(runtime.x)");
        assertEquals(CsError.ACCESS, e.error());
        assertEquals(11, e.rawCode());
        assertEquals("set(runtime.x): CS_ERR_ACCESS (11)", e.getMessage());
    }

    /** CsError's promise: an exception never carries OK (a helper's audit found both factories giving it). */
    @Test
    void noExceptionCarriesOk() {
        CmapException fromCode = CmapException.ofCode(CsError.OK.code(), "get(a.b.c)");
        assertEquals(CsError.LIBRARY, fromCode.error());
        assertEquals(1, fromCode.rawCode());
        assertEquals("get(a.b.c): CS_ERR_LIBRARY (2) [CS_OK (1) given as a failure]", fromCode.getMessage());
        CmapException fromErrno = CmapException.ofErrno(0, "read", null);
        assertEquals(CsError.LIBRARY, fromErrno.error());
        assertEquals(CmapException.NO_ERRNO, fromErrno.errno());
        assertEquals("read: CS_ERR_LIBRARY (2)", fromErrno.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CmapException(CsError.OK, "x"));
        assertThrows(IllegalArgumentException.class, () -> new CmapException(CsError.OK, "x", null));
        assertThrows(IllegalArgumentException.class,
                () -> new CmapException(CsError.OK, CmapException.NO_ERRNO, "x", null));
    }

    @Test
    void nullErrorIsRejected() {
        assertThrows(NullPointerException.class, () -> new CmapException(null, "x"));
    }

    @Test
    void aNegativeErrnoIsRejectedAsTheConstructorPromisesAPositiveOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CmapException(CsError.LIBRARY, -5, "read", null));
        assertTrue(e.getMessage().contains("-5"), e::getMessage);
        assertThrows(IllegalArgumentException.class, () -> new CmapException(CsError.LIBRARY, Integer.MIN_VALUE, "x", null));
        assertEquals(CmapException.NO_ERRNO, new CmapException(CsError.LIBRARY, 0, "x", null).errno());
    }
}
