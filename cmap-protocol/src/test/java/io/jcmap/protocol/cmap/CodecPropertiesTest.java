package io.jcmap.protocol.cmap;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Fuzzing of every decoder and encode/decode round trips. */
class CodecPropertiesTest {
    private static final int[] HEADER_ONLY_IDS = {0, 1, 3, 6, 10};
    private static final int[] TYPE_LENGTHS = {0, 1, 1, 2, 2, 4, 4, 8, 8, 4, 8, -1, -1};

    // ---- robustness ---------------------------------------------------------------------

    /** Runs every decoder and every accessor; only CodecException may come out of any of them. */
    private static void decodeEverything(MemorySegment msg, long length) {
        attempt(() -> {
            ResponseHeader h = new ResponseHeader().wrap(msg, length);
            h.id();
            h.size();
            h.error();
        });
        for (int id : HEADER_ONLY_IDS) {
            attempt(() -> StatusResponse.decode(msg, length, id));
        }
        IterInitResponse init = new IterInitResponse();
        attempt(() -> init.wrap(msg, length).iterHandle());
        attempt(init::error);
        TrackAddResponse added = new TrackAddResponse();
        attempt(() -> added.wrap(msg, length).trackHandle());
        attempt(added::error);
        TrackDeleteResponse deleted = new TrackDeleteResponse();
        attempt(() -> deleted.wrap(msg, length).trackInstHandle());
        attempt(deleted::error);
        GetResponse get = new GetResponse();
        attempt(() -> get.wrap(msg, length).error());
        attempt(get::type);
        attempt(get::valueLength);
        attempt(get::valueAreaLength);
        attempt(get::valueIncluded);
        attempt(() -> get.value().toArray(JAVA_BYTE));
        IterNextResponse next = new IterNextResponse();
        attempt(() -> next.wrap(msg, length).toResult());
        attempt(next::error);
        attempt(next::keyNameLength);
        attempt(next::keyName);
        attempt(next::valueLength);
        attempt(next::type);
        NotifyCallback notify = new NotifyCallback();
        attempt(() -> notify.wrap(msg, length).toEvent());
        // each accessor on its own, as the client's dispatch reads them
        attempt(notify::trackInstHandle);
        attempt(notify::event);
        attempt(notify::keyNameLength);
        attempt(notify::keyName);
        attempt(notify::newValueType);
        attempt(notify::oldValueType);
        attempt(notify::newValueLength);
        attempt(notify::oldValueLength);
        attempt(() -> notify.newValue().toArray(JAVA_BYTE));
        attempt(() -> notify.oldValue().toArray(JAVA_BYTE));
        attempt(() -> NotifyCallback.decode(msg, length));
    }

    private static void attempt(Runnable decoding) {
        try {
            decoding.run();
        } catch (CodecException expected) {
            assertTrue(expected.getMessage() != null && !expected.getMessage().isEmpty());
        }
    }

    @Property(tries = 2000, shrinking = net.jqwik.api.ShrinkingMode.OFF)
    void randomBytesOnlyFailWithCodecException(@ForAll @Size(max = 700) byte[] bytes,
                                               @ForAll @IntRange(min = -4, max = 704) int length) {
        decodeEverything(MemorySegment.ofArray(bytes), length);
    }

    @Property(tries = 2000, shrinking = net.jqwik.api.ShrinkingMode.OFF)
    void randomBodiesBehindPlausibleHeadersOnlyFailWithCodecException(
            @ForAll @Size(min = 24, max = 700) byte[] bytes, @ForAll @IntRange(min = 0, max = 10) int id,
            @ForAll @IntRange(min = 0, max = 30) int error) {
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(0, id).putInt(8, bytes.length).putInt(16, error);
        decodeEverything(MemorySegment.ofArray(bytes), bytes.length);
    }

