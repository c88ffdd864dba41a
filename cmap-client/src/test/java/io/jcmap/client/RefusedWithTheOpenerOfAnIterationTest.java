package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Flow control refuses, in one run of the backlog, an asynchronous get whose completion action
 * starts an iteration, and behind it the ITER_INIT of another thread's iteration, which holds
 * the wire (decision 0020). The refusals were given in order, on the thread that sent the
 * backlog: the action waited for the hold to end, and the hold's thread for its ITER_INIT's
 * refusal, which only the thread stuck in that action would give (RandomHandleCallsTest, flow,
 * seed 164, there on the response thread).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RefusedWithTheOpenerOfAnIterationTest {
    private static final long WAIT_SECONDS = 10;

    @Test
    void theIterationHearsItsRefusalWhileAnEarlierRequestsActionWaitsForItsHold() throws Exception {
        ScriptedCmapServer server = new ScriptedCmapServer(0x1000);
        ConnectedHandle handle = new ConnectedHandle(CmapMap.ICMAP, CmapOptions.builder().build(), false,
                options -> server);
        try {
            // a reader holds the receive lock: neither the iteration's thread nor the response thread can read,
            // nor retry the backlog
            CompletableFuture<Long> get = server.getWithItsReaderHeld(handle, "g.5", WAIT_SECONDS);

            server.refusing = true; // the channel is full: both wait in the backlog
            CompletableFuture<String> action = handle.getAsync("g.1").handle((value, failure) -> {
                try (CmapIterator keys = handle.iterate("it.3.")) {
                    return "iterated, first " + keys.next().name();
                } catch (CmapException e) {
                    return e.error().toString();
                }
            });
            CompletableFuture<String> iteration = new CompletableFuture<>();
            Thread iterating = Thread.ofPlatform().daemon().name("iterating").start(() -> {
                try (CmapIterator keys = handle.iterate("it.5.")) {
                    iteration.complete("iterated, first " + keys.next().name());
                } catch (CmapException e) {
                    iteration.complete(e.error().toString());
                }
            });
            Waits.until(() -> PipelineFrames.waitsInside(iterating, "callHeld", "await"),
                    "the iteration holds the wire and waits for its ITER_INIT's answer");

            server.raiseFlowControl(); // the reader, once it has its answer, sends the backlog: both refused
            server.refusing = false;
            server.releaseReader.countDown();
            Waits.until(action::isDone, () -> "the iteration of the get's action ended; the other iteration: "
                    + (iteration.isDone() ? iteration.join() : "still waiting for its ITER_INIT's answer"));
            assertEquals(CsError.TRY_AGAIN.toString(), iteration.get(WAIT_SECONDS, TimeUnit.SECONDS));
            assertEquals(CsError.TRY_AGAIN.toString(), action.get(WAIT_SECONDS, TimeUnit.SECONDS));
            assertEquals(5L, get.get(WAIT_SECONDS, TimeUnit.SECONDS));
        } finally {
            server.flowControl = false;
            server.releaseReader.countDown();
            handle.close();
        }
    }
}
