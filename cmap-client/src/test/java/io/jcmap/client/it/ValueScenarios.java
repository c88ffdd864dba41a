package io.jcmap.client.it;

import static io.jcmap.client.it.Expect.cmapError;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.client.Cmap;
import io.jcmap.client.CmapException;
import io.jcmap.client.CmapHandle;
import io.jcmap.client.CmapMap;
import io.jcmap.client.CmapOptions;
import io.jcmap.client.CmapType;
import io.jcmap.client.CmapValue;
import io.jcmap.client.CsError;
import io.jcmap.client.TrackEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** set, get, delete, inc and dec of every type, with edge values and every error corosync gives. */
abstract class ValueScenarios extends CorosyncScenarios {

    static Stream<Arguments> edgeValues() {
        return Values.edgeValues().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("edgeValues")
    void everyTypeStoresItsEdgeValuesExactly(String name, CmapValue value) {
        String key = key("value");
        cmap.set(key, value);
        CmapValue read = cmap.get(key);
        // CmapValue compares floats by their raw bits and binaries by content
        assertEquals(value, read, name);
        assertEquals(value.type(), read.type());
        // and through a second, independent connection
        assertEquals(value, open().get(key), name + " read by another handle");
    }

    @Test
    void typedSettersAndGettersRoundTrip() {
        cmap.setInt8(key("i8"), Byte.MIN_VALUE);
        assertEquals(Byte.MIN_VALUE, cmap.getInt8(key("i8")));
        cmap.setUint8(key("u8"), 255);
        assertEquals(255, cmap.getUint8(key("u8")));
        cmap.setInt16(key("i16"), Short.MIN_VALUE);
        assertEquals(Short.MIN_VALUE, cmap.getInt16(key("i16")));
        cmap.setUint16(key("u16"), 65535);
        assertEquals(65535, cmap.getUint16(key("u16")));
        cmap.setInt32(key("i32"), Integer.MIN_VALUE);
        assertEquals(Integer.MIN_VALUE, cmap.getInt32(key("i32")));
        cmap.setUint32(key("u32"), 4294967295L);
        assertEquals(4294967295L, cmap.getUint32(key("u32")));
        cmap.setInt64(key("i64"), Long.MIN_VALUE);
        assertEquals(Long.MIN_VALUE, cmap.getInt64(key("i64")));
        cmap.setUint64(key("u64"), -1L);
        assertEquals("18446744073709551615", Long.toUnsignedString(cmap.getUint64(key("u64"))));
        cmap.setFloat(key("flt"), -0.0f);
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(cmap.getFloat(key("flt"))));
        cmap.setDouble(key("dbl"), Double.longBitsToDouble(0x7ff8_0000_0000_0001L));
        assertEquals(0x7ff8_0000_0000_0001L, Double.doubleToRawLongBits(cmap.getDouble(key("dbl"))));
        cmap.setString(key("str"), Values.NON_ASCII);
        assertEquals(Values.NON_ASCII, cmap.getString(key("str")));
        cmap.setBinary(key("bin"), Values.BINARY_WITH_NULS);
        assertArrayEquals(Values.BINARY_WITH_NULS, cmap.getBinary(key("bin")));

        // the typed setters store the type their name says
        Map<String, CmapType> expectedTypes = Map.ofEntries(Map.entry("i8", CmapType.INT8),
                Map.entry("u8", CmapType.UINT8), Map.entry("i16", CmapType.INT16), Map.entry("u16", CmapType.UINT16),
                Map.entry("i32", CmapType.INT32), Map.entry("u32", CmapType.UINT32), Map.entry("i64", CmapType.INT64),
                Map.entry("u64", CmapType.UINT64), Map.entry("flt", CmapType.FLOAT), Map.entry("dbl", CmapType.DOUBLE),
                Map.entry("str", CmapType.STRING), Map.entry("bin", CmapType.BINARY));
        expectedTypes.forEach((suffix, type) -> assertEquals(type, cmap.get(key(suffix)).type(), suffix));
    }

    @Test
    void outOfRangeArgumentsOfTypedSettersAreRefusedBeforeSending() {
        cmapError(CsError.INVALID_PARAM, () -> cmap.setUint8(key("u8"), 256));
        cmapError(CsError.INVALID_PARAM, () -> cmap.setUint8(key("u8"), -1));
        cmapError(CsError.INVALID_PARAM, () -> cmap.setUint16(key("u16"), 65536));
        cmapError(CsError.INVALID_PARAM, () -> cmap.setUint32(key("u32"), 4294967296L));
        cmapError(CsError.INVALID_PARAM, () -> cmap.setUint32(key("u32"), -1L));
        cmapError(CsError.INVALID_PARAM, () -> cmap.setString(key("str"), null));
        cmapError(CsError.INVALID_PARAM, () -> cmap.setBinary(key("bin"), null));
        cmapError(CsError.INVALID_PARAM, () -> cmap.set(key("any"), null));
        // a null key, whatever the call (the synchronous get once threw NullPointerException)
        cmapError(CsError.INVALID_PARAM, () -> cmap.get(null));
        cmapError(CsError.INVALID_PARAM, () -> cmap.getString(null));
        cmapError(CsError.INVALID_PARAM, () -> cmap.getBinary(null));
        cmapError(CsError.INVALID_PARAM, () -> cmap.setBinary(null, new byte[2 * 1024 * 1024]));
        for (String suffix : new String[] {"u8", "u16", "u32", "str", "bin", "any"}) {
            cmapError(CsError.NOT_EXIST, () -> cmap.get(key(suffix)));
        }
    }

