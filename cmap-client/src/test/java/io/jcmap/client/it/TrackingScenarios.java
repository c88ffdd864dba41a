package io.jcmap.client.it;

import static io.jcmap.client.it.Expect.cmapError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.client.Cmap;
import io.jcmap.client.CmapHandle;
import io.jcmap.client.CmapMap;
import io.jcmap.client.CmapException;
import io.jcmap.client.CmapNotification;
import io.jcmap.client.CmapOptions;
import io.jcmap.client.CmapValue;
import io.jcmap.client.CsError;
import io.jcmap.client.DispatchType;
import io.jcmap.client.TrackEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Tracking against a real corosync: every flag and combination with exact old and new values,
 * prefix tracking, trackDelete, the stats map, ordering under load, and changes made by
 * corosync-cmapctl.
 */
// a call that blocks forever must fail the test, not hang the build
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class TrackingScenarios extends CorosyncScenarios {
    /** Enough changes that any loss or reordering in the event channel would show. */
    private static final int MANY_CHANGES = 1000;
    private static final int LATER_NOTIFICATIONS = 5;
    private static final String STATS_ACTIVE = "stats.ipcs.global.active";

    /** A key outside {@link #keyPrefix()}, so that no track of a test covers it. */
    private String outsideKey() {
        String prefix = keyPrefix();
        return prefix.substring(0, prefix.length() - 1) + "_sentinel";
    }

    private static CmapNotification added(long track, String key, CmapValue value) {
        return new CmapNotification(track, TrackEvent.ADD, key, value, null);
    }

    private static CmapNotification modified(long track, String key, CmapValue newValue, CmapValue oldValue) {
        return new CmapNotification(track, TrackEvent.MODIFY, key, newValue, oldValue);
    }

    private static CmapNotification deleted(long track, String key, CmapValue oldValue) {
        return new CmapNotification(track, TrackEvent.DELETE, key, null, oldValue);
    }

    /** Every non-empty set of ADD, DELETE, MODIFY, with and without PREFIX. */
    static Stream<Set<TrackEvent>> everyCombination() {
        List<Set<TrackEvent>> sets = new ArrayList<>();
        for (int bits = 1; bits < 8; bits++) {
            EnumSet<TrackEvent> events = EnumSet.noneOf(TrackEvent.class);
            if ((bits & 1) != 0) {
                events.add(TrackEvent.ADD);
            }
            if ((bits & 2) != 0) {
                events.add(TrackEvent.DELETE);
            }
            if ((bits & 4) != 0) {
                events.add(TrackEvent.MODIFY);
            }
            sets.add(events);
            EnumSet<TrackEvent> withPrefix = EnumSet.copyOf(events);
            withPrefix.add(TrackEvent.PREFIX);
            sets.add(withPrefix);
        }
        return sets.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCombination")
    void everyFlagCombinationReportsExactlyItsEventsWithOldAndNewValues(Set<TrackEvent> flags) {
        boolean prefix = flags.contains(TrackEvent.PREFIX);
        String key = key("k");
        String sibling = key("k2"); // shares the key's name as a prefix, and the tracked prefix
        Recorder recorder = new Recorder();
        long track = cmap.trackAdd(prefix ? keyPrefix() : key, flags, recorder);
        Sentinel sentinel = new Sentinel(cmap, outsideKey());
        CmapHandle writer = open();

        writer.setUint32(key, 1);
        writer.setUint32(key, 1); // the same value: no MODIFY
        writer.setUint32(key, 2);
        writer.setString(key, "two"); // a new type is a MODIFY too
        writer.setUint8(sibling, 7);
        writer.delete(key);
        writer.delete(sibling);
        sentinel.sync(writer);

        List<CmapNotification> expected = new ArrayList<>();
        expected.add(added(track, key, CmapValue.uint32(1)));
        expected.add(modified(track, key, CmapValue.uint32(2), CmapValue.uint32(1)));
        expected.add(modified(track, key, CmapValue.string("two"), CmapValue.uint32(2)));
        expected.add(added(track, sibling, CmapValue.uint8(7)));
        expected.add(deleted(track, key, CmapValue.string("two")));
        expected.add(deleted(track, sibling, CmapValue.uint8(7)));
        expected.removeIf(n -> !flags.contains(n.event()) || (!prefix && !n.key().equals(key)));
        assertEquals(expected, recorder.events());
        recorder.handles().forEach(handle -> assertSame(cmap, handle, "the listener gets the tracking handle"));
    }

    @Test
    void aHandleReceivesItsOwnChanges() {
        String key = key("own");
        Recorder recorder = new Recorder();
        long track = cmap.trackAdd(key, EnumSet.of(TrackEvent.ADD, TrackEvent.MODIFY, TrackEvent.DELETE), recorder);
        cmap.setInt64(key, -5);
        cmap.setInt64(key, -5);
        cmap.setInt64(key, 6);
        cmap.delete(key);
        Await.dispatchUntil(cmap, () -> recorder.size() >= 3, TIMEOUT, () -> "three own changes are delivered");
        new Sentinel(cmap, outsideKey()).sync(cmap);
        assertEquals(List.of(added(track, key, CmapValue.int64(-5)),
                modified(track, key, CmapValue.int64(6), CmapValue.int64(-5)),
                deleted(track, key, CmapValue.int64(6))), recorder.events());
    }

    @Test
    void everyValueTypeArrivesExactlyInNotifications() {
        String key = key("typed");
        Recorder recorder = new Recorder();
        long track = cmap.trackAdd(key, EnumSet.of(TrackEvent.ADD, TrackEvent.MODIFY), recorder);
        List<CmapValue> values = List.copyOf(Values.edgeValues().values());
        CmapHandle writer = open();
        List<CmapNotification> expected = new ArrayList<>();
        CmapValue previous = null;
        for (CmapValue value : values) {
            writer.set(key, value);
            expected.add(previous == null ? added(track, key, value) : modified(track, key, value, previous));
            previous = value;
        }
        new Sentinel(cmap, outsideKey()).sync(writer);
        assertEquals(expected, recorder.events());
    }

    @Test
    void prefixTrackingCoversDeepKeysButNothingOutside() {
        Recorder recorder = new Recorder();
        long track = cmap.trackAdd(key("tree."), EnumSet.of(TrackEvent.ADD, TrackEvent.PREFIX), recorder);
        CmapHandle writer = open();
        writer.setUint8(key("tree.a"), 1);
        writer.setUint8(key("tree.b.c.d"), 2);
        writer.setUint8(key("treetop"), 3); // not below "tree."
        writer.setUint8(key("other.tree.a"), 4);
        new Sentinel(cmap, outsideKey()).sync(writer);
        assertEquals(List.of(added(track, key("tree.a"), CmapValue.uint8(1)),
                added(track, key("tree.b.c.d"), CmapValue.uint8(2))), recorder.events());
    }

    @Test
    void aKeyTrackedWithoutPrefixIsMatchedExactly() {
        Recorder recorder = new Recorder();
        long track = cmap.trackAdd(key("exact"), EnumSet.of(TrackEvent.ADD), recorder);
        CmapHandle writer = open();
        writer.setUint8(key("exactly"), 1);
        writer.setUint8(key("exact.child"), 1);
        writer.setUint8(key("exact"), 2);
        new Sentinel(cmap, outsideKey()).sync(writer);
        assertEquals(List.of(added(track, key("exact"), CmapValue.uint8(2))), recorder.events());
    }

    @Test
    void severalTracksOfOneHandleEachGetTheirOwnNotification() {
        String key = key("shared");
        Recorder modifies = new Recorder();
        Recorder everything = new Recorder();
        long modifyTrack = cmap.trackAdd(key, EnumSet.of(TrackEvent.MODIFY), modifies);
        long prefixTrack = cmap.trackAdd(keyPrefix(), EnumSet.of(TrackEvent.ADD, TrackEvent.MODIFY,
                TrackEvent.DELETE, TrackEvent.PREFIX), everything);
        assertNotEquals(modifyTrack, prefixTrack);
        CmapHandle writer = open();
        writer.setUint16(key, 1);
        writer.setUint16(key, 2);
        writer.delete(key);
        new Sentinel(cmap, outsideKey()).sync(writer);
        assertEquals(List.of(modified(modifyTrack, key, CmapValue.uint16(2), CmapValue.uint16(1))), modifies.events());
        assertEquals(List.of(added(prefixTrack, key, CmapValue.uint16(1)),
                modified(prefixTrack, key, CmapValue.uint16(2), CmapValue.uint16(1)),
                deleted(prefixTrack, key, CmapValue.uint16(2))), everything.events());
    }

    @Test
    void everyTrackingHandleIsNotifiedOfOneChange() {
        String key = key("fanout");
        CmapHandle second = open();
        Recorder first = new Recorder();
        Recorder other = new Recorder();
        long firstTrack = cmap.trackAdd(key, EnumSet.of(TrackEvent.ADD), first);
        long otherTrack = second.trackAdd(key, EnumSet.of(TrackEvent.ADD), other);
        open().setString(key, "both");
        Await.dispatchUntil(cmap, () -> first.size() == 1, TIMEOUT, () -> "the first handle is notified");
        Await.dispatchUntil(second, () -> other.size() == 1, TIMEOUT, () -> "the second handle is notified");
        assertEquals(List.of(added(firstTrack, key, CmapValue.string("both"))), first.events());
        assertEquals(List.of(added(otherTrack, key, CmapValue.string("both"))), other.events());
        assertSame(second, other.handles().get(0));
    }

    @Test
    void trackDeleteStopsDelivery() {
        String key = key("stop");
        Recorder recorder = new Recorder();
        long track = cmap.trackAdd(key, EnumSet.of(TrackEvent.ADD, TrackEvent.MODIFY), recorder);
        Sentinel sentinel = new Sentinel(cmap, outsideKey());
        CmapHandle writer = open();
        writer.setUint32(key, 1);
        sentinel.sync(writer);
        assertEquals(List.of(added(track, key, CmapValue.uint32(1))), recorder.events());

        cmap.trackDelete(track);
        writer.setUint32(key, 2);
        writer.setUint32(key, 3);
        sentinel.sync(writer);
        assertEquals(1, recorder.size(), () -> "nothing after trackDelete: " + recorder.events());
        cmapError(CsError.BAD_HANDLE, () -> cmap.trackDelete(track));
    }

    @Test
    void trackDeleteDropsNotificationsAlreadyWaiting() {
        String key = key("waiting");
        Recorder recorder = new Recorder();
        long track = cmap.trackAdd(key, EnumSet.of(TrackEvent.ADD, TrackEvent.MODIFY), recorder);
        CmapHandle writer = open();
        writer.setUint32(key, 1);
        writer.setUint32(key, 2);
        writer.setUint32(key, 3);
        // corosync queued the three notifications before it answered the writer
        assertTrue(EventFdPoller.readable(cmap.fd(), TIMEOUT), "notifications wait");
        cmap.trackDelete(track);
        assertEquals(0, cmap.dispatch(DispatchType.ALL));
        assertEquals(List.of(), recorder.events());
    }

    /**
     * While another handle changes the key without pause and a thread dispatches: no callback
     * starts after trackDelete has returned, and every notification carries the handle trackAdd
     * returned, even one that arrives before trackAdd has read its answer (decision 0020).
     */
    @Test
    void noCallbackAfterTrackDeleteAndEveryNotificationCarriesItsHandle() throws Exception {
        String key = key("churn");
        AtomicBoolean stop = new AtomicBoolean();
        var pool = threads(2);
        var writing = pool.submit(() -> {
            CmapHandle writer = open();
            for (long i = 1; !stop.get(); i++) {
                writer.setUint64(key, i);
            }
        });
        var dispatching = pool.submit(() -> cmap.dispatch(DispatchType.BLOCKING));
        List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();
        int notified = 0;
        for (int round = 0; round < 2000 && violations.size() < 10; round++) {
            AtomicBoolean deleted = new AtomicBoolean();
            List<Long> handles = new java.util.concurrent.CopyOnWriteArrayList<>();
            int current = round;
            long handle = cmap.trackAdd(key, EnumSet.of(TrackEvent.ADD, TrackEvent.MODIFY), (h, n) -> {
                if (deleted.get()) {
                    violations.add("round " + current + ": a callback after trackDelete returned");
                }
                handles.add(n.trackHandle());
            });
            cmap.trackDelete(handle);
            deleted.set(true);
            for (long seen : handles) {
                if (seen != handle) {
                    violations.add("round " + round + ": handle " + seen + " where trackAdd returned " + handle);
                }
            }
            notified += handles.size();
        }
        stop.set(true);
        Expect.done(writing);
        cmap.close();
        Expect.done(dispatching);
        assertEquals(List.of(), violations);
        assertTrue(notified > 0, "no notification arrived in 2,000 rounds");
    }

    /**
     * A handle whose messages are shorter than the longest notification may not track: corosync
     * sends a longer notification only while it needs no retry (libqb refuses it on a retry with
     * EMSGSIZE), and then holds back every later notification of the connection for good. The
     * handle keeps working otherwise.
     */
    @Test
    void aHandleWithMessagesShorterThanTheLongestNotificationMayNotTrack() {
        String key = key("short");
        for (int size : new int[] {CmapOptions.MIN_MAX_MESSAGE_SIZE, CmapOptions.MIN_TRACKING_MESSAGE_SIZE - 1}) {
            try (CmapHandle small = Cmap.initialize(CmapMap.ICMAP, options().maxMessageSize(size).build())) {
                CmapException e = cmapError(CsError.TOO_BIG,
                        () -> small.trackAdd(key, EnumSet.of(TrackEvent.MODIFY), (h, n) -> { }));
                assertTrue(e.getMessage().contains(CmapOptions.MIN_TRACKING_MESSAGE_SIZE + " bytes"), e::getMessage);
                small.setUint32(key, size);
                assertEquals(size, small.getUint32(key), "the handle still works");
            }
        }
    }

    /**
     * At the smallest size that may track, the longest notification (two values of 16 KiB)
     * arrives even when it has to wait for room behind others, the case in which libqb refuses
     * a longer one, and those after it arrive too, in order.
     */
    @Test
    void atTheSmallestSizeThatTracksTheLongestNotificationArrivesBehindOthers() {
        byte[] first = Values.pattern(Values.MAX_VALUE_LENGTH);
        byte[] second = Values.pattern(Values.MAX_VALUE_LENGTH);
        second[0]++;
        assertTheLongestArrivesBehindOthers(key("longest") + ".", CmapValue.binary(first), CmapValue.binary(second));
    }

    /**
     * The longest value is a string of 16,384 characters, which corosync stores with its NUL
     * (16,385 bytes): at the smallest size that may track, its modification too arrives when it
     * has to wait for room, and so do those after it.
     */
    @Test
    void atTheSmallestSizeThatTracksTheLongestStringNotificationArrivesBehindOthers() {
        CmapValue first = CmapValue.string("f".repeat(Values.MAX_VALUE_LENGTH));
        CmapValue second = CmapValue.string("s".repeat(Values.MAX_VALUE_LENGTH));
        assertTheLongestArrivesBehindOthers(key("longeststr") + ".", first, second);
    }

    /** Sets {@code first} then {@code second} under {@code prefix} behind and before others, unread. */
    private void assertTheLongestArrivesBehindOthers(String prefix, CmapValue first, CmapValue second) {
        try (CmapHandle tracking = Cmap.initialize(CmapMap.ICMAP,
                options().maxMessageSize(CmapOptions.MIN_TRACKING_MESSAGE_SIZE).build())) {
            Recorder recorder = new Recorder();
            tracking.trackAdd(prefix, EnumSet.of(TrackEvent.ADD, TrackEvent.MODIFY, TrackEvent.PREFIX), recorder);
            cmap.setUint8(prefix + "a", 1);
            cmap.set(prefix + "b", first);
            // nothing is read yet: the longest finds the ring holding the two before it
            cmap.set(prefix + "b", second);
            for (int i = 0; i < LATER_NOTIFICATIONS; i++) {
                cmap.setUint8(prefix + "c" + i, i);
            }
            int expected = 3 + LATER_NOTIFICATIONS;
            Await.dispatchUntil(tracking, () -> recorder.size() >= expected, TIMEOUT,
                    () -> expected + " notifications arrived (so far " + recorder.size() + ")");
            List<CmapNotification> events = recorder.events();
            assertEquals(expected, events.size());
            assertEquals(second, events.get(2).newValue());
            assertEquals(first, events.get(2).oldValue());
            assertEquals(prefix + "c" + (LATER_NOTIFICATIONS - 1), events.getLast().key());
        }
    }

    @Test
    void aTrackCanBeAddedAgainAfterItsDeletion() {
        String key = key("again");
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        cmap.trackDelete(cmap.trackAdd(key, EnumSet.of(TrackEvent.ADD), first));
        long track = cmap.trackAdd(key, EnumSet.of(TrackEvent.ADD), second);
        CmapHandle writer = open();
        writer.setUint8(key, 1);
        new Sentinel(cmap, outsideKey()).sync(writer);
        assertEquals(List.of(), first.events());
        assertEquals(List.of(added(track, key, CmapValue.uint8(1))), second.events());
    }

    @Test
    void manyChangesFromAnotherHandleArriveAllInOrder() {
        String key = key("many");
        Recorder recorder = new Recorder();
        long track = cmap.trackAdd(key, EnumSet.of(TrackEvent.ADD, TrackEvent.MODIFY), recorder);
        CmapHandle writer = open();
        for (int i = 0; i < MANY_CHANGES; i++) {
            writer.setUint32(key, i);
        }
        Await.dispatchUntil(cmap, () -> recorder.size() >= MANY_CHANGES, TIMEOUT,
                () -> MANY_CHANGES + " notifications arrived (so far " + recorder.size() + ")");
        new Sentinel(cmap, outsideKey()).sync(writer);
        List<CmapNotification> events = recorder.events();
        assertEquals(MANY_CHANGES, events.size());
        assertEquals(added(track, key, CmapValue.uint32(0)), events.get(0));
        for (int i = 1; i < MANY_CHANGES; i++) {
            assertEquals(modified(track, key, CmapValue.uint32(i), CmapValue.uint32(i - 1)), events.get(i),
                    "notification " + i);
        }
    }

    @Test
    void manyChangesFromConcurrentWritersArriveAllInEachWritersOrder() throws Exception {
        int writers = 4;
        int perWriter = MANY_CHANGES / writers;
        Recorder recorder = new Recorder();
        cmap.trackAdd(keyPrefix(), EnumSet.of(TrackEvent.ADD, TrackEvent.MODIFY, TrackEvent.PREFIX), recorder);
        var pool = threads(writers);
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            String key = key("w" + w);
            CmapHandle writer = open();
            done.add(pool.submit(() -> {
                for (int i = 0; i < perWriter; i++) {
                    writer.setUint32(key, i);
                }
            }));
        }
        // dispatch while they write: the event channel must not lose anything under pressure
        Await.dispatchUntil(cmap, () -> recorder.size() >= writers * perWriter, TIMEOUT,
                () -> writers * perWriter + " notifications arrived (so far " + recorder.size() + ")");
        done.forEach(Expect::done);
        for (int w = 0; w < writers; w++) {
            String key = key("w" + w);
            List<Long> values = recorder.events().stream().filter(n -> n.key().equals(key))
                    .map(n -> ((CmapValue.UInt32) n.newValue()).value()).toList();
            assertEquals(java.util.stream.LongStream.range(0, perWriter).boxed().toList(), values, key);
        }
    }

    @Test
    void changesMadeWithCorosyncCmapctlAreNotified() {
        String key = key("tool");
        Recorder recorder = new Recorder();
        long track = cmap.trackAdd(key, EnumSet.of(TrackEvent.ADD, TrackEvent.MODIFY, TrackEvent.DELETE), recorder);
        CmapctlTool.run(corosync, "-s", key, "u32", "41");
        CmapctlTool.run(corosync, "-s", key, "str", "forty-two");
        CmapctlTool.run(corosync, "-d", key);
        Await.dispatchUntil(cmap, () -> recorder.size() >= 3, TIMEOUT, () -> "three notifications of cmapctl's changes");
        new Sentinel(cmap, outsideKey()).sync(open());
        assertEquals(List.of(added(track, key, CmapValue.uint32(41)),
                modified(track, key, CmapValue.string("forty-two"), CmapValue.uint32(41)),
                deleted(track, key, CmapValue.string("forty-two"))), recorder.events());
    }

    @Test
    void corosyncCmapctlTrackingSeesChangesMadeFromJava() throws Exception {
        String key = key("seen");
        // line-buffered: corosync-cmapctl never flushes its standard output itself
        List<String> command = new ArrayList<>(List.of("stdbuf", "-oL"));
        command.addAll(corosync.cmapctlCommand("-t", key));
        Process tool = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            // corosync-cmapctl announces its tracking before it waits for changes
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(tool.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            assertTrue(out.readLine().startsWith("Type \"q\" to finish"), "corosync-cmapctl tracks");
            cmap.setUint32(key, 5);
            assertEquals("create> " + key + " (u32) = 5", out.readLine());
            cmap.setUint32(key, 6);
            assertEquals("modify> " + key + " (u32) = 6", out.readLine());
            cmap.delete(key);
            assertEquals("delete> " + key + " (u32) = 6", out.readLine());
        } finally {
            tool.destroyForcibly().waitFor();
        }
    }

    @Test
    void tracksAreEndedWithTheirHandle() {
        String key = key("ended");
        CmapHandle tracking = open();
        Recorder recorder = new Recorder();
        tracking.trackAdd(key, EnumSet.of(TrackEvent.ADD), recorder);
        tracking.close();
        // corosync dropped the tracks of the closed connection: changes still work for others
        Recorder mine = new Recorder();
        long track = cmap.trackAdd(key, EnumSet.of(TrackEvent.ADD), mine);
        open().setUint8(key, 1);
        Await.dispatchUntil(cmap, () -> mine.size() == 1, TIMEOUT, () -> "the open handle is notified");
        assertEquals(List.of(added(track, key, CmapValue.uint8(1))), mine.events());
        assertEquals(0, recorder.size());
    }

    @Test
    void trackAddRefusesBadArgumentsWithInvalidParam() {
        String key = key("bad");
        cmapError(CsError.INVALID_PARAM, () -> cmap.trackAdd(key, EnumSet.noneOf(TrackEvent.class), new Recorder()));
        cmapError(CsError.INVALID_PARAM, () -> cmap.trackAdd(key, EnumSet.of(TrackEvent.PREFIX), new Recorder()));
        cmapError(CsError.INVALID_PARAM, () -> cmap.trackAdd(key, null, new Recorder()));
        cmapError(CsError.INVALID_PARAM, () -> cmap.trackAdd(key, EnumSet.of(TrackEvent.ADD), null));
        // none of these left a track behind
        CmapHandle writer = open();
        writer.setUint8(key, 1);
        new Sentinel(cmap, outsideKey()).sync(writer);
    }

    // ---- the stats map ----------------------------------------------------------------------

    @Test
    void aSingleStatsKeyIsTrackedForModifications() {
        // corosync compares tracked stats keys with their last value every 1.5 s and then
        // reports a MODIFY whose old and new values are both the current value
        CmapHandle stats = open(CmapMap.STATS);
        Recorder recorder = new Recorder();
        long track = stats.trackAdd(STATS_ACTIVE, EnumSet.of(TrackEvent.MODIFY), recorder);
        long before = stats.getUint64(STATS_ACTIVE);
        open();
        open();
        Await.dispatchUntil(stats, () -> recorder.events().stream()
                        .anyMatch(n -> n.newValue().equals(CmapValue.uint64(before + 2))), TIMEOUT,
                () -> "a MODIFY of " + STATS_ACTIVE + " to " + (before + 2) + " (so far " + recorder.events() + ")");
        for (CmapNotification n : recorder.events()) {
            assertEquals(track, n.trackHandle());
            assertEquals(TrackEvent.MODIFY, n.event());
            assertEquals(STATS_ACTIVE, n.key());
            assertEquals(n.newValue(), n.oldValue(), "corosync sends the current value as both");
        }
    }

    @Test
    void statsPrefixTracksNeedAddAndDeleteAsCorosyncSays() {
        CmapHandle stats = open(CmapMap.STATS);
        for (Set<TrackEvent> flags : List.of(EnumSet.of(TrackEvent.ADD, TrackEvent.PREFIX),
                EnumSet.of(TrackEvent.DELETE, TrackEvent.PREFIX),
                EnumSet.of(TrackEvent.MODIFY, TrackEvent.PREFIX),
                EnumSet.of(TrackEvent.ADD, TrackEvent.MODIFY, TrackEvent.PREFIX))) {
            cmapError(CsError.NOT_SUPPORTED, () -> stats.trackAdd("stats.ipcs.", flags, new Recorder()));
        }
        assertNotEquals(0, stats.trackAdd("stats.ipcs.", EnumSet.of(TrackEvent.ADD, TrackEvent.DELETE,
                TrackEvent.PREFIX), new Recorder()));
    }

    @Test
    void statsPrefixTracksReportTheKeysOfNewConnections() {
        CmapHandle stats = open(CmapMap.STATS);
        ConnectionStats connections = new ConnectionStats(stats);
        Recorder recorder = new Recorder();
        long track = stats.trackAdd("stats.ipcs.service0.", EnumSet.of(TrackEvent.ADD, TrackEvent.DELETE,
                TrackEvent.PREFIX), recorder);
        String connection = connections.open(this::open).connection();
        Await.dispatchUntil(stats, () -> recorder.events().stream()
                        .anyMatch(n -> n.key().equals(connection + "requests")), TIMEOUT,
                () -> "an ADD of " + connection + "requests (so far " + recorder.events() + ")");
        CmapNotification requests = recorder.events().stream().filter(n -> n.key().equals(connection + "requests"))
                .findFirst().orElseThrow();
        assertEquals(track, requests.trackHandle());
        assertEquals(TrackEvent.ADD, requests.event());
        assertTrue(requests.newValue() instanceof CmapValue.UInt64, requests::toString);
    }
}
