package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A handle that reconnected keeps nothing of the pipeline it lost while its trackings live: a
 * tracking noted the pipeline its TRACK_ADD went to (for a notification that meets it unconfirmed
 * after a breakdown, DispatchInActionOfTheLossMeetsAnUnansweredTrackAddTest) and kept it, with its
 * buffers, until the tracking was deleted.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReconnectKeepsNotTheLostPipelineTest {
    private final ScriptedReconnectingHandle scripted = new ScriptedReconnectingHandle();

    @AfterEach
    void tearDown() {
        scripted.close();
    }

    @Test
    void theLostPipelineIsCollectedWhileTheTrackingLives() throws Exception {
        ConnectedHandle handle = scripted.open();
        WeakReference<Pipeline> lost = new WeakReference<>(handle.pipeline());
        scripted.first.hangUp();
        scripted.first.endRequests();
        CmapException loss = assertThrows(CmapException.class, () -> handle.set("k.after", CmapValue.uint32(1)));
        assertEquals(CsError.LIBRARY, loss.error(), loss.getMessage());
        assertTrue(scripted.reconnected.await(10, TimeUnit.SECONDS), "reconnected");
        Waits.until(() -> {
            System.gc();
            return lost.get() == null;
        }, "the lost pipeline collected while the handle and its tracking live");
        handle.set("k.after", CmapValue.uint32(2)); // the handle, and so its tracking, kept until here
    }
}