    @Property(tries = 3000, shrinking = net.jqwik.api.ShrinkingMode.OFF)
    void mutatedValidMessagesOnlyFailWithCodecException(
            @ForAll("validResponses") byte[] valid,
            @ForAll @Size(max = 4) List<@IntRange(min = 0, max = 400) Integer> positions,
            @ForAll @Size(min = 4, max = 4) List<Byte> values,
            @ForAll @IntRange(min = -40, max = 40) int lengthDelta,
            @ForAll boolean fixSizeField) {
        int length = Math.max(0, valid.length + lengthDelta);
        byte[] msg = Arrays.copyOf(valid, Math.max(length, 1));
        for (int i = 0; i < positions.size(); i++) {
            msg[positions.get(i) % msg.length] = values.get(i);
        }
        if (fixSizeField && length >= 16) {
            ByteBuffer.wrap(msg).order(ByteOrder.LITTLE_ENDIAN).putInt(8, length);
        }
        decodeEverything(MemorySegment.ofArray(msg), length);
    }

    /** Length fields of a valid notification or GET answer replaced by absurd, off-by-one and boundary values. */
    @Property(tries = 2000, shrinking = net.jqwik.api.ShrinkingMode.OFF)
    void validMessagesWithHostileLengthFieldsOnlyFailWithCodecException(
            @ForAll("validResponses") byte[] valid,
            @ForAll("lengthFieldOffsets") int offset,
            @ForAll("hostileLengths") long value) {
        byte[] msg = valid.clone();
        if (offset + Long.BYTES <= msg.length) {
            ByteBuffer.wrap(msg).order(ByteOrder.LITTLE_ENDIAN).putLong(offset, value);
        }
        decodeEverything(MemorySegment.ofArray(msg), msg.length);
    }

    @Provide
    Arbitrary<Integer> lengthFieldOffsets() {
        // the header's size; GET value_len; iter_next value_len; the key name's length word;
        // the notification's new and old value lengths
        return Arbitraries.of(8, 24, 32, 288, 320, 328);
    }

