package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.protocol.cmap.CmapResponseId;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A join, on a thread that does not read, of a request whose answer a reader has taken off the
 * queue and is reading while the pipeline breaks down. The breakdown does not fail that request
 * (it is no longer in flight): its answer completes it. The join failed it at once with the
 * breakdown's reason (JoinsInActions#failIfBrokenDown, meant for the thread that breaks the pipeline
 * down), and the answer corosync gave, the SET carried out, was dropped as a late one.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JoinAfterTheBreakdownOfAnAnswerBeingReadTest {
    private static final long WAIT_SECONDS = 5;

    private final ScriptedCmapServer server = new ScriptedCmapServer(0x1000);
    private ConnectedHandle handle;

    @AfterEach
    void tearDown() {
        server.releaseReader.countDown();
        if (handle != null) {
            handle.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"close", "a loss found by dispatch"})
    void theJoinGetsTheAnswerThatWasBeingRead(String breakdown) throws Exception {
        handle = new ConnectedHandle(CmapMap.ICMAP, CmapOptions.builder().build(), false, options -> server);
        server.holdAnswer(CmapResponseId.SET);
        CompletableFuture<Void> set = handle.setAsync("k.answered", CmapValue.uint32(1));
        assertTrue(server.readerHeld.await(WAIT_SECONDS, TimeUnit.SECONDS), "the answer is being read");

        if (breakdown.equals("close")) {
            handle.close();
        } else {
            server.hangUp();
            CmapException lost = org.junit.jupiter.api.Assertions.assertThrows(CmapException.class,
                    () -> handle.dispatch(DispatchType.ONE));
            assertEquals(CsError.LIBRARY, lost.error());
        }

        CompletableFuture<Object> joined = new CompletableFuture<>();
        Thread joiner = Thread.ofPlatform().daemon().name("joiner").start(() -> {
            try {
                set.join();
                joined.complete("answered");
            } catch (CompletionException e) {
                joined.complete(e.getCause().toString());
            }
        });
        Waits.until(() -> joined.isDone() || joiner.getState() == Thread.State.WAITING
                || joiner.getState() == Thread.State.TIMED_WAITING, "the join has looked");
        server.releaseReader.countDown();
        assertEquals("answered", joined.get(WAIT_SECONDS, TimeUnit.SECONDS),
                "the SET was answered OK; the breakdown (" + breakdown + ") came while its answer was read");
    }
}
