package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CsErrorTest {
    /** cs_error_t of corosync 3.1.7 include/corosync/corotypes.h, written out. */
    private static final Map<String, Integer> COROTYPES = new LinkedHashMap<>();

    static {
        COROTYPES.put("CS_OK", 1);
        COROTYPES.put("CS_ERR_LIBRARY", 2);
        COROTYPES.put("CS_ERR_VERSION", 3);
        COROTYPES.put("CS_ERR_INIT", 4);
        COROTYPES.put("CS_ERR_TIMEOUT", 5);
        COROTYPES.put("CS_ERR_TRY_AGAIN", 6);
        COROTYPES.put("CS_ERR_INVALID_PARAM", 7);
        COROTYPES.put("CS_ERR_NO_MEMORY", 8);
        COROTYPES.put("CS_ERR_BAD_HANDLE", 9);
        COROTYPES.put("CS_ERR_BUSY", 10);
        COROTYPES.put("CS_ERR_ACCESS", 11);
        COROTYPES.put("CS_ERR_NOT_EXIST", 12);
        COROTYPES.put("CS_ERR_NAME_TOO_LONG", 13);
        COROTYPES.put("CS_ERR_EXIST", 14);
        COROTYPES.put("CS_ERR_NO_SPACE", 15);
        COROTYPES.put("CS_ERR_INTERRUPT", 16);
        COROTYPES.put("CS_ERR_NAME_NOT_FOUND", 17);
        COROTYPES.put("CS_ERR_NO_RESOURCES", 18);
        COROTYPES.put("CS_ERR_NOT_SUPPORTED", 19);
        COROTYPES.put("CS_ERR_BAD_OPERATION", 20);
        COROTYPES.put("CS_ERR_FAILED_OPERATION", 21);
        COROTYPES.put("CS_ERR_MESSAGE_ERROR", 22);
        COROTYPES.put("CS_ERR_QUEUE_FULL", 23);
        COROTYPES.put("CS_ERR_QUEUE_NOT_AVAILABLE", 24);
        COROTYPES.put("CS_ERR_BAD_FLAGS", 25);
        COROTYPES.put("CS_ERR_TOO_BIG", 26);
        COROTYPES.put("CS_ERR_NO_SECTIONS", 27);
        COROTYPES.put("CS_ERR_CONTEXT_NOT_FOUND", 28);
        COROTYPES.put("CS_ERR_TOO_MANY_GROUPS", 30);
        COROTYPES.put("CS_ERR_SECURITY", 100);
    }

    @Test
    void everyConstantHasTheCNameAndNumberOfCorotypes() {
        Map<String, Integer> ours = new LinkedHashMap<>();
        for (CsError error : CsError.values()) {
            ours.put(error.cName(), error.code());
        }
        assertEquals(COROTYPES, ours);
    }

    @Test
    void ofFindsEveryConstantByNumber() {
        for (CsError error : CsError.values()) {
            assertEquals(error, CsError.of(error.code()));
            assertEquals(Optional.of(error), CsError.lookup(error.code()));
        }
    }

    @ParameterizedTest
    @CsvSource({"0", "29", "31", "99", "101", "-1", "2147483647"})
    void unknownNumbersAreLibraryErrorsAndNotFoundByLookup(int code) {
        assertEquals(CsError.LIBRARY, CsError.of(code));
        assertEquals(Optional.empty(), CsError.lookup(code));
    }

    @Test
    void csStrerrorIsSuccessForOkAndTheCNameOtherwise() {
        assertEquals("success", CsError.OK.csStrerror());
        assertEquals("CS_OK", CsError.OK.cName());
        assertEquals("CS_ERR_NOT_EXIST", CsError.NOT_EXIST.csStrerror());
        for (CsError error : CsError.values()) {
            if (error != CsError.OK) {
                assertEquals(error.cName(), error.csStrerror());
                assertTrue(error.cName().startsWith("CS_ERR_"));
            }
        }
    }

    /** Every case of qb_to_cs_error() in corosync 3.1.7 common_lib/error_conversion.c (Linux errno numbers). */
    @ParameterizedTest(name = "errno {0} ({1}) -> {2}")
    @CsvSource({
        "9, EBADF, BAD_HANDLE",
        "12, ENOMEM, NO_MEMORY",
        "42, ENOMSG, TRY_AGAIN",
        "105, ENOBUFS, TRY_AGAIN",
        "110, ETIMEDOUT, TRY_AGAIN",
        "11, EAGAIN, TRY_AGAIN",
        "52, EBADE, FAILED_OPERATION",
        "62, ETIME, TIMEOUT",
        "22, EINVAL, INVALID_PARAM",
        "16, EBUSY, BUSY",
        "13, EACCES, ACCESS",
        "75, EOVERFLOW, NAME_TOO_LONG",
        "17, EEXIST, EXIST",
        "28, ENOSPC, NO_SPACE",
        "4, EINTR, INTERRUPT",
        "2, ENOENT, NOT_EXIST",
        "19, ENODEV, NOT_EXIST",
        "38, ENOSYS, NOT_SUPPORTED",
        "95, ENOTSUP, NOT_SUPPORTED",
        "74, EBADMSG, MESSAGE_ERROR",
        "90, EMSGSIZE, TOO_BIG",
        "7, E2BIG, TOO_BIG",
        "111, ECONNREFUSED, LIBRARY",
        "107, ENOTCONN, LIBRARY",
        "104, ECONNRESET, LIBRARY",
        "32, EPIPE, LIBRARY",
        "1, EPERM, LIBRARY",
        "5, EIO, LIBRARY",
    })
    void fromErrnoMapsAsQbToCsError(int errno, String name, CsError expected) {
        assertEquals(expected, CsError.fromErrno(errno), name);
        assertEquals(expected, CsError.fromErrno(-errno), "negated " + name);
    }

    @Test
    void fromErrnoOfZeroIsOk() {
        assertEquals(CsError.OK, CsError.fromErrno(0));
    }
}