    @Test
    void aStringWithANulInsideIsRefused() {
        cmapError(CsError.INVALID_PARAM, () -> cmap.setString(key("str"), "before\0after"));
        cmapError(CsError.NOT_EXIST, () -> cmap.get(key("str")));
    }

    @Test
    void stringBytesThatAreNotUtf8ReadAndWriteBackUnchanged() {
        // "café" in ISO-8859-1, stored by the C tool: E9 starts no UTF-8 sequence
        String cKey = key("latin1.c");
        String jKey = key("latin1.j");
        CmapctlTool.runWithLastArgument(corosync, "caf\\xe9", "-s", cKey, "str");
        CmapValue read = cmap.get(cKey);
        assertEquals(CmapValue.string("caf\uDCE9"), read);
        assertEquals("caf\uDCE9", cmap.getString(cKey));

        cmap.set(jKey, read);
        assertArrayEquals((jKey + " (str) = caf\u00e9\n").getBytes(StandardCharsets.ISO_8859_1),
                CmapctlTool.stdoutBytes(corosync, "-g", jKey));
        cmap.setString(jKey, "\uDCFF\u00e9\uDC80");
        assertArrayEquals(concat((jKey + " (str) = ").getBytes(StandardCharsets.US_ASCII),
                new byte[] {(byte) 0xff, (byte) 0xc3, (byte) 0xa9, (byte) 0x80, '\n'}),
                CmapctlTool.stdoutBytes(corosync, "-g", jKey));
        cmapError(CsError.INVALID_PARAM, () -> cmap.setString(jKey, "\uDCC3\uDCA9"));
        assertEquals("\uDCFF\u00e9\uDC80", cmap.getString(jKey));
        // after an ASCII head, where ASCII text takes a bulk path of its own
        String afterAsciiHead = "x".repeat(100) + "\uDC80";
        cmap.setString(jKey, afterAsciiHead);
        assertEquals(afterAsciiHead, cmap.getString(jKey));
        cmapError(CsError.INVALID_PARAM, () -> cmap.setString(jKey, "x".repeat(100) + "\uD800"));
        assertEquals(afterAsciiHead, cmap.getString(jKey));
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    /** One key of each type; the string is longer than any number. */
    private Map<CmapType, String> oneKeyOfEachType() {
        Map<CmapType, CmapValue> values = new LinkedHashMap<>();
        values.put(CmapType.INT8, CmapValue.int8(1));
        values.put(CmapType.UINT8, CmapValue.uint8(1));
        values.put(CmapType.INT16, CmapValue.int16(1));
        values.put(CmapType.UINT16, CmapValue.uint16(1));
        values.put(CmapType.INT32, CmapValue.int32(1));
        values.put(CmapType.UINT32, CmapValue.uint32(1));
        values.put(CmapType.INT64, CmapValue.int64(1));
        values.put(CmapType.UINT64, CmapValue.uint64(1));
        values.put(CmapType.FLOAT, CmapValue.float32(1));
        values.put(CmapType.DOUBLE, CmapValue.float64(1));
        values.put(CmapType.STRING, CmapValue.string("a string longer than sixteen bytes"));
        values.put(CmapType.BINARY, CmapValue.binary(new byte[] {1}));
        Map<CmapType, String> keys = new LinkedHashMap<>();
        values.forEach((type, value) -> {
            String key = key(type.cmapctlName());
            cmap.set(key, value);
            keys.put(type, key);
        });
        return keys;
    }

    /** Calls the typed getter of {@code type}. */
    private static void typedGet(CmapHandle handle, CmapType type, String key) {
        switch (type) {
            case INT8 -> handle.getInt8(key);
            case UINT8 -> handle.getUint8(key);
            case INT16 -> handle.getInt16(key);
            case UINT16 -> handle.getUint16(key);
            case INT32 -> handle.getInt32(key);
            case UINT32 -> handle.getUint32(key);
            case INT64 -> handle.getInt64(key);
            case UINT64 -> handle.getUint64(key);
            case FLOAT -> handle.getFloat(key);
            case DOUBLE -> handle.getDouble(key);
            case STRING -> handle.getString(key);
            case BINARY -> handle.getBinary(key);
        }
    }

    @Test
    void aTypedGetterOfAnotherTypeIsInvalidParamAsInLibcmap() {
        Map<CmapType, String> keys = oneKeyOfEachType();
        for (CmapType stored : CmapType.values()) {
            for (CmapType asked : CmapType.values()) {
                String key = keys.get(stored);
                if (stored == asked) {
                    typedGet(cmap, asked, key);
                } else {
                    CmapException refused = cmapError(CsError.INVALID_PARAM, () -> typedGet(cmap, asked, key));
                    if (!asked.isFixedSize()) {
                        // getString and getBinary look at the type as they read the answer
                        assertEquals("get(" + key + "): holds " + stored + ", not " + asked, refused.context());
                    }
                }
            }
        }
    }

    static Stream<Arguments> shortNonNumericValues() {
        return Stream.of(
                Arguments.of("empty string (1 byte with its NUL)", CmapValue.string("")),
                Arguments.of("string of 3 bytes with its NUL", CmapValue.string("ab")),
                Arguments.of("string of 4 bytes with its NUL", CmapValue.string("abc")),
                Arguments.of("string of 8 bytes with its NUL", CmapValue.string("1234567")),
                Arguments.of("empty binary", CmapValue.binary(new byte[0])),
                Arguments.of("binary of 3 bytes", CmapValue.binary(new byte[3])),
                Arguments.of("binary of 4 bytes", CmapValue.binary(new byte[4])),
                Arguments.of("binary of 7 bytes", CmapValue.binary(new byte[7])));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shortNonNumericValues")
    void numericGettersRefuseShortStringsAndBinariesWithInvalidParam(String name, CmapValue value) {
        // their bytes fit a numeric reservation, their type still does not match
        String key = key("short");
        cmap.set(key, value);
        for (CmapType type : CmapType.values()) {
            if (type.isFixedSize()) {
                cmapError(CsError.INVALID_PARAM, () -> typedGet(cmap, type, key));
            }
        }
        cmapError(CsError.INVALID_PARAM, () -> typedGet(cmap,
                value.type() == CmapType.STRING ? CmapType.BINARY : CmapType.STRING, key));
        assertEquals(value, cmap.get(key), "the handle still works");
    }

    @Test
    void aMissingKeyIsNotExistForEveryOperation() {
        String missing = key("missing");
        cmapError(CsError.NOT_EXIST, () -> cmap.get(missing));
        for (CmapType type : CmapType.values()) {
            cmapError(CsError.NOT_EXIST, () -> typedGet(cmap, type, missing));
        }
        cmapError(CsError.NOT_EXIST, () -> cmap.delete(missing));
        cmapError(CsError.NOT_EXIST, () -> cmap.inc(missing));
        cmapError(CsError.NOT_EXIST, () -> cmap.dec(missing));
        Expect.asyncError(CsError.NOT_EXIST, () -> cmap.getAsync(missing));
        Expect.asyncError(CsError.NOT_EXIST, () -> cmap.deleteAsync(missing));
        Expect.asyncError(CsError.NOT_EXIST, () -> cmap.incAsync(missing));
        Expect.asyncError(CsError.NOT_EXIST, () -> cmap.decAsync(missing));
        // keys shorter than corosync's minimum of 3 bytes cannot exist; reading them is no error of its own
        cmapError(CsError.NOT_EXIST, () -> cmap.get("ab"));
        cmapError(CsError.NOT_EXIST, () -> cmap.get("x"));
    }

    /**
     * libcmap sends a key shorter than corosync's 3 bytes, and corosync judges the map, a
     * read-only key and the value before the name; jcmap refused it itself with NAME_TOO_LONG
     * (a review, 2026-12-07, with C programs on libcmap: ACCESS, ACCESS, INVALID_PARAM, TOO_BIG).
     */
    @Test
    void aKeyShorterThanCorosyncsMinimumIsJudgedInCorosyncsOrder() {
        try (CmapHandle stats = Cmap.initialize(CmapMap.STATS, options().build())) {
            cmapError(CsError.ACCESS, () -> stats.setString("ab", "x"));
            cmapError(CsError.ACCESS, () -> stats.setString("", "x"));
        }
        cmapError(CsError.INVALID_PARAM, () -> cmap.setBinary("ab", new byte[100_000]));
        cmapError(CsError.TOO_BIG, () -> cmap.setBinary("ab", new byte[1_048_281]));
        cmapError(CsError.NAME_TOO_LONG, () -> cmap.setString("ab", "x"));
        cmapError(CsError.NAME_TOO_LONG, () -> cmap.setUint8("", 1));
        Expect.asyncError(CsError.NAME_TOO_LONG, () -> cmap.setAsync("x", CmapValue.uint8(1)));
        cmapError(CsError.NOT_EXIST, () -> cmap.get("ab"));
    }

    @Test
    void keyNamesOf255BytesWorkAndOf256BytesAreNameTooLong() {
        String longest = keyPrefix() + "k".repeat(255 - keyPrefix().length());
        assertEquals(255, longest.length());
        cmap.setUint32(longest, 255);
        assertEquals(255, cmap.getUint32(longest));
        assertEquals(CmapValue.uint32(255), open().get(longest));
        cmap.inc(longest);
        assertEquals(256, cmap.getUint32(longest));
        cmap.delete(longest);
        cmapError(CsError.NOT_EXIST, () -> cmap.get(longest));

        String tooLong = longest + "k";
        cmapError(CsError.NAME_TOO_LONG, () -> cmap.setUint32(tooLong, 1));
        cmapError(CsError.NAME_TOO_LONG, () -> cmap.get(tooLong));
        cmapError(CsError.NAME_TOO_LONG, () -> cmap.getUint32(tooLong));
        cmapError(CsError.NAME_TOO_LONG, () -> cmap.delete(tooLong));
        cmapError(CsError.NAME_TOO_LONG, () -> cmap.inc(tooLong));
        cmapError(CsError.NAME_TOO_LONG, () -> cmap.dec(tooLong));
        cmapError(CsError.NAME_TOO_LONG, () -> cmap.iterate(tooLong));
        cmapError(CsError.NAME_TOO_LONG, () -> cmap.trackAdd(tooLong, EnumSet.of(TrackEvent.MODIFY), (h, n) -> { }));
        cmapError(CsError.NAME_TOO_LONG, () -> cmap.setAsync(tooLong, CmapValue.uint32(1)));
        cmapError(CsError.NAME_TOO_LONG, () -> cmap.getAsync(tooLong));
        // 255 ASCII bytes are fine, 255 chars that need 256 bytes in UTF-8 are not
        String tooLongInUtf8 = "é" + longest.substring(1);
        assertEquals(255, tooLongInUtf8.length());
        cmapError(CsError.NAME_TOO_LONG, () -> cmap.setUint32(tooLongInUtf8, 1));
        // the handle still works after all these refusals
        cmap.setUint32(key("after"), 1);
        assertEquals(1, cmap.getUint32(key("after")));
    }

    @Test
    void newKeysShorterThan3BytesOrWithCharactersCorosyncRefusesAreNameTooLong() {
        cmapError(CsError.NAME_TOO_LONG, () -> cmap.setUint8("ab", 1));
        cmapError(CsError.NAME_TOO_LONG, () -> cmap.setUint8("a", 1));
        cmapError(CsError.NAME_TOO_LONG, () -> cmap.setUint8("", 1));
        cmapError(CsError.NAME_TOO_LONG, () -> cmap.setUint8(key("with space"), 1));
        cmapError(CsError.NAME_TOO_LONG, () -> cmap.setUint8(key("klíč"), 1));
        cmapError(CsError.NAME_TOO_LONG, () -> cmap.setUint8(key("semi;colon"), 1));
        cmapError(CsError.NOT_EXIST, () -> cmap.get(key("with space")));
        // three bytes and every character corosync allows: letters, digits and . _ - / :
        String allowed = key("Az09._-/:");
        cmap.setUint8(allowed, 1);
        assertEquals(1, cmap.getUint8(allowed));
        cmap.setUint8("i3x", 3);
        try {
            assertEquals(3, cmap.getUint8("i3x"));
        } finally {
            cmap.delete("i3x");
        }
    }

    /** A key read from a CRLF file ends in an invisible carriage return: the message shows it. */
    @Test
    void errorMessagesShowAKeysInvisibleCharactersEscaped() {
        String typo = key("crlf") + "\r";
        CmapException refused = cmapError(CsError.NAME_TOO_LONG, () -> cmap.setUint8(typo, 1));
        assertTrue(refused.getMessage().startsWith("set(" + key("crlf") + "\\r): "), refused.getMessage());
        CmapException missing = Expect.asyncError(CsError.NOT_EXIST, () -> cmap.getAsync(typo + "\n"));
        assertTrue(missing.getMessage().startsWith("get(" + key("crlf") + "\\r\\n): "), missing.getMessage());
    }

    @Test
    void valuesUpToCorosyncsLimitAreStoredAndLargerOnesAreInvalidParam() {
        byte[] largest = Values.pattern(Values.MAX_VALUE_LENGTH);
        cmap.setBinary(key("bin"), largest);
        assertArrayEquals(largest, cmap.getBinary(key("bin")));
        cmapError(CsError.INVALID_PARAM, () -> cmap.setBinary(key("bin"), Values.pattern(Values.MAX_VALUE_LENGTH + 1)));
        assertArrayEquals(largest, cmap.getBinary(key("bin")), "a refused set leaves the value alone");
        cmapError(CsError.INVALID_PARAM, () -> cmap.setBinary(key("new"), new byte[Values.MAX_VALUE_LENGTH + 1]));
        cmapError(CsError.NOT_EXIST, () -> cmap.get(key("new")));

        // for strings the limit counts the bytes libcmap sends: the text without its NUL
        String longest = "x".repeat(Values.MAX_VALUE_LENGTH);
        cmap.setString(key("str"), longest);
        assertEquals(longest, cmap.getString(key("str")));
        cmapError(CsError.INVALID_PARAM, () -> cmap.setString(key("str"), longest + "x"));
        assertEquals(longest, cmap.getString(key("str")));
    }

    @Test
    void aValueThatDoesNotFitTheNegotiatedMessageSizeIsTooBigAsInLibcmap() {
        // libcmap's request of 296 + 1 MiB bytes exceeds the 1 MiB it negotiates: EMSGSIZE,
        // CS_ERR_TOO_BIG; jcmap's default of 512 KiB gives the same code
        cmapError(CsError.TOO_BIG, () -> cmap.setBinary(key("huge"), new byte[1024 * 1024]));
        cmapError(CsError.TOO_BIG, () -> cmap.setString(key("huge"), "x".repeat(1024 * 1024)));
        cmapError(CsError.NOT_EXIST, () -> cmap.get(key("huge")));
        cmap.setUint8(key("after"), 1);
        assertEquals(1, cmap.getUint8(key("after")), "the handle still works");
    }

    /**
     * A handle asking for 64 KiB messages cannot carry a value of 64 KiB to 1 MiB, which
     * libcmap's 1 MiB request carries and corosync refuses with INVALID_PARAM (it keeps 16 KiB at
     * most): jcmap refuses it with that code without sending it, and with TOO_BIG only past the
     * 1,048,280 bytes of value (1 MiB less the request's 296-byte fixed part) libcmap sends. The
     * default handle (512 KiB) does the same for what does not fit it, and a handle at libcmap's
     * size sends all of it and gets corosync's answer: the same codes from all three.
     */
    @Test
    void aValueTooLongForCorosyncIsInvalidParamWhetherItFitsOurMessagesOrNot() {
        String key = key("long");
        ConnectionStats stats = new ConnectionStats(open(CmapMap.STATS));
        ConnectionStats.Opened<CmapHandle> small = stats.open(() -> Cmap.initialize(options()
                .maxMessageSize(65_536).build()));
        ConnectionStats.Opened<CmapHandle> standard = stats.open(() -> Cmap.initialize(options().build()));
        ConnectionStats.Opened<CmapHandle> large = stats.open(() -> Cmap.initialize(options()
                .maxMessageSize(CmapOptions.LIBCMAP_MAX_MESSAGE_SIZE).build()));
        try (CmapHandle ours = small.value(); CmapHandle defaults = standard.value(); CmapHandle libcmaps = large.value()) {
            for (CmapHandle handle : List.of(ours, defaults, libcmaps)) {
                cmapError(CsError.INVALID_PARAM, () -> handle.setBinary(key, new byte[Values.MAX_VALUE_LENGTH + 1]));
                cmapError(CsError.INVALID_PARAM, () -> handle.setBinary(key, new byte[65_536]));
                cmapError(CsError.INVALID_PARAM, () -> handle.setString(key, "x".repeat(1_048_280)));
                cmapError(CsError.TOO_BIG, () -> handle.setBinary(key, new byte[1_048_281]));
            }
            // sent: the sets that fit the handle's messages; refused before sending: the others
            // (and every fourth)
            assertEquals(1, stats.requests(small.connection()), "requests from the 64 KiB handle");
            assertEquals(2, stats.requests(standard.connection()), "requests from the 512 KiB handle");
            assertEquals(3, stats.requests(large.connection()), "requests from the 1 MiB handle");
            cmapError(CsError.NOT_EXIST, () -> cmap.get(key));
            // libcmap refuses a name of 256 bytes or more before it looks at the value
            for (CmapHandle handle : List.of(ours, defaults, libcmaps)) {
                cmapError(CsError.NAME_TOO_LONG, () -> handle.setBinary("k".repeat(256), new byte[65_536]));
            }
        }
        // the stats map takes no values: corosync answers ACCESS for its read-only keys, every one
        // but stats.clear.*, before it looks at the value, as through libcmap (a review,
        // 2026-12-07: jcmap said TOO_BIG); a clear it would carry out: no claim, the message size's TOO_BIG
        try (CmapHandle stats64k = Cmap.initialize(CmapMap.STATS, options().maxMessageSize(65_536).build());
             CmapHandle statsDefault = Cmap.initialize(CmapMap.STATS, options().build())) {
            cmapError(CsError.TOO_BIG, () -> stats64k.setBinary("stats.clear.all", new byte[65_536]));
            cmapError(CsError.ACCESS, () -> stats64k.setBinary("stats.foo", new byte[65_536]));
            cmapError(CsError.ACCESS, () -> statsDefault.setBinary("stats.foo", new byte[100_000]));
            cmapError(CsError.ACCESS, () -> statsDefault.setBinary("stats.foo", new byte[600_000]));
            cmapError(CsError.TOO_BIG, () -> statsDefault.setBinary("stats.foo", new byte[1_048_281]));
        }
        // a value corosync would keep, too long for a handle's smallest messages: ACCESS too
        try (CmapHandle statsSmall = Cmap.initialize(CmapMap.STATS, options().maxMessageSize(CmapOptions.MIN_MAX_MESSAGE_SIZE).build())) {
            cmapError(CsError.ACCESS, () -> statsSmall.setBinary("stats.foo", new byte[14_000]));
            cmapError(CsError.TOO_BIG, () -> statsSmall.setBinary("stats.clear.all", new byte[14_000]));
        }
    }

    /**
     * libcmap's {@code cmap_get} with a buffer the size of the value takes one round trip. jcmap's
     * first get of a value it knows nothing of reserves 256 bytes, and a longer value takes a
     * second look; the handle then remembers the key and its value's length, and its next gets
     * take one until its value is short again or longer than remembered (corosync counts the
     * requests).
     */
    @Test
    void aLongValueTakesASecondLookOnlyTheFirstTime() {
        String key = key("long");
        byte[] longValue = Values.pattern(1024);
        byte[] shortValue = Values.pattern(16);
        cmap.setBinary(key, longValue);
        ConnectionStats stats = new ConnectionStats(open(CmapMap.STATS));
        ConnectionStats.Opened<CmapHandle> opened = stats.open(() -> Cmap.initialize(options().build()));
        try (CmapHandle reader = opened.value()) {
            assertArrayEquals(longValue, reader.getBinary(key));
            assertEquals(2, stats.requests(opened.connection()), "the first get of a long value");
            assertArrayEquals(longValue, reader.getBinary(key));
            assertEquals(CmapValue.binary(longValue), reader.get(key));
            assertEquals(4, stats.requests(opened.connection()), "two gets of a value known to be long");
            cmap.setBinary(key, shortValue);
            assertArrayEquals(shortValue, reader.getBinary(key));
            assertArrayEquals(shortValue, reader.getBinary(key));
            assertEquals(6, stats.requests(opened.connection()), "a value that turned short");
            cmap.setBinary(key, longValue);
            assertArrayEquals(longValue, reader.getBinary(key));
            assertEquals(8, stats.requests(opened.connection()), "long again: two looks, as at first");
            byte[] mine = reader.getBinary(key);
            mine[0] ^= 1;
            assertArrayEquals(longValue, reader.getBinary(key), "each get hands out an array of its own");
            assertEquals(10, stats.requests(opened.connection()));
            // the key reserves its value's length rounded up to a power of two (1 KiB), not more
            byte[] longer = Values.pattern(1025);
            cmap.setBinary(key, longer);
            assertArrayEquals(longer, reader.getBinary(key));
            assertEquals(12, stats.requests(opened.connection()), "grown past its key's 1 KiB: two looks");
            byte[] grownWithin = Values.pattern(2000);
            cmap.setBinary(key, grownWithin);
            assertArrayEquals(grownWithin, reader.getBinary(key));
            assertEquals(13, stats.requests(opened.connection()), "grown within its key's 2 KiB: one look");
        }
    }

    /**
     * getString and getBinary hand out the value they read, not a copy of a {@link CmapValue}:
     * a binary is copied once out of the answer, a text once out of it and once into its string.
     * Before, the record copied a binary again, and checked a long text by copying it twice more
     * (64 KB per get of 16,000 characters, 32 KB per get of 16,000 bytes). The least a get
     * allocated over several calls is taken: a call made before the JIT compiled the path
     * allocates what escape analysis later removes.
     */
    @Test
    void getStringAndGetBinaryOfALongValueCopyItOnlyOutOfTheAnswer() {
        int length = 16_000;
        String text = "a".repeat(length);
        byte[] bytes = Values.pattern(length);
        String textKey = key("text");
        String bytesKey = key("bytes");
        cmap.setString(textKey, text);
        cmap.setBinary(bytesKey, bytes);
        assertEquals(text, cmap.getString(textKey));
        assertArrayEquals(bytes, cmap.getBinary(bytesKey));
        long textBytes = leastAllocatedPerCall(() -> cmap.getString(textKey));
        long binaryBytes = leastAllocatedPerCall(() -> cmap.getBinary(bytesKey));
        assertAll(
                () -> assertTrue(textBytes < 2 * length + length / 4, "getString of 16,000 chars allocated " + textBytes),
                () -> assertTrue(binaryBytes < length + length / 4, "getBinary of 16,000 bytes allocated " + binaryBytes));
    }

    /** The fewest bytes the calling thread allocated in one of 200 calls (the reader of a sync call is its caller). */
    private static long leastAllocatedPerCall(Runnable call) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 200; i++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            call.run();
            least = Math.min(least, threads.getCurrentThreadAllocatedBytes() - before);
        }
        return least;
    }

