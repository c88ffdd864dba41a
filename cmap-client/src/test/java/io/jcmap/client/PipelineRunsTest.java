package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcmap.protocol.cmap.ResponseHeaderDescriptor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Over shared memory, asynchronous requests issued while corosync has {@link Pipeline#FED_LEVEL}
 * of ours to work through gather in the backlog and go out as one run with one wake-up, at most
 * {@link Pipeline#LONGEST_RUN} long (decision 0027); nothing is ever in the server's ring without
 * its wake-up on the way.
 */
class PipelineRunsTest {
    private static final int RESPONSE_ID = ScriptedConnection.RESPONSE_ID;
    private static final int GATHERED = 10;

    private static CompletableFuture<Void> marked(Pipeline pipeline, int mark) {
        return pipeline.callAsync("set", "k", RESPONSE_ID, 64, buffer -> {
            buffer.fill((byte) mark);
            return 64;
        }, (response, length) -> null);
    }

    private static List<CompletableFuture<Void>> issue(Pipeline pipeline, int count) {
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            futures.add(marked(pipeline, i));
        }
        return futures;
    }

    private static Pipeline pipelineOn(SlowServer server) {
        return new Pipeline(server, 0, reason -> { });
    }

    private static void allDone(List<CompletableFuture<Void>> futures) throws Exception {
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    }

    /** The server got the requests {@link #issue} marked 0 to {@code count - 1}, each once, in that order. */
    private static void assertSentOnceInIssueOrder(SlowServer server, int count) {
        List<Byte> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            expected.add((byte) i);
        }
        assertEquals(expected, server.firstBytes, "each sent once, in issue order");
    }

    /** Runs {@code work} on a thread of its own: a synchronous call there waits while the test goes on. */
    private static <T> CompletableFuture<T> onThread(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, runnable -> Thread.ofPlatform().daemon().start(runnable));
    }

    private static void allFailWith(CsError error, List<CompletableFuture<Void>> futures) {
        for (CompletableFuture<Void> future : futures) {
            ExecutionException failed = assertThrows(ExecutionException.class, () -> future.get(2, TimeUnit.SECONDS));
            assertEquals(error, assertInstanceOf(CmapException.class, failed.getCause()).error());
        }
    }

    @Test
    void requestsGatherWhileTheServerIsFedAndGoAsOneRunWhenItIsDownToFewer() throws Exception {
        SlowServer server = new SlowServer(false, true);
        Pipeline pipeline = pipelineOn(server);
        List<CompletableFuture<Void>> futures = issue(pipeline, Pipeline.FED_LEVEL + GATHERED);
        assertEquals(Pipeline.FED_LEVEL, server.sent.get(), "the first go at once, each with its wake-up");
        assertEquals(Pipeline.FED_LEVEL, server.wakeUps.get());
        Waits.holdsFor(50, () -> server.sent.get() == Pipeline.FED_LEVEL,
                "the others wait while the server has enough");

        server.allowed.set(1);
        Waits.until(() -> server.wakeUps.get() > Pipeline.FED_LEVEL, "the run's wake-up");
        assertEquals(Pipeline.FED_LEVEL + GATHERED, server.sent.get(), "the gathered sent in that run");
        assertEquals(Pipeline.FED_LEVEL + 1, server.wakeUps.get(), "one wake-up for the whole run");
        assertEquals(0, server.unnotified.get(), "none left unannounced");
        assertEquals(GATHERED, server.maxUnnotified.get());

        server.allowed.set(Pipeline.FED_LEVEL + GATHERED);
        allDone(futures);
        assertSentOnceInIssueOrder(server, Pipeline.FED_LEVEL + GATHERED);
    }

    /** The socket transport's run is one sendmmsg, which a full send buffer may cut short. */
    @Test
    void requestsOfARunThatTheChannelHandsBackGoLaterInIssueOrder() throws Exception {
        SlowServer server = new SlowServer(false, true);
        Pipeline pipeline = pipelineOn(server);
        int handedBack = 4;
        List<CompletableFuture<Void>> futures = issue(pipeline, Pipeline.FED_LEVEL + GATHERED);
        server.handBack.set(handedBack);

        server.allowed.set(1); // the run goes, less the last four
        Waits.until(() -> server.notifications.get() == 1, "the run sent");
        assertEquals(Pipeline.FED_LEVEL + GATHERED - handedBack, server.sent.get());
        // the pipeline takes them off the wire after notifyServer returns: no fake event follows that
        Waits.until(() -> pipeline.inFlightCount() == Pipeline.FED_LEVEL + GATHERED - 1 - handedBack,
                "those handed back are not counted on the wire");
        Waits.holdsFor(50, () -> futures.stream().filter(CompletableFuture::isDone).count() == 1,
                "those handed back wait, not failed");

        server.allowed.set(Pipeline.FED_LEVEL + GATHERED);
        allDone(futures);
        assertSentOnceInIssueOrder(server, Pipeline.FED_LEVEL + GATHERED);
    }

    @Test
    void aFullRunGoesOutWithoutWaitingForAnAnswer() throws Exception {
        SlowServer server = new SlowServer(false, true);
        Pipeline pipeline = pipelineOn(server);
        List<CompletableFuture<Void>> futures = issue(pipeline, Pipeline.FED_LEVEL + 2 * Pipeline.LONGEST_RUN + 3);
        assertEquals(Pipeline.FED_LEVEL + 2 * Pipeline.LONGEST_RUN, server.sent.get(), "two full runs sent");
        assertEquals(Pipeline.FED_LEVEL + 2, server.wakeUps.get(), "one wake-up per run");
        assertEquals(Pipeline.LONGEST_RUN, server.maxUnnotified.get());
        assertEquals(0, server.unnotified.get());

        server.allowed.set(Pipeline.FED_LEVEL + 2 * Pipeline.LONGEST_RUN - 2);
        Waits.until(() -> server.answered.get() == Pipeline.FED_LEVEL + 2 * Pipeline.LONGEST_RUN - 2, "answers");
        Waits.holdsFor(50, () -> server.sent.get() == Pipeline.FED_LEVEL + 2 * Pipeline.LONGEST_RUN,
                "two still on the wire");
        server.allowed.set(Pipeline.FED_LEVEL + 2 * Pipeline.LONGEST_RUN - 1);
        Waits.until(() -> server.sent.get() == Pipeline.FED_LEVEL + 2 * Pipeline.LONGEST_RUN + 3,
                "the last three sent once an answer left one");
        server.allowed.set(Pipeline.FED_LEVEL + 2 * Pipeline.LONGEST_RUN + 3);
        allDone(futures);
    }

    @Test
    void aSynchronousCallTakesTheGatheredRequestsWithItAtOnce() throws Exception {
        SlowServer server = new SlowServer(false, true);
        Pipeline pipeline = pipelineOn(server);
        List<CompletableFuture<Void>> earlier = issue(pipeline, Pipeline.FED_LEVEL + GATHERED);
        CompletableFuture<Object> sync = onThread(() -> pipeline.call("get", "k", RESPONSE_ID,
                ResponseHeaderDescriptor.LENGTH, buffer -> ResponseHeaderDescriptor.LENGTH, (response, length) -> "ok"));
        Waits.until(() -> server.wakeUps.get() > Pipeline.FED_LEVEL, "the call's wake-up");
        assertEquals(Pipeline.FED_LEVEL + GATHERED + 1, server.sent.get(), "all sent with the call");
        assertEquals(0, server.answered.get(), "without waiting for an answer");
        assertEquals(Pipeline.FED_LEVEL + 1, server.wakeUps.get(), "the call and the gathered: one wake-up");

        server.allowed.set(Pipeline.FED_LEVEL + GATHERED + 1);
        assertEquals("ok", sync.get(10, TimeUnit.SECONDS));
        allDone(earlier);
    }

    /** Requests held back during an iteration's hold (decision 0020) waited long enough. */
    @Test
    void requestsHeldBackByAnIterationGoWhenItsHoldEndsEvenWithTheServerFed() throws Exception {
        SlowServer server = new SlowServer(false, true);
        Pipeline pipeline = pipelineOn(server);
        Pipeline.Call<String> opener = new Pipeline.Call<>("iter_init", null, RESPONSE_ID, 64, buffer -> 64,
                (response, length) -> "opened");
        CompletableFuture<Pipeline.Held<String, String>> held = onThread(
                () -> pipeline.callHeld(opener, answer -> new Pipeline.Call<>("iter_next", null, RESPONSE_ID, 64,
                        buffer -> 64, (response, length) -> "next"), Pipeline.FED_LEVEL));
        Waits.until(() -> server.sent.get() == 1, "the opener sent");
        List<CompletableFuture<Void>> heldBack = issue(pipeline, 3);
        server.allowed.set(1); // the opener's answer: its followers fill the wire to the level
        Waits.until(() -> server.sent.get() == 1 + Pipeline.FED_LEVEL + 3, "the held back sent at the hold's end");
        assertEquals(1, server.answered.get(), "without waiting for the followers' answers");

        server.allowed.set(Integer.MAX_VALUE);
        assertEquals(Collections.nCopies(Pipeline.FED_LEVEL, "next"), held.get(10, TimeUnit.SECONDS).then());
        allDone(heldBack);
    }

    @Test
    void aServerThatTakesOneRequestPerWakeUpGetsEachAtOnce() throws Exception {
        SlowServer server = new SlowServer(false, false);
        Pipeline pipeline = pipelineOn(server);
        List<CompletableFuture<Void>> futures = issue(pipeline, Pipeline.FED_LEVEL + GATHERED);
        assertEquals(Pipeline.FED_LEVEL + GATHERED, server.sent.get());
        assertEquals(Pipeline.FED_LEVEL + GATHERED, server.wakeUps.get());
        server.allowed.set(Pipeline.FED_LEVEL + GATHERED);
        allDone(futures);
    }

    @Test
    void aCloseSendsTheGatheredRequestsAndFailsThemAsItFailsThoseInFlight() {
        SlowServer server = new SlowServer(false, true);
        Pipeline pipeline = pipelineOn(server);
        List<CompletableFuture<Void>> futures = issue(pipeline, Pipeline.FED_LEVEL + GATHERED);
        pipeline.close(new CmapException(CsError.BAD_HANDLE, "handle closed"), false);
        assertEquals(Pipeline.FED_LEVEL + GATHERED, server.sent.get(), "corosync has every request issued");
        assertEquals(0, server.unnotified.get());
        allFailWith(CsError.BAD_HANDLE, futures);
    }

    @Test
    void aBreakdownFailsTheGatheredRequestsWithoutSendingThem() {
        SlowServer server = new SlowServer(false, true);
        Pipeline pipeline = pipelineOn(server);
        List<CompletableFuture<Void>> futures = issue(pipeline, Pipeline.FED_LEVEL + GATHERED);
        pipeline.breakDown(new CmapException(CsError.LIBRARY, "connection lost"));
        allFailWith(CsError.LIBRARY, futures);
        assertEquals(Pipeline.FED_LEVEL, server.sent.get(), "the gathered were never sent");
    }
    /**
     * A request sent unwaited (the finalize of an iteration whose fetch timed out, decision 0032)
     * gathers in the backlog behind the timed-out requests still on the wire; corosync staying
     * stopped past the request timeout must not drop it unsent: it frees the server's iterator.
     */
    @Test
    void anUnwaitedRequestGatheredWhileTheServerIsStalledIsSentOnceItRunsAgain() throws Exception {
        SlowServer server = new SlowServer(false, true);
        long timeoutMillis = 100;
        Pipeline pipeline = new Pipeline(server, TimeUnit.MILLISECONDS.toNanos(timeoutMillis), reason -> { });
        List<CompletableFuture<Void>> stalled = issue(pipeline, Pipeline.FED_LEVEL); // the timed-out burst
        allFailWith(CsError.TIMEOUT, stalled);
        pipeline.sendUnwaited("iter_finalize", null, RESPONSE_ID, 64, buffer -> {
            buffer.fill((byte) 99);
            return 64;
        }, (response, length) -> null);
        assertEquals(Pipeline.FED_LEVEL, server.sent.get(), "it gathers while the server has enough");
        Thread.sleep(3 * timeoutMillis); // corosync stays stopped past the request timeout: a duration, not a wait
        server.allowed.set(Integer.MAX_VALUE); // SIGCONT
        Waits.until(() -> server.sent.get() == Pipeline.FED_LEVEL + 1, "the unwaited request sent");
        assertEquals((byte) 99, server.firstBytes.getLast());
    }
}
