package io.jcmap.protocol.cmap;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Response decoders against byte vectors derived from the C structs (ipc_cmap.h, exec/cmap.c). */
class ResponseDecodersTest {

    private static void assertCode(int expected, Executable decoding) {
        CodecException e = assertThrows(CodecException.class, decoding);
        assertEquals(expected, e.csError(), e.getMessage());
    }

    private static void assertMalformed(Executable decoding) {
        assertCode(CsCode.MESSAGE_ERROR, decoding);
    }

    private static int status(Wire w, int responseId) {
        byte[] a = w.array();
        return StatusResponse.decode(MemorySegment.ofArray(a), a.length, responseId);
    }

    // ---- header -------------------------------------------------------------------------

    @Test
    void headerReadsIdSizeError() {
        ResponseHeader h = new ResponseHeader().wrap(Wire.response(24, 7, 12).segment(), 24);
        assertEquals(7, h.id());
        assertEquals(24, h.size());
        assertEquals(12, h.error());
    }

    @Test
    void headerRejectsShortBufferAndSizeMismatch() {
        MemorySegment seg = Wire.response(32, 4, 1).segment();
        ResponseHeader h = new ResponseHeader();
        assertMalformed(() -> h.wrap(seg, 23));                               // shorter than 24
        assertMalformed(() -> h.wrap(seg, 24));                               // size field 32 > 24 received
        assertMalformed(() -> h.wrap(Wire.response(24, 4, 1).i32(8, 16).segment(), 24));  // size 16 < 24
        assertMalformed(() -> h.wrap(seg, 33));                               // beyond the buffer
        assertMalformed(() -> h.wrap(seg, -1));
        assertCode(CsCode.INVALID_PARAM, () -> h.wrap(null, 24));
        assertCode(CsCode.LIBRARY, h::id);                                    // failed wrap leaves nothing wrapped
    }

    @Test
    void headerAllowsTrailingBufferSpace() {
        byte[] big = new byte[100];
        System.arraycopy(Wire.response(24, 0, 1).array(), 0, big, 0, 24);
        assertEquals(1, new ResponseHeader().wrap(MemorySegment.ofArray(big), 24).error());
    }

    // ---- header-only responses ----------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 6, 10})   // SET, DELETE, ADJUST_INT, ITER_FINALIZE, SET_CURRENT_MAP
    void statusResponses(int id) {
        assertEquals(CsCode.OK, status(Wire.response(24, id, 1), id));
        assertEquals(CsCode.ACCESS, status(Wire.response(24, id, 11), id));
        assertEquals(CsCode.TRY_AGAIN, status(Wire.response(24, 0, 6), id));   // IPC glue refusal, id 0
        assertMalformed(() -> status(Wire.response(32, id, 1), id));            // too long
        assertMalformed(() -> status(Wire.response(24, id + 1, 1), id));        // wrong id
    }

    @Test
    void setCurrentMapIsAnsweredWithId10() {
        assertEquals(CsCode.NOT_EXIST, status(Wire.response(24, 10, 12), CmapResponseId.SET_CURRENT_MAP));
        assertMalformed(() -> status(Wire.response(24, 9, 1), CmapResponseId.SET_CURRENT_MAP));
    }

    @Test
    void glueIdZeroOnlyAcceptedForErrors() {
        assertMalformed(() -> status(Wire.response(24, 0, 1), CmapResponseId.DELETE));
    }

    @Test
    void statusRefusesBodyCarryingIds() {
        assertCode(CsCode.INVALID_PARAM, () -> status(Wire.response(24, 2, 1), CmapResponseId.GET));
    }

    // ---- handle responses ---------------------------------------------------------------

    @Test
    void iterInitHandle() {
        MemorySegment ok = Wire.response(32, 4, 1).i64(24, 0x8000_0000_0000_0002L).segment();  // iter_handle @24
        IterInitResponse r = new IterInitResponse().wrap(ok, 32);
        assertEquals(CsCode.OK, r.error());
        assertEquals(0x8000_0000_0000_0002L, r.iterHandle());

        IterInitResponse err = new IterInitResponse().wrap(Wire.response(32, 4, 27).segment(), 32);
        assertEquals(CsCode.NO_SECTIONS, err.error());
        assertCode(CsCode.NO_SECTIONS, err::iterHandle);
        assertMalformed(() -> r.wrap(Wire.response(24, 4, 1).segment(), 24));    // OK needs the handle
        assertMalformed(() -> r.wrap(Wire.response(32, 7, 1).segment(), 32));    // wrong id
        assertEquals(CsCode.TRY_AGAIN, r.wrap(Wire.response(24, 0, 6).segment(), 24).error());
    }

