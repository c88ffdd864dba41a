package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An iterate() whose ITER_INIT corosync took, and whose first ITER_NEXT burst its flow control
 * refused, fails with TRY_AGAIN; the iterator corosync made for it must not stay there for the
 * connection's life (found by RandomHandleCallsTest, flow, seeds 103, 473 and 598 of 1000).
 */
class IterateRefusedByFlowControlTest {

    @Test
    void anIterateRefusedAfterItsIterInitLeavesNoIteratorOnTheServer() {
        ScriptedCmapServer server = new ScriptedCmapServer(0x1000);
        ConnectedHandle handle = new ConnectedHandle(CmapMap.ICMAP, CmapOptions.builder().build(), false,
                options -> server);
        try {
            server.flowControlAfter = 1; // the ITER_INIT is taken, then flow control is raised
            CmapException refused = assertThrows(CmapException.class, () -> handle.iterate("it.5."));
            assertEquals(CsError.TRY_AGAIN, refused.error());
            server.flowControl = false;
            assertEquals(5L, handle.getUint32("g.5"), "the handle still works");
            Waits.until(() -> server.openIterators() == 0, "the iterator is finalized once flow control is lowered");
        } finally {
            handle.close();
        }
    }

    /**
     * The finalize that hasNext() sends at the end of an iteration, refused by flow control: hasNext()
     * fails with TRY_AGAIN, which says the call may be repeated, but the iterator counted itself
     * finished, so neither the repeated hasNext() nor close() sent anything, and corosync kept the
     * iterator (RandomHandleCallsTest, flow, seeds 164 and 467: one in a completion action).
     */
    @ParameterizedTest
    @ValueSource(strings = {"hasNext", "close"})
    void theFinalizeAtTheEndRefusedByFlowControlIsSentByTheNextCall(String next) {
        ScriptedCmapServer server = new ScriptedCmapServer(0x1000);
        ConnectedHandle handle = new ConnectedHandle(CmapMap.ICMAP, CmapOptions.builder().build(), false,
                options -> server);
        try {
            CmapIterator keys = handle.iterate("it.3."); // its 3 keys, and the end, come with the first burst
            for (int i = 0; i < 3; i++) {
                keys.next();
            }
            server.raiseFlowControl();
            CmapException refused = assertThrows(CmapException.class, keys::hasNext);
            assertEquals(CsError.TRY_AGAIN, refused.error());
            assertEquals(1, server.openIterators(), "nothing was sent");
            server.flowControl = false;
            if (next.equals("hasNext")) {
                assertFalse(keys.hasNext());
            } else {
                keys.close();
            }
            assertEquals(0, server.openIterators(), "the iterator is finalized by the " + next + "() after the"
                    + " TRY_AGAIN of the hasNext() at the end");
        } finally {
            handle.close();
        }
    }
}
