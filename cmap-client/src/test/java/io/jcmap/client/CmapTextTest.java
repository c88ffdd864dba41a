package io.jcmap.client;

import static io.jcmap.client.CmapAssertions.assertCmapError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The byte form of string values. The vectors follow the Unicode standard's table 3-7 of
 * well-formed UTF-8: every lead byte range, the restricted second bytes after E0, ED, F0 and F4,
 * and the sequences just outside them.
 */
class CmapTextTest {

    @Test
    void wellFormedSequencesAtEveryBoundaryReadAsTheirCodePoints() {
        assertDecodes("41", "A");
        assertDecodes("7f", "\u007f");
        assertDecodes("c280", "\u0080");
        assertDecodes("dfbf", "\u07ff");
        assertDecodes("e0a080", "\u0800");
        assertDecodes("ed9fbf", "\ud7ff");
        assertDecodes("ee8080", "\ue000");
        assertDecodes("efbfbf", "\uffff");
        assertDecodes("f0908080", "\ud800\udc00");
        assertDecodes("f48fbfbf", "\udbff\udfff");
    }

    @Test
    void eachByteOfAMalformedSequenceBecomesItsOwnSurrogate() {
        assertDecodes("80", "\udc80");
        assertDecodes("bf", "\udcbf");
        assertDecodes("c080", "\udcc0\udc80"); // overlong form of U+0000
        assertDecodes("c1bf", "\udcc1\udcbf"); // overlong form of U+007F
        assertDecodes("e08080", "\udce0\udc80\udc80"); // E0 needs A0..BF next
        assertDecodes("eda080", "\udced\udca0\udc80"); // the surrogate U+D800 encoded
        assertDecodes("f0808080", "\udcf0\udc80\udc80\udc80"); // F0 needs 90..BF next
        assertDecodes("f4908080", "\udcf4\udc90\udc80\udc80"); // beyond U+10FFFF
        assertDecodes("f5808080", "\udcf5\udc80\udc80\udc80");
        assertDecodes("ff", "\udcff");
    }

    @Test
    void aTruncatedSequenceIsEscapedAndWhatFollowsIsReadAfresh() {
        assertDecodes("e282", "\udce2\udc82");
        assertDecodes("e28241", "\udce2\udc82A");
        assertDecodes("e1c3a9", "\udce1\u00e9");
        assertDecodes("636166e9", "caf\udce9"); // "café" in ISO-8859-1
        assertDecodes("e9c3a9e9", "\udce9\u00e9\udce9");
    }

    @Test
    void decodingARangeReadsOnlyThatRange() {
        byte[] bytes = HexFormat.of().parseHex("41ff42c3a943");
        assertEquals("\udcffB\u00e9", CmapText.decode(bytes, 1, 4));
        assertEquals("", CmapText.decode(bytes, 6, 0));
    }