    /**
     * Long values set one after the other go round the request ring many times, on a default
     * handle (a ring of 512 KiB) and on one at the smallest message size (a ring of 16 KiB, which
     * they go round every few sets), and each reads back as it was set. Over shared memory each
     * such set also warms the ring's free space for the next one: this is where a warm that
     * strayed into a chunk would show.
     */
    @Test
    void longValuesOneAfterTheOtherGoRoundTheRingAndReadBackAsSet() {
        String key = key("lap");
        try (CmapHandle small = Cmap.initialize(CmapMap.ICMAP,
                options().maxMessageSize(CmapOptions.MIN_MAX_MESSAGE_SIZE).build())) {
            setAndReadBack(cmap, key, 200, Values.MAX_VALUE_LENGTH);
            setAndReadBack(small, key, 100, 12_032);
        }
    }

    /** {@code count} sets of lengths between 1,000 and {@code longest} bytes, each read back at once. */
    private static void setAndReadBack(CmapHandle handle, String key, int count, int longest) {
        for (int i = 0; i < count; i++) {
            int length = 1_000 + (i * 7_919) % (longest - 1_000 + 1);
            byte[] value = Values.pattern(length);
            value[0] = (byte) i; // no two sets in a row alike
            handle.setBinary(key, value);
            assertArrayEquals(value, handle.getBinary(key), "set " + i + " of " + length + " bytes");
        }
    }

