package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * As JoinOfAStageInListenerWhileActionDeletesItTest, for a stage made from a request of another
 * handle (or of an earlier session of this one): the listener joins {@code earlier.thenCompose(...)},
 * whose inner request goes to this handle. Its wait was counted on the pipeline of the request the
 * stage was made from, not on the one whose reader, in the action's trackDelete, read the inner
 * request's answer and kept it until the action returned: the two waited for each other for ever.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JoinOfAStageOfAnotherHandleInListenerWhileActionDeletesItTest {
    private static final long WAIT_SECONDS = 5;

    private final ListenerHeldInItsCallback listener = new ListenerHeldInItsCallback();
    private final ScriptedCmapServer otherServer = new ScriptedCmapServer(0x2000);
    private ConnectedHandle other;

    @AfterEach
    void tearDown() {
        listener.close(); // fails the futures both wait for: ends the wait of a failing run
        if (other != null) {
            other.close();
        }
    }

    @Test
    void aListenersJoinOfAStageOfAnotherHandlesRequestEndsWhileAnActionDeletesItsTracking() throws Exception {
        other = new ConnectedHandle(CmapMap.ICMAP, CmapOptions.builder().build(), false, options -> otherServer);
        CompletableFuture<Void> earlier = other.setAsync("k.other", CmapValue.uint32(1));
        earlier.get(WAIT_SECONDS, TimeUnit.SECONDS);
        ConnectedHandle handle = listener.openHandle();
        long track = listener.trackAndNotify(TrackRegistryFrames::waitsForARunningCallback,
                "trackDelete, in the completion action, waits for this listener",
                h -> earlier.thenCompose(done -> h.setAsync("k.composed", CmapValue.uint32(2))).join());
        CompletableFuture<Void> deleted = listener.inTheActionOfASet(() -> {
            handle.trackDelete(track);
            return null;
        });

        assertEquals("answered", listener.callEnded("the listener's join of a stage of another handle's request",
                "its wait was counted on the other handle's pipeline, and the inner request's answer, read by the"
                        + " trackDelete waiting for the listener, waited for the action to return"));
        deleted.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(1, listener.dispatched());
        assertTrue(listener.server.trackings().isEmpty(), "the tracking is deleted");
        assertTrue(handle.isOpen(), "the handle goes on");
    }
}