    @Test
    void trackAddHandle() {
        TrackAddResponse r = new TrackAddResponse().wrap(Wire.response(32, 7, 1).i64(24, 99).segment(), 32);
        assertEquals(99, r.trackHandle());                                   // track_handle @24
        assertEquals(CsCode.INVALID_PARAM,
                r.wrap(Wire.response(32, 7, 7).segment(), 32).error());
        assertMalformed(() -> r.wrap(Wire.response(40, 7, 1).segment(), 40));
    }

    @Test
    void trackDeleteHandle() {
        TrackDeleteResponse r = new TrackDeleteResponse().wrap(Wire.response(32, 8, 1).i64(24, -1L).segment(), 32);
        assertEquals(-1L, r.trackInstHandle());                              // track_inst_handle @24
        assertEquals(CsCode.BAD_HANDLE, r.wrap(Wire.response(32, 8, 9).segment(), 32).error());
        assertMalformed(() -> r.wrap(Wire.response(32, 7, 1).segment(), 32));
        assertMalformed(() -> r.wrap(Wire.response(28, 8, 9).segment(), 28));   // error, neither 24 nor 32
    }

    @Test
    void unwrappedFlyweightsAreLibraryErrors() {
        assertCode(CsCode.LIBRARY, () -> new TrackAddResponse().error());
        assertCode(CsCode.LIBRARY, () -> new GetResponse().value());
        assertCode(CsCode.LIBRARY, () -> new IterNextResponse().keyName());
        assertCode(CsCode.LIBRARY, () -> new NotifyCallback().keyName());
    }

    // ---- GET ----------------------------------------------------------------------------

    @Test
    void getWithRequestedLengthLargerThanActual() {
        // requested 16, actual 4: size = 40 + 16, value_len @24 = 4, type @32, value @40
        MemorySegment seg = Wire.response(56, 2, 1).i64(24, 4).u8(32, 6).i32(40, 0x01020304).segment();
        GetResponse r = new GetResponse().wrap(seg, 56);
        assertEquals(CsCode.OK, r.error());
        assertEquals(CmapValueType.UINT32, r.type());
        assertEquals(4, r.valueLength());
        assertEquals(16, r.valueAreaLength());
        assertTrue(r.valueIncluded());
        assertArrayEquals(new byte[] {4, 3, 2, 1}, r.value().toArray(JAVA_BYTE));
    }

    @Test
    void getExactFit() {
        byte[] v = "cluster\0".getBytes(StandardCharsets.US_ASCII);
        MemorySegment seg = Wire.response(48, 2, 1).i64(24, 8).u8(32, 11).bytes(40, v).segment();
        assertArrayEquals(v, new GetResponse().wrap(seg, 48).value().toArray(JAVA_BYTE));
    }

    @Test
    void getLengthQuery() {
        // requested 0: 40 bytes, value_len = stored length, no value bytes
        GetResponse r = new GetResponse().wrap(Wire.response(40, 2, 1).i64(24, 12).u8(32, 11).segment(), 40);
        assertEquals(12, r.valueLength());
        assertEquals(0, r.valueAreaLength());
        assertFalse(r.valueIncluded());
        assertCode(CsCode.LIBRARY, r::value);

        GetResponse empty = new GetResponse().wrap(Wire.response(40, 2, 1).i64(24, 0).u8(32, 12).segment(), 40);
        assertTrue(empty.valueIncluded());
        assertEquals(0, empty.value().byteSize());
    }

    @Test
    void getValueLargerThanTheReservedAreaIsNotIncluded() {
        // the stats map answers OK even if the request reserved too little: 40 + 4 bytes, value_len 8
        GetResponse r = new GetResponse().wrap(Wire.response(44, 2, 1).i64(24, 8).u8(32, 8).i32(40, 7).segment(), 44);
        assertEquals(8, r.valueLength());
        assertEquals(4, r.valueAreaLength());
        assertFalse(r.valueIncluded());
        assertCode(CsCode.LIBRARY, r::value);
        GetResponse max = new GetResponse()
                .wrap(Wire.response(40, 2, 1).i64(24, Integer.MAX_VALUE - 40L).u8(32, 12).segment(), 40);
        assertEquals(Integer.MAX_VALUE - 40L, max.valueLength());
    }

    @Test
    void getErrorIsTheFixedPartOnly() {
        GetResponse r = new GetResponse().wrap(Wire.response(40, 2, 12).segment(), 40);
        assertEquals(CsCode.NOT_EXIST, r.error());
        assertCode(CsCode.NOT_EXIST, r::type);
        assertCode(CsCode.NOT_EXIST, r::value);
        assertEquals(CsCode.TRY_AGAIN, r.wrap(Wire.response(24, 0, 6).segment(), 24).error());
        assertMalformed(() -> r.wrap(Wire.response(56, 2, 12).segment(), 56));   // error with a value area
    }