    /**
     * At the smallest message size a client may ask for (libqb's 12,328-byte answer to a connect),
     * corosync serves the connection, and a SET carries values of up to 12,032 bytes (the request's
     * value starts at byte 296).
     */
    @Test
    void theSmallestMessageSizeConnectsAndCarriesValuesThatFitIt() {
        String key = key("min");
        try (CmapHandle small = Cmap.initialize(CmapMap.ICMAP,
                options().maxMessageSize(CmapOptions.MIN_MAX_MESSAGE_SIZE).build())) {
            small.setBinary(key, Values.pattern(12_032));
            assertArrayEquals(Values.pattern(12_032), small.getBinary(key));
            assertArrayEquals(Values.pattern(12_032), cmap.getBinary(key), "read by a default handle");
            cmapError(CsError.TOO_BIG, () -> small.setBinary(key, Values.pattern(12_033)));
            assertArrayEquals(Values.pattern(12_032), small.getBinary(key), "the refused set changed nothing");
        }
    }

    @Test
    void readOnlyKeysAreAccessDenied() {
        String cluster = corosync.clusterName();
        cmapError(CsError.ACCESS, () -> cmap.setString("totem.cluster_name", "renamed"));
        cmapError(CsError.ACCESS, () -> cmap.delete("totem.cluster_name"));
        assertEquals(cluster, cmap.getString("totem.cluster_name"));
        cmapError(CsError.ACCESS, () -> cmap.setUint32("totem.version", 3));
        // whole prefixes are read-only: runtime.config., nodelist., system., internal_configuration.
        long token = cmap.getUint32("runtime.config.totem.token");
        cmapError(CsError.ACCESS, () -> cmap.inc("runtime.config.totem.token"));
        cmapError(CsError.ACCESS, () -> cmap.dec("runtime.config.totem.token"));
        cmapError(CsError.ACCESS, () -> cmap.setUint32("runtime.config.totem.token", 1));
        assertEquals(token, cmap.getUint32("runtime.config.totem.token"));
        cmapError(CsError.ACCESS, () -> cmap.setUint32("nodelist.it_new_key", 1));
        cmapError(CsError.NOT_EXIST, () -> cmap.get("nodelist.it_new_key"));
        cmapError(CsError.ACCESS, () -> cmap.setString("system.it_new_key", "x"));
        cmapError(CsError.ACCESS, () -> cmap.delete("internal_configuration.service.0.name"));
        Expect.asyncError(CsError.ACCESS, () -> cmap.setAsync("totem.cluster_name", CmapValue.string("x")));
        Expect.asyncError(CsError.ACCESS, () -> cmap.incAsync("runtime.config.totem.token"));
        Expect.asyncError(CsError.ACCESS, () -> cmap.deleteAsync("totem.cluster_name"));
        // the same keys are readable by the C tool with their old values
        assertEquals("totem.cluster_name (str) = " + cluster, CmapctlTool.getLine(corosync, "-g", "totem.cluster_name"));
    }