    @Test
    void decodingRefusesNullAndRangesOutsideTheArray() {
        assertCmapError(CsError.INVALID_PARAM, () -> CmapText.decode(null));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapText.decode(null, 0, 0));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapText.decode(new byte[2], -1, 1));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapText.decode(new byte[2], 0, 3));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapText.decode(new byte[2], 1, -1));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapText.decode(new byte[2], Integer.MAX_VALUE, 2));
    }

    /** From 64 chars on the text is first looked at in bulk for chars above U+00FF. */
    @Test
    void longTextsAreCheckedAndEncodedAsShortOnes() {
        String latin1 = "x?\u00e9\u00ff".repeat(16); // 64 chars, '?' included: none above U+00FF
        assertArrayEquals(latin1.getBytes(StandardCharsets.UTF_8), CmapText.encode(latin1));
        CmapText.check(latin1);
        String escaped = "x".repeat(63) + "\udcff";
        byte[] expected = Arrays.copyOf("x".repeat(63).getBytes(StandardCharsets.US_ASCII), 64);
        expected[63] = (byte) 0xff;
        assertArrayEquals(expected, CmapText.encode(escaped));
        CmapText.check(escaped);
        assertArrayEquals("\ud83d\ude00".repeat(40).getBytes(StandardCharsets.UTF_8),
                CmapText.encode("\ud83d\ude00".repeat(40)));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapText.check("x".repeat(63) + "\ud800"));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapText.encode("\u20ac".repeat(63) + "\udc00"));
        // past the longest value corosync keeps, and with a wide char in its first 64, char by char
        assertCmapError(CsError.INVALID_PARAM, () -> CmapText.check("x".repeat(20_000) + "\ud800"));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapText.check("\u20ac" + "x".repeat(200) + "\ud800"));
        String wideEscaped = "\u20ac" + "x".repeat(200) + "\udcff";
        CmapText.check(wideEscaped);
        assertEquals((byte) 0xff, CmapText.encode(wideEscaped)[203]);
    }

    /**
     * An ASCII text is checked and encoded in bulk, where the JDK writes a lone surrogate as '?',
     * one byte as an ASCII char is: a surrogate after an ASCII head keeps its own rule.
     */
    @Test
    void aSurrogateAfterAnAsciiHeadIsNeitherAQuestionMarkNorAccepted() {
        String escaped = "x".repeat(100) + "\udc80" + "y".repeat(10);
        byte[] bytes = CmapText.encode(escaped);
        assertEquals(111, bytes.length);
        assertEquals((byte) 0x80, bytes[100], "the escape is the byte it stands for");
        CmapText.check(escaped);
        assertNull(CmapText.asciiValueBytes(escaped), "not ASCII: the value's own way");
        assertCmapError(CsError.INVALID_PARAM, () -> CmapText.encode("x".repeat(100) + "\ud800"));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapText.check("x".repeat(100) + "\ud800"));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapText.check("x".repeat(16_000) + "\udfff" + "x"));
        assertNull(CmapText.asciiValueBytes("x".repeat(100) + "\ud800"));
    }

    @Test
    void onlyAnAsciiTextWithoutNulHasAsciiValueBytes() {
        String ascii = "abc?".repeat(4_000);
        assertArrayEquals(ascii.getBytes(StandardCharsets.US_ASCII), CmapText.asciiValueBytes(ascii));
        assertArrayEquals(new byte[] {'a'}, CmapText.asciiValueBytes("a"));
        assertNull(CmapText.asciiValueBytes("x".repeat(63) + "\udc80"), "a short text, looked at char by char");
        assertNull(CmapText.asciiValueBytes("x".repeat(64) + "\udc80"), "65 chars, looked at in bulk");
        assertArrayEquals("x".repeat(64).getBytes(StandardCharsets.US_ASCII), CmapText.asciiValueBytes("x".repeat(64)));
        assertArrayEquals(new byte[0], CmapText.asciiValueBytes(""));
        assertNull(CmapText.asciiValueBytes(null));
        assertNull(CmapText.asciiValueBytes("x".repeat(100) + "\0"), "a NUL: refused the value's way");
        assertNull(CmapText.asciiValueBytes("\u00e9" + "x".repeat(100)), "a wide head");
        assertNull(CmapText.asciiValueBytes("x".repeat(100) + "\u00e9"), "a wide char after the head");
        assertNull(CmapText.asciiValueBytes("x".repeat(16_386)), "longer than corosync keeps");
    }

    @Test
    void encodingWritesEscapesAsTheirBytesAndTheRestAsUtf8() {
        assertEncodes("caf\udce9", "636166e9");
        assertEncodes("\udc80\u00e9\udcff\ud83d\ude00\u20ac", "80c3a9fff09f9880e282ac");
        assertEncodes("", "");
    }

    @Test
    void encodingRefusesSurrogatesThatStandForNoByte() {
        assertCmapError(CsError.INVALID_PARAM, () -> CmapText.encode(null));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapText.encode("\udc7f")); // bytes below 0x80 are never escaped
        assertCmapError(CsError.INVALID_PARAM, () -> CmapText.encode("\udc00"));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapText.encode("a\ud800"));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapText.encode("\ud800\udcff\ud800"));
        assertCmapError(CsError.INVALID_PARAM, () -> CmapText.encode("\udfff"));
    }

    @Test
    void theSizeOfATextCountsItsCharsAndSeesCharsAboveLatin1() {
        assertSize("", 0, false);
        assertSize("616263", 3, false);
        assertSize("c3bf", 1, false); // U+00FF, the last char a string keeps in one byte
        assertSize("c480", 1, true); // U+0100
        assertSize("e282ac", 1, true); // the euro sign
        assertSize("f09f9880", 2, true); // a surrogate pair
        assertSize("e9", 1, true); // an escape
        assertSize("61c3", 2, true); // a lead byte cut off at the end is an escape
        assertSize("61e9c3a9", 3, true);
    }

    @Property(tries = 2000)
    void theSizeOfATextIsTheSizeOfWhatDecodingGives(@ForAll @Size(max = 40) byte[] bytes) {
        String text = CmapText.decode(bytes);
        CmapText.TextSize size = CmapText.sizeOf(bytes, 0, bytes.length);
        assertEquals(text.length(), size.chars());
        assertEquals(text.chars().anyMatch(c -> c > 0xFF), size.wide());
    }

    @Test
    void aWideTextLongerThanAJavaStringCanBeIsTooBig() {
        CmapText.checkWideLength(CmapText.MAX_WIDE_CHARS - 1L);
        CmapException e = assertCmapError(CsError.TOO_BIG, () -> CmapText.checkWideLength(CmapText.MAX_WIDE_CHARS));
        assertTrue(e.getMessage().contains(CmapText.MAX_WIDE_CHARS + " chars"), e::getMessage);
    }

    @Test
    void decodingMoreWideTextThanAJavaStringHoldsIsTooBigNotOutOfMemory() {
        byte[] bytes = new byte[CmapText.MAX_WIDE_CHARS]; // 1 GiB of ASCII, and one escape to make it wide
        Arrays.fill(bytes, (byte) 'a');
        bytes[bytes.length - 1] = (byte) 0xE9;
        assertCmapError(CsError.TOO_BIG, () -> CmapText.decode(bytes));
        assertCmapError(CsError.TOO_BIG, () -> CmapValue.stringFromBytes(bytes));
    }

    @Test
    void aStringValueCarriesBytesThatAreNotUtf8BothWays() {
        CmapValue value = decodeString("636166e900");
        assertEquals(CmapValue.string("caf\udce9"), value);
        assertEquals(4, value.encodedLength());
        assertArrayEquals(HexFormat.of().parseHex("636166e9"), value.toBytes());
        assertEquals(value, CmapValue.stringFromBytes(HexFormat.of().parseHex("636166e9")));
    }

    @Test
    void aStringValueRefusesEscapesThatWouldReadBackAsOtherText() {
        // C3 A9 is "é": sent as bytes, it would come back as one char, not two surrogates
        CmapException e = assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.string("\udcc3\udca9"));
        assertTrue(e.getMessage().contains("read back as other text"), e::getMessage);
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.string("x\udce2\udc82\udcacy"));
        // an escape next to a char is fine: a lead byte is never followed by a lead or ASCII byte in UTF-8
        assertArrayEquals(HexFormat.of().parseHex("c3c2a9"), CmapValue.string("\udcc3\u00a9").toBytes());
    }

    @Test
    void aStringValueOfBytesRefusesNullAndNul() {
        assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.stringFromBytes(null));
        CmapException e = assertCmapError(CsError.INVALID_PARAM, () -> CmapValue.stringFromBytes(new byte[] {'a', 0}));
        assertTrue(e.getMessage().contains("index 1"), e::getMessage);
    }

    @Property(tries = 5000)
    void anyBytesReadAndWrittenBackAreTheSameBytes(@ForAll @Size(max = 40) byte[] bytes) {
        assertArrayEquals(bytes, CmapText.encode(CmapText.decode(bytes)));
    }

    @Property(tries = 5000)
    void wellFormedBytesReadAsTheJdkReadsThemAndOthersHaveAnEscape(@ForAll @Size(max = 40) byte[] bytes) {
        String text = CmapText.decode(bytes);
        try {
            String strict = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            assertEquals(strict, text);
        } catch (CharacterCodingException e) {
            assertTrue(text.chars().anyMatch(c -> c >= 0xDC80 && c <= 0xDCFF), text);
        }
    }

    @Property(tries = 5000)
    void textWithoutLoneSurrogatesIsPlainUtf8(@ForAll @Size(max = 40) String text) {
        boolean lone = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                lone = true;
            }
        }
        if (lone) {
            return;
        }
        byte[] bytes = CmapText.encode(text);
        assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), bytes);
        assertEquals(text, CmapText.decode(bytes));
        if (text.indexOf('\0') < 0) {
            assertEquals(bytes.length, CmapValue.string(text).encodedLength());
        }
    }

    private static void assertDecodes(String hex, String text) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        assertEquals(text, CmapText.decode(bytes), hex);
        assertArrayEquals(bytes, CmapText.encode(text), hex);
    }

    private static void assertEncodes(String text, String hex) {
        assertEquals(hex, HexFormat.of().formatHex(CmapText.encode(text)), text);
    }

    private static CmapValue decodeString(String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        return CmapValue.decode(CmapType.STRING, MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    private static void assertSize(String hex, long chars, boolean wide) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        assertEquals(new CmapText.TextSize(chars, wide), CmapText.sizeOf(bytes, 0, bytes.length), hex);
    }
}