    @Test
    void getMalformed() {
        GetResponse r = new GetResponse();
        assertMalformed(() -> r.wrap(Wire.response(32, 2, 1).segment(), 32));                        // < 40
        assertMalformed(() -> r.wrap(Wire.response(48, 2, 1).i64(24, -1).u8(32, 12).segment(), 48)); // 2^64-1
        assertMalformed(() -> r.wrap(Wire.response(40, 2, 1).i64(24, Long.MAX_VALUE).u8(32, 12).segment(), 40));
        assertMalformed(() -> r.wrap(Wire.response(40, 2, 1).i64(24, Integer.MAX_VALUE - 39L).u8(32, 12).segment(), 40));
        assertMalformed(() -> r.wrap(Wire.response(40, 2, 1).i64(24, 1).u8(32, 0).segment(), 40));   // type 0
        assertMalformed(() -> r.wrap(Wire.response(40, 2, 1).i64(24, 1).u8(32, 13).segment(), 40));  // type 13
        assertMalformed(() -> r.wrap(Wire.response(40, 3, 1).i64(24, 1).u8(32, 1).segment(), 40));   // id 3
        assertMalformed(() -> r.wrap(Wire.response(48, 2, 1).segment(), 40));                        // size 48 != 40
    }

    // ---- ITER_NEXT ----------------------------------------------------------------------

    private static MemorySegment iterNext(String name, long valueLength, int type) {
        // key_name @24 (length @24, bytes @32), value_len @288, type @296, size 304
        return Wire.response(304, 5, 1).name(24, name).i64(288, valueLength).u8(296, type).segment();
    }

    @Test
    void iterNextEntry() {
        IterNextResponse r = new IterNextResponse().wrap(iterNext("totem.version", 4, 6), 304);
        assertEquals(CsCode.OK, r.error());
        assertEquals("totem.version", r.keyName());
        assertEquals(13, r.keyNameLength());
        assertEquals(new IterNextResult("totem.version", 4, 6), r.toResult());
    }

    @Test
    void iterNextNameOf255BytesAndUtf8() {
        String longName = Wire.repeat('n', 255);
        assertEquals(longName, new IterNextResponse().wrap(iterNext(longName, 1, 1), 304).keyName());
        assertEquals("ключ", new IterNextResponse().wrap(iterNext("ключ", 1, 1), 304).keyName());
    }

    @Test
    void iterNextEnd() {
        IterNextResponse r = new IterNextResponse().wrap(Wire.response(304, 5, 27).segment(), 304);
        assertEquals(CsCode.NO_SECTIONS, r.error());
        assertCode(CsCode.NO_SECTIONS, r::toResult);
    }

    @Test
    void iterNextMalformed() {
        IterNextResponse r = new IterNextResponse();
        assertMalformed(() -> r.wrap(Wire.response(304, 5, 1).u16(24, 256).u8(296, 1).segment(), 304)); // name 256
        assertMalformed(() -> r.wrap(Wire.response(304, 5, 1).u16(24, 0xFFFF).u8(296, 1).segment(), 304));
        assertMalformed(() -> r.wrap(Wire.response(304, 5, 1).u16(24, 3).bytes(32, new byte[] {'a', 0, 'b'})
                .u8(296, 1).segment(), 304));                                                          // NUL inside
        assertMalformed(() -> r.wrap(Wire.response(304, 5, 1).u16(24, 2).bytes(32, new byte[] {(byte) 0xC3, 'x'})
                .u8(296, 1).segment(), 304));                                                          // bad UTF-8
        assertMalformed(() -> r.wrap(iterNext("a.b", -5, 1), 304));
        assertMalformed(() -> r.wrap(iterNext("a.b", 1, 0), 304));
        assertMalformed(() -> r.wrap(iterNext("a.b", 1, 1), 296));
        assertMalformed(() -> r.wrap(Wire.response(296, 5, 1).segment(), 296));
    }

    @ParameterizedTest
    @CsvSource({"0", "23", "24", "100"})
    void everyDecoderRejectsTruncatedMessages(int length) {
        MemorySegment seg = MemorySegment.ofArray(new byte[length]);
        assertMalformed(() -> new GetResponse().wrap(seg, length));
        assertMalformed(() -> new IterNextResponse().wrap(seg, length));
        assertMalformed(() -> new NotifyCallback().wrap(seg, length));
        assertMalformed(() -> StatusResponse.decode(seg, length, CmapResponseId.SET));
    }
}