    @Test
    void deleteRemovesAKeyOfEveryType() {
        Map<CmapType, String> keys = oneKeyOfEachType();
        keys.values().forEach(cmap::delete);
        for (String key : keys.values()) {
            cmapError(CsError.NOT_EXIST, () -> cmap.get(key));
            cmapError(CsError.NOT_EXIST, () -> cmap.delete(key));
        }
        Expect.done(cmap.setAsync(key("async"), CmapValue.int8(1)));
        Expect.done(cmap.deleteAsync(key("async")));
        cmapError(CsError.NOT_EXIST, () -> cmap.get(key("async")));
    }

    @Test
    void setReplacesValueAndType() {
        String key = key("morphing");
        cmap.setInt32(key, 7);
        cmap.setString(key, "seven");
        assertEquals(CmapValue.string("seven"), cmap.get(key));
        cmap.setUint64(key, 7);
        assertEquals(CmapValue.uint64(7), cmap.get(key));
        cmap.setBinary(key, new byte[] {7});
        assertEquals(CmapValue.binary(new byte[] {7}), cmap.get(key));
    }

    /** An integer type, its minimum and maximum as stored values, and a small value. */
    record Wrap(CmapValue min, CmapValue max, CmapValue one, CmapValue two) {
        @Override
        public String toString() {
            return min.type().name();
        }
    }

