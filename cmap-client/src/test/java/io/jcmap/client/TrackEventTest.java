package io.jcmap.client;

import static io.jcmap.client.CmapAssertions.assertCmapError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrackEventTest {
    @Test
    void bitsMatchCmapH() {
        // cmap.h: CMAP_TRACK_ADD 4, CMAP_TRACK_DELETE 1, CMAP_TRACK_MODIFY 2, CMAP_TRACK_PREFIX 8
        assertEquals(4, TrackEvent.ADD.bit());
        assertEquals(1, TrackEvent.DELETE.bit());
        assertEquals(2, TrackEvent.MODIFY.bit());
        assertEquals(8, TrackEvent.PREFIX.bit());
        assertEquals(4, TrackEvent.values().length);
    }

    @Test
    void toFlagsOrsTheBits() {
        assertEquals(4, TrackEvent.toFlags(EnumSet.of(TrackEvent.ADD)));
        assertEquals(1, TrackEvent.toFlags(EnumSet.of(TrackEvent.DELETE)));
        assertEquals(2, TrackEvent.toFlags(EnumSet.of(TrackEvent.MODIFY)));
        assertEquals(7, TrackEvent.toFlags(EnumSet.of(TrackEvent.ADD, TrackEvent.DELETE, TrackEvent.MODIFY)));
        assertEquals(15, TrackEvent.toFlags(EnumSet.allOf(TrackEvent.class)));
        assertEquals(12, TrackEvent.toFlags(EnumSet.of(TrackEvent.ADD, TrackEvent.PREFIX)));
        assertEquals(5, TrackEvent.toFlags(Set.of(TrackEvent.ADD, TrackEvent.DELETE)));
    }

    @Test
    void everyValidFlagCombinationRoundTrips() {
        for (int flags = 1; flags <= 15; flags++) {
            if (flags == TrackEvent.PREFIX.bit()) {
                continue;
            }
            assertEquals(flags, TrackEvent.toFlags(TrackEvent.fromFlags(flags)), "flags " + flags);
        }
    }

    @Test
    void fromFlagsAcceptsWhatCorosyncAccepts() {
        assertEquals(Set.of(), TrackEvent.fromFlags(0));
        assertEquals(Set.of(TrackEvent.PREFIX), TrackEvent.fromFlags(8));
        assertEquals(Set.of(TrackEvent.MODIFY, TrackEvent.PREFIX), TrackEvent.fromFlags(10));
    }

    @Test
    void fromFlagsIsUnmodifiable() {
        Set<TrackEvent> events = TrackEvent.fromFlags(7);
        assertThrows(UnsupportedOperationException.class, () -> events.add(TrackEvent.PREFIX));
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 17, 0x100, -1, Integer.MIN_VALUE})
    void fromFlagsRejectsUnknownBitsAsCorosyncDoes(int flags) {
        assertCmapError(CsError.INVALID_PARAM, () -> TrackEvent.fromFlags(flags));
    }

    @Test
    void toFlagsRejectsSetsThatCanNeverFire() {
        assertCmapError(CsError.INVALID_PARAM, () -> TrackEvent.toFlags(EnumSet.noneOf(TrackEvent.class)));
        assertCmapError(CsError.INVALID_PARAM, () -> TrackEvent.toFlags(EnumSet.of(TrackEvent.PREFIX)));
    }

    @Test
    void toFlagsRejectsNull() {
        assertCmapError(CsError.INVALID_PARAM, () -> TrackEvent.toFlags(null));
        Set<TrackEvent> withNull = new HashSet<>();
        withNull.add(TrackEvent.ADD);
        withNull.add(null);
        assertCmapError(CsError.INVALID_PARAM, () -> TrackEvent.toFlags(withNull));
    }

    @Test
    void ofEventAcceptsSingleEventsOnly() {
        assertEquals(TrackEvent.ADD, TrackEvent.ofEvent(4));
        assertEquals(TrackEvent.DELETE, TrackEvent.ofEvent(1));
        assertEquals(TrackEvent.MODIFY, TrackEvent.ofEvent(2));
        for (int event : new int[] {0, 3, 5, 8, 12, 16, -1}) {
            assertCmapError(CsError.INVALID_PARAM, () -> TrackEvent.ofEvent(event));
        }
    }
}
