package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The keys an iterator fetched ahead, changed in the order of corosync's answers: its walk's keys
 * and the handle's writes. Each case says what libcmap's iter_next, asking at hand-out time,
 * would give.
 */
class KeysAheadTest {
    private final KeysAhead ahead = new KeysAhead("p.", null); // no pipeline: nothing here reconnects

    @Test
    void keysAreHandedOutInOrderAndTheEndEndsTheWalk() {
        walked("p.a", "p.b");
        ahead.walked(null);

        assertTrue(ahead.walkEnded());
        assertEquals(List.of("p.a", "p.b"), rest());
    }

    @Test
    void aKeyGivenAgainAfterAWriteSplitItsNodeIsListedOnceAsLastGiven() {
        walked("p.a1", "p.aabc9");
        assertEquals("p.a1", ahead.handOut().name());
        ahead.stored("p.aab", CmapType.UINT8, 1);
        ahead.walked(new CmapKeyInfo("p.aabc9", CmapType.STRING, 3)); // corosync walks from the split node
        walked("p.b");

        assertEquals(List.of(new CmapKeyInfo("p.aab", CmapType.UINT8, 1), new CmapKeyInfo("p.aabc9", CmapType.STRING, 3),
                new CmapKeyInfo("p.b", CmapType.UINT32, 4)), restInfo());
    }

    @Test
    void aKeyGivenAgainAtOrBeforeTheLastHandedOutIsDropped() {
        walked("p.a", "p.b");
        assertEquals("p.a", ahead.handOut().name());
        walked("p.a", "p.c");

        assertEquals(List.of("p.b", "p.c"), rest());
    }

    @Test
    void aWriteAfterTheKeysHandedOutAndNotAfterTheWalkChangesThem() {
        walked("p.a", "p.b", "p.d");
        assertEquals("p.a", ahead.handOut().name());

        ahead.stored("p.b", CmapType.STRING, 6);
        ahead.stored("p.c", CmapType.UINT8, 1);
        ahead.deleted("p.d");

        assertEquals(List.of(new CmapKeyInfo("p.b", CmapType.STRING, 6), new CmapKeyInfo("p.c", CmapType.UINT8, 1)),
                restInfo());
    }

    @Test
    void writesOutsideTheWindowAreLeftAlone() {
        walked("p.b", "p.c");
        assertEquals("p.b", ahead.handOut().name());

        ahead.stored("p.a", CmapType.UINT8, 1); // handed out already: libcmap's walk is past it
        ahead.stored("p.b", CmapType.UINT8, 1);
        ahead.stored("p.d", CmapType.UINT8, 1); // beyond the walk: corosync gives it as it then is
        ahead.stored("q.c", CmapType.UINT8, 1); // another prefix

        assertEquals(List.of("p.c"), rest());
    }

    @Test
    void onceTheWalkEndedAWriteAfterTheLastHandedOutIsShown() {
        walked("p.a");
        ahead.walked(null);
        assertEquals("p.a", ahead.handOut().name());

        ahead.stored("p.z", CmapType.UINT8, 1);

        assertEquals(List.of("p.z"), rest());
    }

    @Test
    void aKeySortingAfterThePrefixEndsTheWalkAndOneBeforeItIsSkipped() {
        walked("p.a", "o.z");
        assertFalse(ahead.walkEnded());
        walked("q.a", "p.b");

        assertTrue(ahead.walkEnded());
        assertEquals(List.of("p.a"), rest());
    }

    @Test
    void afterALostAnswerTheWalkGivesNoMoreKeys() {
        walked("p.a");
        ahead.lostAnswer(); // p.b's answer: it failed, or came after its caller gave up
        walked("p.c");
        ahead.stored("p.a", CmapType.STRING, 2);

        assertEquals(List.of(new CmapKeyInfo("p.a", CmapType.STRING, 2)), restInfo());
    }

    @Test
    void droppedKeysChangeNoMore() {
        walked("p.a");
        ahead.drop();

        walked("p.b");
        ahead.stored("p.a", CmapType.UINT8, 1);

        assertTrue(ahead.isEmpty());
    }

    private void walked(String... names) {
        for (String name : names) {
            ahead.walked(new CmapKeyInfo(name, CmapType.UINT32, 4));
        }
    }

    private List<String> rest() {
        return restInfo().stream().map(CmapKeyInfo::name).toList();
    }

    private List<CmapKeyInfo> restInfo() {
        List<CmapKeyInfo> keys = new ArrayList<>();
        for (CmapKeyInfo key = ahead.handOut(); key != null; key = ahead.handOut()) {
            keys.add(key);
        }
        return keys;
    }
}
