package io.jcmap.protocol.it;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.cmap.CmapMap;
import io.jcmap.protocol.cmap.CmapRequests;
import io.jcmap.protocol.cmap.CmapResponseId;
import io.jcmap.protocol.cmap.CmapTrackType;
import io.jcmap.protocol.cmap.CmapValueType;
import io.jcmap.protocol.cmap.CodecException;
import io.jcmap.protocol.cmap.CsCode;
import io.jcmap.protocol.cmap.GetResponse;
import io.jcmap.protocol.cmap.IterInitResponse;
import io.jcmap.protocol.cmap.IterNextResponse;
import io.jcmap.protocol.cmap.NotifyCallback;
import io.jcmap.protocol.cmap.NotifyEvent;
import io.jcmap.protocol.cmap.StatusResponse;
import io.jcmap.protocol.cmap.TrackAddResponse;
import io.jcmap.protocol.cmap.TrackDeleteResponse;
import io.jcmap.protocol.ipc.TransportType;
import io.jcmap.protocol.os.Errno;
import io.jcmap.testkit.Corosync;
import io.jcmap.testkit.IpcType;
import io.jcmap.testkit.ProcessResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A raw round trip of every CMAP message type against a real corosync, driving the codec and
 * the IPC connection directly, and checked against the real corosync-cmapctl where it can see
 * the result. Subclasses choose the IPC type.
 */
@Tag("integration")
@Timeout(60)
abstract class RawCmapScenarios {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private Corosync corosync;
    private RawCmap raw;
    private String prefix;
    private final Arena arena = Arena.ofShared();
    private final GetResponse get = new GetResponse();

    abstract IpcType ipcType();

    @BeforeEach
    void connect(Corosync instance, TestInfo info) {
        corosync = instance;
        prefix = "rawit." + info.getTestMethod().orElseThrow().getName() + "." + SEQUENCE.incrementAndGet();
        raw = RawCmap.connect();
    }

    @AfterEach
    void close() {
        raw.close();
        arena.close();
    }

    private String key(String suffix) {
        return prefix + "." + suffix;
    }

    private MemorySegment bytes(byte[] value) {
        MemorySegment segment = arena.allocate(Math.max(1, value.length));
        MemorySegment.copy(value, 0, segment, JAVA_BYTE, 0, value.length);
        return segment.asSlice(0, value.length);
    }

    private int set(String key, int type, MemorySegment value) {
        int length = raw.call(dst -> CmapRequests.set(dst, key, type, value));
        return StatusResponse.decode(raw.response(), length, CmapResponseId.SET);
    }

    private GetResponse get(String key, long reserve) {
        int length = raw.call(dst -> CmapRequests.get(dst, key, reserve));
        return get.wrap(raw.response(), length);
    }

    private String cmapctl(String... args) {
        ProcessResult result = corosync.cmapctl(args);
        assertTrue(result.succeeded(), () -> "corosync-cmapctl failed: " + result);
        return result.stdout().strip();
    }

    @Test
    void theHandshakeChoseTheConfiguredTransport() {
        TransportType expected = ipcType() == IpcType.SHM ? TransportType.SHM : TransportType.SOCKET;
        assertEquals(expected, raw.connection().info().type());
        assertTrue(raw.connection().maxMessageSize() >= 1024 * 1024, "at least the 1 MiB asked for");
        assertEquals(corosync.pid(), raw.connection().info().server().pid(), "the kernel names corosync as the peer");
    }

