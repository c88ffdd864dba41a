package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

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
}