    @Provide
    Arbitrary<Long> hostileLengths() {
        return Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(-2, 1100),
                Arbitraries.of(Long.MAX_VALUE, Long.MIN_VALUE, 0xFFFF_FFFFL, 1L << 32, 256L, 255L, 65536L));
    }

    @Provide
    Arbitrary<byte[]> validResponses() {
        return Arbitraries.oneOf(
                Arbitraries.of(HEADER_ONLY_IDS[0], HEADER_ONLY_IDS[1], HEADER_ONLY_IDS[2],
                        HEADER_ONLY_IDS[3], HEADER_ONLY_IDS[4]).map(id -> Wire.response(24, id, 1).array()),
                Arbitraries.of(4, 7, 8).map(id -> Wire.response(32, id, 1).i64(24, 77).array()),
                getResponses().map(t -> t.get2()),
                iterNextResults().map(CodecPropertiesTest::iterNextMessage),
                notifyEvents().map(CodecPropertiesTest::notifyMessage));
    }

    // ---- request round trips ------------------------------------------------------------

    @Property(tries = 500, shrinking = net.jqwik.api.ShrinkingMode.OFF)
    void setRoundTrip(@ForAll("keys") String key, @ForAll("typedValues") Tuple2<Integer, byte[]> typed) {
        MemorySegment dst = MemorySegment.ofArray(new byte[70_000]);
        int length = CmapRequests.set(dst, key, typed.get1(), MemorySegment.ofArray(typed.get2()));
        ByteBuffer b = parsed(dst, length);
        assertEquals(CmapRequestId.SET, b.getInt(0));
        assertEquals(296 + typed.get2().length, b.getInt(8));
        assertEquals(key, nameAt(b, 16));
        assertEquals(typed.get2().length, b.getLong(280));
        assertEquals((int) typed.get1(), b.get(288));
        assertArrayEquals(typed.get2(), Arrays.copyOfRange(b.array(), 296, length));
    }

    @Property(tries = 300, shrinking = net.jqwik.api.ShrinkingMode.OFF)
    void keyRequestsRoundTrip(@ForAll("keys") String key, @ForAll long number, @ForAll int step) {
        MemorySegment dst = MemorySegment.ofArray(new byte[512]);
        long requested = number & 0x7FFF_FFF;
        checkKeyed(dst, CmapRequests.delete(dst, key), CmapRequestId.DELETE, 280, key, b -> { });
        checkKeyed(dst, CmapRequests.get(dst, key, requested), CmapRequestId.GET, 288, key,
                b -> assertEquals(requested, b.getLong(280)));
        checkKeyed(dst, CmapRequests.adjustInt(dst, key, step), CmapRequestId.ADJUST_INT, 288, key,
                b -> assertEquals(step, b.getInt(280)));
        checkKeyed(dst, CmapRequests.iterInit(dst, key), CmapRequestId.ITER_INIT, 280, key, b -> { });
        checkKeyed(dst, CmapRequests.trackAdd(dst, key, step, number), CmapRequestId.TRACK_ADD, 296, key, b -> {
            assertEquals(step, b.getInt(280));
            assertEquals(number, b.getLong(288));
        });
    }

    @Property(tries = 200, shrinking = net.jqwik.api.ShrinkingMode.OFF)
    void handleRequestsRoundTrip(@ForAll long handle, @ForAll int map) {
        MemorySegment dst = MemorySegment.ofArray(new byte[24]);
        assertEquals(handle, parsed(dst, CmapRequests.iterNext(dst, handle)).getLong(16));
        assertEquals(handle, parsed(dst, CmapRequests.iterFinalize(dst, handle)).getLong(16));
        assertEquals(handle, parsed(dst, CmapRequests.trackDelete(dst, handle)).getLong(16));
        assertEquals(map, parsed(dst, CmapRequests.setCurrentMap(dst, map)).getInt(16));
    }

    private static void checkKeyed(MemorySegment dst, int length, int id, int expectedLength, String key,
                                   Consumer<ByteBuffer> body) {
        assertEquals(expectedLength, length);
        ByteBuffer b = parsed(dst, length);
        assertEquals(id, b.getInt(0));
        assertEquals(length, b.getInt(8));
        assertEquals(key, nameAt(b, 16));
        body.accept(b);
    }

    private static ByteBuffer parsed(MemorySegment dst, int length) {
        return ByteBuffer.wrap(dst.asSlice(0, length).toArray(JAVA_BYTE)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Reads a mar_name_t as the server does, checking the NUL padding up to 256 bytes. */
    private static String nameAt(ByteBuffer b, int offset) {
        int length = Short.toUnsignedInt(b.getShort(offset));
        for (int i = offset + 8 + length; i < offset + 8 + 256; i++) {
            assertEquals(0, b.get(i), "name padding at " + i);
        }
        return new String(b.array(), offset + 8, length, StandardCharsets.UTF_8);
    }

    // ---- response round trips -----------------------------------------------------------

    @Property(tries = 500, shrinking = net.jqwik.api.ShrinkingMode.OFF)
    void getResponseRoundTrip(@ForAll("getResponses") Tuple2<byte[], byte[]> valueAndMessage) {
        byte[] value = valueAndMessage.get1();
        byte[] msg = valueAndMessage.get2();
        GetResponse r = new GetResponse().wrap(MemorySegment.ofArray(msg), msg.length);
        assertEquals(CsCode.OK, r.error());
        assertEquals(value.length, r.valueLength());
        assertEquals(msg.length - 40, r.valueAreaLength());
        assertArrayEquals(value, r.value().toArray(JAVA_BYTE));
    }

    @Property(tries = 500, shrinking = net.jqwik.api.ShrinkingMode.OFF)
    void iterNextRoundTrip(@ForAll("iterNextResults") IterNextResult result) {
        byte[] msg = iterNextMessage(result);
        assertEquals(result, new IterNextResponse().wrap(MemorySegment.ofArray(msg), msg.length).toResult());
    }

    @Property(tries = 500, shrinking = net.jqwik.api.ShrinkingMode.OFF)
    void notifyRoundTrip(@ForAll("notifyEvents") NotifyEvent event) {
        byte[] msg = notifyMessage(event);
        assertEquals(event, NotifyCallback.decode(MemorySegment.ofArray(msg), msg.length));
    }

    @Property(tries = 200, shrinking = net.jqwik.api.ShrinkingMode.OFF)
    void handleResponsesRoundTrip(@ForAll long handle) {
        MemorySegment iter = Wire.response(32, 4, 1).i64(24, handle).segment();
        MemorySegment add = Wire.response(32, 7, 1).i64(24, handle).segment();
        MemorySegment del = Wire.response(32, 8, 1).i64(24, handle).segment();
        assertEquals(handle, new IterInitResponse().wrap(iter, 32).iterHandle());
        assertEquals(handle, new TrackAddResponse().wrap(add, 32).trackHandle());
        assertEquals(handle, new TrackDeleteResponse().wrap(del, 32).trackInstHandle());
    }

    // ---- generators ---------------------------------------------------------------------

    @Provide
    Arbitrary<String> keys() {
        Arbitrary<String> ascii = Arbitraries.strings().withCharRange('a', 'z').withChars("._-/:0123456789")
                .ofMinLength(3).ofMaxLength(255);
        Arbitrary<String> any = Arbitraries.strings().all().excludeChars('\0').ofMinLength(1).ofMaxLength(120)
                .filter(CodecPropertiesTest::encodable)
                .filter(s -> utf8Length(s) >= 3 && utf8Length(s) <= 255);
        return Arbitraries.oneOf(ascii, any);
    }

    @Provide
    Arbitrary<Tuple2<Integer, byte[]>> typedValues() {
        return Arbitraries.integers().between(1, 12).flatMap(type -> {
            int fixed = TYPE_LENGTHS[type];
            Arbitrary<byte[]> bytes = fixed >= 0
                    ? Arbitraries.bytes().array(byte[].class).ofSize(fixed)
                    : Arbitraries.bytes().array(byte[].class).ofMaxSize(2000);
            if (type == CmapValueType.STRING) {
                bytes = Arbitraries.strings().withCharRange('!', '~').ofMaxLength(2000)
                        .map(s -> s.getBytes(StandardCharsets.US_ASCII));
            }
            return bytes.map(b -> Tuple.of(type, b));
        });
    }

    /** (value, message) pairs: the value inside a value area at least as large. */
    @Provide
    Arbitrary<Tuple2<byte[], byte[]>> getResponses() {
        Arbitrary<byte[]> values = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(300);
        Arbitrary<Integer> slack = Arbitraries.integers().between(0, 64);
        Arbitrary<Integer> types = Arbitraries.integers().between(1, 12);
        return Combinators.combine(values, slack, types).as((value, extra, type) -> {
            int size = 40 + value.length + extra;
            byte[] msg = Wire.response(size, 2, 1).i64(24, value.length).u8(32, type).bytes(40, value).array();
            return Tuple.of(value, msg);
        });
    }

    @Provide
    Arbitrary<IterNextResult> iterNextResults() {
        return Combinators.combine(keys(), Arbitraries.longs().between(0, 1 << 20), Arbitraries.integers().between(1, 12))
                .as(IterNextResult::new);
    }

    @Provide
    Arbitrary<NotifyEvent> notifyEvents() {
        Arbitrary<byte[]> values = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
        Arbitrary<Integer> types = Arbitraries.integers().between(0, 12);
        return Combinators.combine(Arbitraries.longs(), keys(), Arbitraries.of(1, 2, 4), types, values, types, values)
                .as((inst, key, event, newType, newValue, oldType, oldValue) -> new NotifyEvent(inst, key, event,
                        newType, newType == 0 ? new byte[0] : newValue,
                        oldType, oldType == 0 ? new byte[0] : oldValue));
    }

    private static byte[] iterNextMessage(IterNextResult r) {
        return Wire.response(304, 5, 1).name(24, r.keyName()).i64(288, r.valueLength()).u8(296, r.type()).array();
    }

    private static byte[] notifyMessage(NotifyEvent e) {
        byte[] newV = e.newValue();
        byte[] oldV = e.oldValue();
        return Wire.response(336 + newV.length + oldV.length, 9, 1)
                .i64(24, e.trackInstHandle()).name(32, e.keyName()).i32(296, e.event())
                .u8(304, e.newType()).u8(312, e.oldType()).i64(320, newV.length).i64(328, oldV.length)
                .bytes(336, newV).bytes(336 + newV.length, oldV).array();
    }

    private static boolean encodable(String s) {
        try {
            StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(s));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