    static Stream<Wrap> integerTypes() {
        return Stream.of(
                new Wrap(CmapValue.int8(Byte.MIN_VALUE), CmapValue.int8(Byte.MAX_VALUE), CmapValue.int8(1), CmapValue.int8(2)),
                new Wrap(CmapValue.uint8(0), CmapValue.uint8(255), CmapValue.uint8(1), CmapValue.uint8(2)),
                new Wrap(CmapValue.int16(Short.MIN_VALUE), CmapValue.int16(Short.MAX_VALUE), CmapValue.int16(1),
                        CmapValue.int16(2)),
                new Wrap(CmapValue.uint16(0), CmapValue.uint16(65535), CmapValue.uint16(1), CmapValue.uint16(2)),
                new Wrap(CmapValue.int32(Integer.MIN_VALUE), CmapValue.int32(Integer.MAX_VALUE), CmapValue.int32(1),
                        CmapValue.int32(2)),
                new Wrap(CmapValue.uint32(0), CmapValue.uint32(4294967295L), CmapValue.uint32(1), CmapValue.uint32(2)),
                new Wrap(CmapValue.int64(Long.MIN_VALUE), CmapValue.int64(Long.MAX_VALUE), CmapValue.int64(1),
                        CmapValue.int64(2)),
                new Wrap(CmapValue.uint64(0), CmapValue.uint64(-1L), CmapValue.uint64(1), CmapValue.uint64(2)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("integerTypes")
    void incAndDecStepByOneAndWrapAroundAsTheCTypeDoes(Wrap type) {
        String key = key("counter");
        cmap.set(key, type.one());
        cmap.inc(key);
        assertEquals(type.two(), cmap.get(key));
        cmap.dec(key);
        assertEquals(type.one(), cmap.get(key));

        cmap.set(key, type.max());
        cmap.inc(key);
        assertEquals(type.min(), cmap.get(key), "max + 1 wraps to min");
        cmap.dec(key);
        assertEquals(type.max(), cmap.get(key), "min - 1 wraps to max");

        Expect.done(cmap.incAsync(key));
        assertEquals(type.min(), cmap.get(key));
        Expect.done(cmap.decAsync(key));
        assertEquals(type.max(), cmap.get(key));
    }

    @Test
    void incAndDecOfNonIntegersAreInvalidParamAsCorosyncSays() {
        Map<String, CmapValue> values = Map.of("flt", CmapValue.float32(1.5f), "dbl", CmapValue.float64(1.5),
                "str", CmapValue.string("1"), "bin", CmapValue.binary(new byte[] {1}));
        values.forEach((suffix, value) -> {
            String key = key(suffix);
            cmap.set(key, value);
            cmapError(CsError.INVALID_PARAM, () -> cmap.inc(key));
            cmapError(CsError.INVALID_PARAM, () -> cmap.dec(key));
            Expect.asyncError(CsError.INVALID_PARAM, () -> cmap.incAsync(key));
            assertEquals(value, cmap.get(key), suffix + " is unchanged");
        });
    }

    @Test
    void contextBelongsToItsHandle() {
        assertNull(cmap.context());
        Object mine = new Object();
        cmap.setContext(mine);
        assertSame(mine, cmap.context());
        CmapHandle other = open();
        assertNull(other.context());
        other.setContext("other");
        assertSame(mine, cmap.context());
        assertEquals("other", other.context());
        cmap.setContext(null);
        assertNull(cmap.context());
        // the handle a callback gets carries the same context
        Object inCallback = new Object();
        cmap.setContext(inCallback);
        Object[] seen = new Object[1];
        String key = key("ctx");
        cmap.trackAdd(key, EnumSet.of(TrackEvent.ADD), (handle, n) -> seen[0] = handle.context());
        cmap.setUint8(key, 1);
        Await.dispatchUntil(cmap, () -> seen[0] != null, TIMEOUT, () -> "the ADD of " + key + " is dispatched");
        assertSame(inCallback, seen[0]);
    }

    /**
     * {@code initialize(options)} is {@code cmap_initialize}: corosync receives no request until the
     * application makes one; {@code initialize(ICMAP, options)} selects the map with one.
     */
    @Test
    void initializeWithOptionsSelectsNoMapAndInitializeMapDoes() {
        ConnectionStats stats = new ConnectionStats(open(CmapMap.STATS));
        ConnectionStats.Opened<CmapHandle> plain = stats.open(() -> Cmap.initialize(options().build()));
        ConnectionStats.Opened<CmapHandle> selecting = stats.open(() -> Cmap.initialize(CmapMap.ICMAP,
                options().build()));
        try (CmapHandle handle = plain.value(); CmapHandle other = selecting.value()) {
            assertEquals(0, stats.requests(plain.connection()), "initialize(options) sent a request");
            assertEquals(1, stats.requests(selecting.connection()), "initialize(ICMAP, options) selects the map");
            assertEquals(CmapMap.ICMAP, handle.map());
            assertEquals(corosync.clusterName(), handle.getString("totem.cluster_name"));
            assertEquals(1, stats.requests(plain.connection()));
        }
        cmapError(CsError.INVALID_PARAM, () -> Cmap.initialize((CmapOptions) null));
    }

    @Test
    void aHandleReportsTheMapItWasOpenedFor() {
        assertEquals(CmapMap.ICMAP, cmap.map());
        assertEquals(CmapMap.STATS, open(CmapMap.STATS).map());
        assertEquals(CmapMap.ICMAP, open(CmapMap.ICMAP).map());
        Consumer<CmapHandle> worksOnIcmap = handle -> assertEquals(corosync.clusterName(),
                handle.getString("totem.cluster_name"));
        worksOnIcmap.accept(cmap);
        worksOnIcmap.accept(open(CmapMap.ICMAP));
        cmapError(CsError.NOT_EXIST, () -> open(CmapMap.STATS).get("totem.cluster_name"));
    }
}
