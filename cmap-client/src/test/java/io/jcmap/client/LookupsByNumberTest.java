package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.function.IntFunction;

/**
 * The lookups of a value's type, a notification's event and an answer's error by their wire
 * numbers run for every value, notification and failed call read, so they allocate nothing.
 * An enum's {@code values()} copies its array at each call: a notification looks up two types
 * and one event, and those copies were some 160 of the 410 bytes it cost its dispatcher.
 */
class LookupsByNumberTest {
    private static final int LOOKUPS = 10_000;
    /** Room for the bookkeeping of the measurement itself, far below one copy per lookup. */
    private static final long SLACK_BYTES = 1_024;

    @Test
    void lookupsByWireNumberAllocateNothing() {
        assertAll(
                () -> assertAllocatesNothing("CmapType.of", code -> CmapType.of(code % 12 + 1)),
                () -> assertAllocatesNothing("TrackEvent.ofEvent", n -> TrackEvent.ofEvent(1 << (n % 3))),
                () -> assertAllocatesNothing("CsError.of", code -> CsError.of(code % 30 + 1)));
    }

    @Test
    void theLookupsFindWhatTheirNumbersSay() {
        assertEquals(CmapType.BINARY, CmapType.of(12));
        assertEquals(TrackEvent.ADD, TrackEvent.ofEvent(4));
        assertEquals(CsError.NOT_EXIST, CsError.of(12));
        assertEquals(CsError.LIBRARY, CsError.of(99), "not a cs_error_t");
    }

    private static void assertAllocatesNothing(String lookup, IntFunction<Object> call) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int found = 0;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < LOOKUPS; i++) {
            found += call.apply(i) != null ? 1 : 0;
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(LOOKUPS, found);
        assertTrue(allocated < SLACK_BYTES, lookup + " allocated " + allocated + " bytes in " + LOOKUPS + " lookups");
    }
}