    @Test
    void setOfEveryFixedTypeIsReadByCmapctlAsJavaWroteIt() {
        record Case(String suffix, int type, MemorySegment value, String cmapctl) {
        }
        MemorySegment i8 = arena.allocate(1).fill((byte) -128);
        MemorySegment u16 = arena.allocate(2);
        u16.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) 0xffff);
        MemorySegment i32 = arena.allocate(4);
        i32.set(JAVA_INT_UNALIGNED, 0, Integer.MIN_VALUE);
        MemorySegment u64 = arena.allocate(8);
        u64.set(JAVA_LONG_UNALIGNED, 0, -1L);
        MemorySegment flt = arena.allocate(4);
        flt.set(JAVA_FLOAT_UNALIGNED, 0, Float.NEGATIVE_INFINITY);
        MemorySegment dbl = arena.allocate(8);
        dbl.set(JAVA_DOUBLE_UNALIGNED, 0, Double.NaN);
        MemorySegment str = bytes("hello\0".getBytes(StandardCharsets.US_ASCII));
        List<Case> cases = List.of(
                new Case("i8", CmapValueType.INT8, i8, "(i8) = -128"),
                new Case("u16", CmapValueType.UINT16, u16, "(u16) = 65535"),
                new Case("i32", CmapValueType.INT32, i32, "(i32) = -2147483648"),
                new Case("u64", CmapValueType.UINT64, u64, "(u64) = 18446744073709551615"),
                new Case("flt", CmapValueType.FLOAT, flt, "(flt) = -inf"),
                new Case("dbl", CmapValueType.DOUBLE, dbl, "(dbl) = nan"),
                new Case("str", CmapValueType.STRING, str, "(str) = hello"));
        for (Case c : cases) {
            assertEquals(CsCode.OK, set(key(c.suffix()), c.type(), c.value()), c.suffix());
            assertEquals(key(c.suffix()) + " " + c.cmapctl(), cmapctl("-g", key(c.suffix())), c.suffix());
        }
    }

    @Test
    void getReadsWhatCmapctlSetIncludingBinaryWithNuls() {
        cmapctl("-s", key("u32"), "u32", "4294967295");
        GetResponse answer = get(key("u32"), 8);
        assertEquals(CsCode.OK, answer.error());
        assertEquals(CmapValueType.UINT32, answer.type());
        assertEquals(4, answer.valueLength());
        assertEquals(-1, answer.value().get(JAVA_INT_UNALIGNED, 0));

        byte[] binary = {0, 1, 0, (byte) 0xff, 0, '\\', 0};
        assertEquals(CsCode.OK, set(key("bin"), CmapValueType.BINARY, bytes(binary)));
        // corosync-cmapctl -b prints printable bytes as is, a backslash doubled, others as %02X of a char
        assertEquals(key("bin") + " (bin) = \\x00\\x01\\x00\\xFFFFFFFF\\x00\\\\\\x00", cmapctl("-b", "-g", key("bin")),
                "corosync-cmapctl reads the bytes Java wrote, NULs included");

        // a length query (reserve 0), then the whole value, as libcmap does
        GetResponse query = get(key("bin"), 0);
        assertEquals(CsCode.OK, query.error());
        assertEquals(binary.length, query.valueLength());
        assertFalse(query.valueIncluded());
        GetResponse whole = get(key("bin"), binary.length);
        assertTrue(whole.valueIncluded());
        assertArrayEquals(binary, whole.value().toArray(JAVA_BYTE));

        assertEquals(CsCode.NOT_EXIST, get(key("absent"), 8).error());
    }

    @Test
    void aKeyNameOf255BytesRoundTripsAndCmapctlSeesIt() {
        String name = prefix + "." + "k".repeat(255 - prefix.length() - 1);
        assertEquals(255, name.length());
        MemorySegment value = arena.allocate(1).fill((byte) 7);
        assertEquals(CsCode.OK, set(name, CmapValueType.UINT8, value));
        assertEquals(name + " (u8) = 7", cmapctl("-g", name));
        assertEquals(7, get(name, 1).value().get(JAVA_BYTE, 0));
        // 256 bytes never leave the client
        CodecException tooLong = assertThrows(CodecException.class,
                () -> raw.send(dst -> CmapRequests.get(dst, name + "x", 0)));
        assertEquals(CsCode.NAME_TOO_LONG, tooLong.csError());
    }

    @Test
    void deleteRemovesAKeyCmapctlThenNoLongerFinds() {
        cmapctl("-s", key("gone"), "str", "soon");
        int length = raw.call(dst -> CmapRequests.delete(dst, key("gone")));
        assertEquals(CsCode.OK, StatusResponse.decode(raw.response(), length, CmapResponseId.DELETE));
        ProcessResult after = corosync.cmapctl("-g", key("gone"));
        assertNotEquals(0, after.exitCode(), "corosync-cmapctl finds no key: " + after);
        length = raw.call(dst -> CmapRequests.delete(dst, key("gone")));
        assertEquals(CsCode.NOT_EXIST, StatusResponse.decode(raw.response(), length, CmapResponseId.DELETE));
    }

    @Test
    void adjustIntStepsAndWrapsAsCmapctlShows() {
        cmapctl("-s", key("n"), "u8", "254");
        for (int step : new int[] {1, 1}) {
            int length = raw.call(dst -> CmapRequests.adjustInt(dst, key("n"), step));
            assertEquals(CsCode.OK, StatusResponse.decode(raw.response(), length, CmapResponseId.ADJUST_INT));
        }
        assertEquals(key("n") + " (u8) = 0", cmapctl("-g", key("n")), "254 + 1 + 1 wraps to 0");
        int length = raw.call(dst -> CmapRequests.adjustInt(dst, key("n"), -1));
        assertEquals(CsCode.OK, StatusResponse.decode(raw.response(), length, CmapResponseId.ADJUST_INT));
        assertEquals(key("n") + " (u8) = 255", cmapctl("-g", key("n")));

        cmapctl("-s", key("s"), "str", "text");
        length = raw.call(dst -> CmapRequests.adjustInt(dst, key("s"), 1));
        assertEquals(CsCode.INVALID_PARAM, StatusResponse.decode(raw.response(), length, CmapResponseId.ADJUST_INT));
    }

    @Test
    void iterationListsWhatCmapctlListsInTheSameOrder() {
        for (String k : new String[] {"b", "a", "c.d"}) {
            cmapctl("-s", "--", key(k), "i16", "-7");
        }
        int length = raw.call(dst -> CmapRequests.iterInit(dst, prefix + "."));
        IterInitResponse init = new IterInitResponse().wrap(raw.response(), length);
        assertEquals(CsCode.OK, init.error());
        long handle = init.iterHandle();
        List<String> listed = new ArrayList<>();
        IterNextResponse next = new IterNextResponse();
        while (true) {
            int n = raw.call(dst -> CmapRequests.iterNext(dst, handle));
            next.wrap(raw.response(), n);
            if (next.error() == CsCode.NO_SECTIONS) {
                break;
            }
            assertEquals(CsCode.OK, next.error());
            assertEquals(CmapValueType.INT16, next.type());
            assertEquals(2, next.valueLength());
            listed.add(next.keyName());
        }
        length = raw.call(dst -> CmapRequests.iterFinalize(dst, handle));
        assertEquals(CsCode.OK, StatusResponse.decode(raw.response(), length, CmapResponseId.ITER_FINALIZE));
        assertEquals(List.of(key("a"), key("b"), key("c.d")), listed);
        List<String> fromCmapctl = cmapctl(prefix + ".").lines()
                .map(line -> line.substring(0, line.indexOf(' '))).toList();
        assertEquals(fromCmapctl, listed, "the same keys in the same order as corosync-cmapctl");

        length = raw.call(dst -> CmapRequests.iterFinalize(dst, handle));
        assertEquals(CsCode.BAD_HANDLE, StatusResponse.decode(raw.response(), length, CmapResponseId.ITER_FINALIZE),
                "a finalized iterator is gone");
    }

    @Test
    void trackAddDeliversNotificationsOnTheEventChannelUntilTrackDelete() {
        long myHandle = 0x1122_3344_5566_7788L;
        int length = raw.call(dst -> CmapRequests.trackAdd(dst, prefix + ".",
                CmapTrackType.ADD | CmapTrackType.MODIFY | CmapTrackType.DELETE | CmapTrackType.PREFIX, myHandle));
        TrackAddResponse added = new TrackAddResponse().wrap(raw.response(), length);
        assertEquals(CsCode.OK, added.error());
        long trackHandle = added.trackHandle();

        cmapctl("-s", key("t"), "i32", "5");
        int addLength = raw.awaitEvent(); // first: the event buffer is valid after a receive
        NotifyEvent add = NotifyCallback.decode(raw.event(), addLength);
        assertEquals(myHandle, add.trackInstHandle());
        assertEquals(key("t"), add.keyName());
        assertEquals(CmapTrackType.ADD, add.event());
        assertEquals(CmapValueType.INT32, add.newType());
        assertArrayEquals(new byte[] {5, 0, 0, 0}, add.newValue());
        assertFalse(add.hasOldValue());

        cmapctl("-s", key("t"), "i32", "6");
        int modifyLength = raw.awaitEvent(); // first: the event buffer is valid after a receive
        NotifyEvent modify = NotifyCallback.decode(raw.event(), modifyLength);
        assertEquals(CmapTrackType.MODIFY, modify.event());
        assertArrayEquals(new byte[] {6, 0, 0, 0}, modify.newValue());
        assertArrayEquals(new byte[] {5, 0, 0, 0}, modify.oldValue());

        cmapctl("-d", key("t"));
        int deleteLength = raw.awaitEvent(); // first: the event buffer is valid after a receive
        NotifyEvent delete = NotifyCallback.decode(raw.event(), deleteLength);
        assertEquals(CmapTrackType.DELETE, delete.event());
        assertFalse(delete.hasNewValue());

        length = raw.call(dst -> CmapRequests.trackDelete(dst, trackHandle));
        TrackDeleteResponse deleted = new TrackDeleteResponse().wrap(raw.response(), length);
        assertEquals(CsCode.OK, deleted.error());
        assertEquals(myHandle, deleted.trackInstHandle());

        cmapctl("-s", key("t"), "i32", "7");
        assertEquals(-1, raw.connection().receiveEvent(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(300)),
                "no notification after track_delete");
    }

    @Test
    void setCurrentMapSwitchesToTheStatsMap() {
        int length = raw.call(dst -> CmapRequests.setCurrentMap(dst, CmapMap.STATS));
        assertEquals(CsCode.OK, StatusResponse.decode(raw.response(), length, CmapResponseId.SET_CURRENT_MAP));
        length = raw.call(dst -> CmapRequests.iterInit(dst, "stats.ipcs"));
        IterInitResponse init = new IterInitResponse().wrap(raw.response(), length);
        assertEquals(CsCode.OK, init.error());
        long handle = init.iterHandle();
        IterNextResponse next = new IterNextResponse();
        length = raw.call(dst -> CmapRequests.iterNext(dst, handle));
        next.wrap(raw.response(), length);
        assertEquals(CsCode.OK, next.error(), "our own connection is listed under stats.ipcs");
        assertTrue(next.keyName().startsWith("stats.ipcs."), next.keyName());

        length = raw.call(dst -> CmapRequests.setCurrentMap(dst, CmapMap.DEFAULT));
        assertEquals(CsCode.BUSY, StatusResponse.decode(raw.response(), length, CmapResponseId.SET_CURRENT_MAP),
                "no switching while an iterator is open");
        length = raw.call(dst -> CmapRequests.iterFinalize(dst, handle));
        assertEquals(CsCode.OK, StatusResponse.decode(raw.response(), length, CmapResponseId.ITER_FINALIZE));
        length = raw.call(dst -> CmapRequests.setCurrentMap(dst, 7));
        assertEquals(CsCode.NOT_EXIST, StatusResponse.decode(raw.response(), length, CmapResponseId.SET_CURRENT_MAP),
                "an unknown map");
        length = raw.call(dst -> CmapRequests.setCurrentMap(dst, CmapMap.DEFAULT));
        assertEquals(CsCode.OK, StatusResponse.decode(raw.response(), length, CmapResponseId.SET_CURRENT_MAP));
        cmapctl("-s", key("back"), "u8", "1");
        assertEquals(CsCode.OK, get(key("back"), 1).error(), "back on the default map");
    }

    @Test
    void aValueNearTheNegotiatedMaximumIsSentAndCorosyncJudgesIt() {
        int max = raw.connection().maxMessageSize();
        // the largest SET that fits the negotiated size: 296 bytes of fixed part + value
        byte[] huge = new byte[max - 296];
        for (int i = 0; i < huge.length; i++) {
            huge[i] = (byte) (i * 31);
        }
        // corosync keeps values up to its own limit (16 KiB) and refuses larger ones
        assertEquals(CsCode.INVALID_PARAM, set(key("huge"), CmapValueType.BINARY, bytes(huge)));
        assertEquals(CsCode.NOT_EXIST, get(key("huge"), 0).error());
        // the connection still works after a request of that size
        byte[] fits = java.util.Arrays.copyOf(huge, 16 * 1024);
        assertEquals(CsCode.OK, set(key("fits"), CmapValueType.BINARY, bytes(fits)));
        assertArrayEquals(fits, get(key("fits"), fits.length).value().toArray(JAVA_BYTE));
    }

    @Test
    void aRequestLargerThanTheNegotiatedMaximumNeverLeavesTheClient() {
        int max = raw.connection().maxMessageSize();
        MemorySegment tooBig = arena.allocate(max + 8);
        ErrnoException e = assertThrows(ErrnoException.class, () -> raw.connection().send(tooBig, max + 8));
        assertEquals(Errno.EMSGSIZE, e.errno());
        assertEquals(CsCode.OK, set(key("after"), CmapValueType.UINT8, arena.allocate(1)),
                "the connection still works");
    }
}
