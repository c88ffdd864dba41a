package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A dispatch in the completion action of a request that the loss of the connection fails meets
 * the first notification of a tracking whose TRACK_ADD, sent after that request, is unanswered:
 * the notification waits for that answer (decision 0020), but the thread that found the loss
 * fails the TRACK_ADD only once the action has returned, and the trackAdd then cancels the
 * tracking. The dispatch waited for its own thread, for ever, and so did the trackAdd, the
 * close of the handle aside. Once the TRACK_ADD's pipeline has broken down and the tracking is
 * not confirmed, it never will be: the notification is dropped, as it would be once the trackAdd
 * failed. Found by RandomHandleScenariosTest (seed 1049).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DispatchInActionOfTheLossMeetsAnUnansweredTrackAddTest {
    private static final String KEY = "k.tracked";
    private static final long WAIT_SECONDS = 5;

    private final ScriptedCmapServer server = new ScriptedCmapServer(0x1000);
    private ConnectedHandle handle;

    @AfterEach
    void tearDown() {
        if (handle != null) {
            handle.close(); // ends the waits of a failing run
        }
    }

    @ParameterizedTest
    @EnumSource(value = DispatchType.class, names = {"ALL", "ONE_NONBLOCKING"})
    void theActionsDispatchDropsTheNotificationAndTheTrackAddFailsWithTheLoss(DispatchType type) throws Exception {
        handle = new ConnectedHandle(CmapMap.ICMAP, CmapOptions.builder().build(), false, options -> server);
        AtomicInteger notified = new AtomicInteger();
        server.withholdAnswers = true; // corosync takes the requests and answers none before it goes
        CompletableFuture<String> action = handle.setAsync("k.action", CmapValue.uint32(1)).handle((v, failure) -> {
            try {
                return "dispatched " + handle.dispatch(type);
            } catch (CmapException e) {
                return e.error().toString();
            }
        });
        CompletableFuture<Object> added = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("adder").start(() -> {
            try {
                added.complete(handle.trackAdd(KEY, EnumSet.of(TrackEvent.DELETE),
                        (h, notification) -> notified.incrementAndGet()));
            } catch (Throwable e) {
                added.complete(e);
            }
        });
        Waits.until(() -> !server.trackings().isEmpty(), "the server has the tracking, its answer withheld");
        server.change(KEY); // its first notification comes before the answer
        server.endRequests(); // corosync goes: the reading thread breaks the pipeline down

        String dispatched = Waits.returned(action, WAIT_SECONDS, "dispatch(" + type + ") in the completion action"
                + " that the loss runs", "its notification waits for the TRACK_ADD answer, which this thread fails"
                + " only once the action has returned");
        assertTrue(dispatched.equals("dispatched 0") || dispatched.equals("TRY_AGAIN"), dispatched);
        Object trackAdd = Waits.returned(added, WAIT_SECONDS, "trackAdd", "the loss fails it after the action");
        assertTrue(trackAdd instanceof CmapException e && e.error() == CsError.LIBRARY, String.valueOf(trackAdd));
        assertEquals(0, notified.get(), "no callback of a tracking whose trackAdd failed");
        assertFalse(handle.isOpen());
    }
}
