package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.protocol.cmap.CodecException;
import io.jcmap.protocol.cmap.GetResponse;
import io.jcmap.protocol.cmap.NotifyCallback;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Fuzzing of the client's half of decoding what the server sends: value bytes of GET answers
 * and notifications ({@link CmapValue#decode}, {@link CmapValue#decodeNullable}) and event
 * numbers ({@link TrackEvent#ofEvent}), fed as dispatch and get feed them from the protocol's
 * flyweights. Only {@link CodecException} (turned into a CmapException by the handle) and
 * {@link CmapException} may escape. The protocol's own decoders are fuzzed in cmap-protocol.
 */
class ServerDataDecodingPropertiesTest {
    private static final int NOTIFY_ID = 9;
    private static final int GET_ID = 2;

    @Property(tries = 3000, shrinking = ShrinkingMode.OFF)
    void valueBytesOfAnyTypeAndLengthOnlyFailWithMessageError(@ForAll @IntRange(min = -2, max = 20) int type,
                                                               @ForAll @Size(max = 64) byte[] bytes,
                                                               @ForAll @IntRange(min = -4, max = 70) int offset,
                                                               @ForAll("lengths") long length) {
        MemorySegment src = MemorySegment.ofArray(bytes);
        try {
            CmapValue.decode(type, src, offset, length);
            assertTrue(offset >= 0 && offset + length <= bytes.length, "decoded only inside the source");
        } catch (CmapException e) {
            assertEquals(CsError.MESSAGE_ERROR, e.error(), e::getMessage);
        }
        try {
            CmapValue.decodeNullable(type, src, offset, length);
        } catch (CmapException e) {
            assertEquals(CsError.MESSAGE_ERROR, e.error(), e::getMessage);
        }
    }

    @Provide
    Arbitrary<Long> lengths() {
        return Arbitraries.oneOf(Arbitraries.longs().between(-2, 70),
                Arbitraries.of(Long.MAX_VALUE, Long.MIN_VALUE, 1L << 32, 0xFFFF_FFFFL));
    }

    @Property(tries = 3000, shrinking = ShrinkingMode.OFF)
    void mutatedNotificationsOnlyFailWithCodecOrCmapException(
            @ForAll @IntRange(min = 0, max = 12) int newType, @ForAll @Size(max = 40) byte[] newValue,
            @ForAll @IntRange(min = 0, max = 12) int oldType, @ForAll @Size(max = 40) byte[] oldValue,
            @ForAll @IntRange(min = 0, max = 8) int event,
            @ForAll @Size(max = 4) List<@IntRange(min = 0, max = 420) Integer> positions,
            @ForAll @Size(min = 4, max = 4) List<Byte> values) {
        byte[] msg = notification(newType, newValue, oldType, oldValue, event);
        mutate(msg, positions, values);
        MemorySegment segment = MemorySegment.ofArray(msg);
        try {
            // what dispatch does with an event
            NotifyCallback notify = new NotifyCallback().wrap(segment, msg.length);
            notify.trackInstHandle();
            CmapNotification n = new CmapNotification(1, TrackEvent.ofEvent(notify.event()), notify.keyName(),
                    CmapValue.decodeNullable(notify.newValueType(), notify.newValue(), 0, notify.newValueLength()),
                    CmapValue.decodeNullable(notify.oldValueType(), notify.oldValue(), 0, notify.oldValueLength()));
            assertTrue(n.event() != TrackEvent.PREFIX);
        } catch (CodecException | CmapException expected) {
            assertTrue(expected.getMessage() != null && !expected.getMessage().isEmpty());
        }
    }

    @Property(tries = 2000, shrinking = ShrinkingMode.OFF)
    void mutatedGetAnswersOnlyFailWithCodecOrCmapException(
            @ForAll @IntRange(min = 0, max = 14) int type, @ForAll @Size(max = 60) byte[] value,
            @ForAll @IntRange(min = 0, max = 16) int slack,
            @ForAll @Size(max = 4) List<@IntRange(min = 0, max = 120) Integer> positions,
            @ForAll @Size(min = 4, max = 4) List<Byte> values) {
        int size = 40 + value.length + slack;
        ByteBuffer b = header(size, GET_ID);
        b.putLong(24, value.length).put(32, (byte) type).put(40, value);
        byte[] msg = b.array();
        mutate(msg, positions, values);
        try {
            // what get does with an answer
            GetResponse get = new GetResponse().wrap(MemorySegment.ofArray(msg), msg.length);
            if (get.error() == 0 && get.valueIncluded()) {
                CmapValue.decode(get.type(), get.value(), 0, get.valueLength());
            }
        } catch (CodecException | CmapException expected) {
            assertTrue(expected.getMessage() != null && !expected.getMessage().isEmpty());
        }
    }

    private static void mutate(byte[] msg, List<Integer> positions, List<Byte> values) {
        for (int i = 0; i < positions.size(); i++) {
            msg[positions.get(i) % msg.length] = values.get(i);
        }
    }

    private static ByteBuffer header(int size, int id) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        return b.putInt(0, id).putInt(8, size).putInt(16, 0); // error 0: the OK answer before mutation
    }

    /** cmap's NOTIFY_CALLBACK: inst @24, name @32 (+8), event @296, types @304/@312, lengths @320/@328, values @336. */
    private static byte[] notification(int newType, byte[] newValue, int oldType, byte[] oldValue, int event) {
        byte[] key = "rel.fuzz.key".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = header(336 + newValue.length + oldValue.length, NOTIFY_ID);
        b.putLong(24, 1).putShort(32, (short) key.length).put(40, key).putInt(296, event)
                .put(304, (byte) newType).put(312, (byte) oldType).putLong(320, newValue.length)
                .putLong(328, oldValue.length).put(336, newValue).put(336 + newValue.length, oldValue);
        return b.array();
    }
}
