package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * close() of a handle whose reconnect round waits for an answer on its fresh connection that
 * corosync never gives (paused with SIGSTOP, or stuck after the handshake): the round's requests
 * wait with the handle's request timeout, none by default, and close() only woke the round's
 * back-off. The round's thread and the fresh connection were left behind for good.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CloseWhileReconnectWaitsForAnswerTest {
    private static final long WAIT_SECONDS = 5;

    private final ScriptedReconnectingHandle scripted = new ScriptedReconnectingHandle();

    @AfterEach
    void tearDown() {
        scripted.second.close(); // ends a round still waiting (before the fix)
        scripted.close();
    }

    @ParameterizedTest(name = "waiting for the answer to {1}")
    @CsvSource({"true, SET_CURRENT_MAP", "false, TRACK_ADD"})
    void theRoundEndsAndClosesItsConnection(boolean selectsMap, String unanswered) throws Exception {
        AtomicReference<Thread> round = new AtomicReference<>();
        ConnectedHandle handle = scripted.open(0, selectsMap,
                where -> round.compareAndSet(null, Thread.currentThread())); // onDisconnected, on the round's thread
        scripted.second.withholdAnswers = true;
        scripted.first.hangUp();
        scripted.first.endRequests();
        CmapException lost = assertThrows(CmapException.class,
                () -> handle.trackAdd("k.other", EnumSet.of(TrackEvent.DELETE), scripted.listener));
        assertEquals(CsError.LIBRARY, lost.error(), lost::getMessage);
        Waits.until(() -> scripted.second.requestsTaken() > 0, "the round sent " + unanswered + " on its connection");

        handle.close();

        Thread roundThread = round.get();
        assertTrue(roundThread != null, "the round ran onDisconnected");
        roundThread.join(Duration.ofSeconds(WAIT_SECONDS));
        assertFalse(roundThread.isAlive(), () -> "the reconnect round was still running " + WAIT_SECONDS
                + " s after close(): it waits for the answer to " + unanswered + " on its fresh connection,"
                + " which close() does not end");
        assertTrue(scripted.second.isClosed(), "the round's connection is closed");
    }
}
