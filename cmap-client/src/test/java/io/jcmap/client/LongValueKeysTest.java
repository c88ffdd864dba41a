package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LongValueKeysTest {
    private final LongValueKeys keys = new LongValueKeys();

    @Test
    void aKeyIsHeldFromItsLongValueUntilItsShortOne() {
        assertFalse(keys.holds("a.key"));
        keys.note("a.key", false);
        assertFalse(keys.holds("a.key"));
        keys.note("a.key", true);
        assertTrue(keys.holds("a.key"));
        assertTrue(keys.holds(new String("a.key")), "held by its text, not by the instance");
        keys.note("a.key", false);
        assertFalse(keys.holds("a.key"));
        assertFalse(keys.holds(null), "null is no key: the encoder refuses it");
    }

    @Test
    void keysSharingASlotReplaceEachOtherAndAShortValueFreesOnlyItsOwn() {
        // "Aa" and "BB" have the same hashCode, so the same slot
        keys.note("Aa", true);
        keys.note("BB", true);
        assertTrue(keys.holds("BB"));
        assertFalse(keys.holds("Aa"), "lost its slot: its next get takes two looks, as at first");
        keys.note("Aa", false);
        assertTrue(keys.holds("BB"), "a short value of another key leaves the slot alone");
        keys.note("BB", false);
        assertFalse(keys.holds("BB"));
    }
}
