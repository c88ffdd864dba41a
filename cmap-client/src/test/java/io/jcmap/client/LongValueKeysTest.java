package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LongValueKeysTest {
    private static final long SHORT = 256;

    private final LongValueKeys keys = new LongValueKeys();

    @Test
    void aKeyIsHeldFromItsLongValueUntilItsShortOne() {
        assertEquals(0, keys.reserveFor("a.key"));
        keys.note("a.key", SHORT, SHORT);
        assertEquals(0, keys.reserveFor("a.key"), "a value a first get holds is not long");
        keys.note("a.key", SHORT + 1, SHORT);
        assertEquals(512, keys.reserveFor("a.key"));
        assertEquals(512, keys.reserveFor(new String("a.key")), "held by its text, not by the instance");
        keys.note("a.key", 3, SHORT);
        assertEquals(0, keys.reserveFor("a.key"));
        assertEquals(0, keys.reserveFor(null), "null is no key: the encoder refuses it");
    }

    @Test
    void theReservationIsTheLengthRoundedUpToAPowerOfTwo() {
        keys.note("a.key", 1024, SHORT);
        assertEquals(1024, keys.reserveFor("a.key"), "a 1 KiB value: 1 KiB, not the longest value");
        keys.note("a.key", 1025, SHORT);
        assertEquals(2048, keys.reserveFor("a.key"), "a value that grew: the next power of two");
        keys.note("a.key", 16_000, SHORT);
        assertEquals(16_384, keys.reserveFor("a.key"));
        keys.note("a.key", 700, SHORT);
        assertEquals(1024, keys.reserveFor("a.key"), "a value that shrank: its own reservation");
    }

    @Test
    void keysSharingASlotReplaceEachOtherAndAShortValueFreesOnlyItsOwn() {
        // "Aa" and "BB" have the same hashCode, so the same slot
        keys.note("Aa", 1000, SHORT);
        keys.note("BB", 2000, SHORT);
        assertEquals(2048, keys.reserveFor("BB"));
        assertEquals(0, keys.reserveFor("Aa"), "lost its slot: its next get takes two looks, as at first");
        keys.note("Aa", 10, SHORT);
        assertEquals(2048, keys.reserveFor("BB"), "a short value of another key leaves the slot alone");
        keys.note("BB", 10, SHORT);
        assertEquals(0, keys.reserveFor("BB"));
    }
}
