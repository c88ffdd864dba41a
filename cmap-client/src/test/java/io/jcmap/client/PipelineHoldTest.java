package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * {@link Pipeline#callHeld}: between the first request and the first of those built from its
 * answer, nothing of another thread goes on the wire (corosync reads an iterator's prefix from
 * the ITER_INIT it received at the first ITER_NEXT, decision 0020).
 */
class PipelineHoldTest {
    private static final int RESPONSE_ID = ScriptedConnection.RESPONSE_ID;
    private static final int LENGTH = 64;
    private static final byte OPENER = 'I';
    private static final byte FOLLOWER = 'N';
    /** How long a test waits for another thread that would otherwise wait for ever. */
    private static final long WAIT_SECONDS = 5;
    private static final String STILL_WAITING = "still waiting";

    /** A request whose bytes are all {@code mark}: the server records the first. */
    private static <T> Pipeline.Call<T> marked(byte mark, T answer) {
        return new Pipeline.Call<>("op", null, RESPONSE_ID, LENGTH, buffer -> {
            buffer.asSlice(0, LENGTH).fill(mark);
            return LENGTH;
        }, (response, length) -> answer);
    }

    private static Pipeline.Held<String, String> holdPair(Pipeline pipeline, byte opener, byte follower, int count) {
        return pipeline.callHeld(marked(opener, "opened"), answer -> marked(follower, answer + "+next"), count);
    }

    private static CompletableFuture<Object> async(Pipeline pipeline, byte mark) {
        Pipeline.Call<Object> call = marked(mark, "async");
        return pipeline.callAsync(call.operation(), null, RESPONSE_ID, LENGTH, call.encoder(), call.decoder());
    }

    private static <T> CompletableFuture<T> onThread(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, runnable -> Thread.ofPlatform().daemon().start(runnable));
    }

    @Test
    void otherThreadsRequestsWaitUntilThePairIsOnTheWire() throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        CompletableFuture<Pipeline.Held<String, String>> held = onThread(() -> holdPair(pipeline, OPENER, FOLLOWER, 2));
        Waits.until(() -> server.sent.get() == 1, "the opener sent");

        CompletableFuture<Object> asyncCall = async(pipeline, (byte) 'A');
        RequestBatch batch = new RequestBatch();
        Pipeline.Call<Object> batched = marked((byte) 'B', "batched");
        CompletableFuture<Object> batchCall = batch.add("op", null, RESPONSE_ID, LENGTH, batched.encoder(),
                batched.decoder());
        pipeline.sendBatch(batch);
        Pipeline.Call<Object> sync = marked((byte) 'S', "sync");
        CompletableFuture<Object> syncCall = onThread(() -> pipeline.call("op", null, RESPONSE_ID, LENGTH,
                sync.encoder(), sync.decoder()));
        Waits.holdsFor(50, () -> server.sent.get() == 1, "nothing of another thread before the opener's followers");

        server.allowed.set(Integer.MAX_VALUE);
        Pipeline.Held<String, String> result = held.get(10, TimeUnit.SECONDS);
        assertEquals("opened", result.first());
        assertEquals(List.of("opened+next", "opened+next"), result.then());
        assertTrue(result.kept());
        assertEquals("async", asyncCall.get(10, TimeUnit.SECONDS));
        assertEquals("batched", batchCall.get(10, TimeUnit.SECONDS));
        assertEquals("sync", syncCall.get(10, TimeUnit.SECONDS));
        assertEquals(List.of(OPENER, FOLLOWER, FOLLOWER), server.firstBytes.subList(0, 3));
        assertEquals(List.of((byte) 'A', (byte) 'B'), server.firstBytes.subList(3, 5), "held back in order");
    }

    /** The opener's answer runs {@code action} on the holder's own thread, as a completion action would. */
    private static Pipeline.Held<String, String> holdWithAction(Pipeline pipeline, Runnable action) throws Exception {
        Pipeline.Call<String> opener = new Pipeline.Call<>("op", null, RESPONSE_ID, LENGTH, buffer -> {
            buffer.asSlice(0, LENGTH).fill(OPENER);
            return LENGTH;
        }, (response, length) -> {
            action.run();
            return "opened";
        });
        return onThread(() -> pipeline.callHeld(opener, answer -> marked(FOLLOWER, "next"), 1))
                .get(10, TimeUnit.SECONDS);
    }

    /** Held back, its own synchronous request would wait for ever: it goes, and the answer says so. */
    @Test
    void aSynchronousRequestOfTheHoldersOwnThreadGoesBetweenAndIsReported() throws Exception {
        SlowServer server = new SlowServer();
        server.allowed.set(Integer.MAX_VALUE);
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        Pipeline.Call<Object> sync = marked((byte) 'C', "sync");
        List<Object> answers = new ArrayList<>();
        Pipeline.Held<String, String> result = holdWithAction(pipeline, () -> answers.add(
                pipeline.call("op", null, RESPONSE_ID, LENGTH, sync.encoder(), sync.decoder())));
        assertFalse(result.kept());
        assertEquals(List.of(OPENER, (byte) 'C', FOLLOWER), server.firstBytes);
        assertEquals(List.of("sync"), answers);
    }

    /** An asynchronous request never blocks its caller, so it waits even on the holder's thread. */
    @Test
    void anAsynchronousRequestOfTheHoldersOwnThreadWaitsForThePair() throws Exception {
        SlowServer server = new SlowServer();
        server.allowed.set(Integer.MAX_VALUE);
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        List<CompletableFuture<Object>> issued = new ArrayList<>();
        Pipeline.Held<String, String> result = holdWithAction(pipeline, () -> issued.add(async(pipeline, (byte) 'C')));
        assertTrue(result.kept());
        assertEquals("async", issued.getFirst().get(10, TimeUnit.SECONDS));
        assertEquals(List.of(OPENER, FOLLOWER, (byte) 'C'), server.firstBytes);
    }

    /**
     * Runs {@code work} on another thread and waits for it as trackDelete waits for a running
     * callback ({@link TrackRegistry#remove}), at most {@code WAIT_SECONDS}: what it returned, or
     * {@code STILL_WAITING}.
     */
    private static Object waitForAnotherThread(Pipeline pipeline, Supplier<Object> work) {
        CompletableFuture<Object> other = onThread(work);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!other.isDone() && System.nanoTime() - deadline < 0) {
            pipeline.whileWaitingForAnotherThread();
        }
        return other.getNow(STILL_WAITING);
    }

    /**
     * The holder's completion action waits for another thread (trackDelete for a running
     * callback) whose synchronous request the hold kept back, for good before: the hold ends,
     * the request goes, and the answer says that something went between.
     */
    @Test
    void aHolderWaitingForAnotherThreadLetsItsSynchronousRequestGo() throws Exception {
        SlowServer server = new SlowServer();
        server.allowed.set(Integer.MAX_VALUE);
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        Pipeline.Call<Object> other = marked((byte) 'W', "other");
        List<Object> answers = new ArrayList<>();
        Pipeline.Held<String, String> result = holdWithAction(pipeline, () -> answers.add(waitForAnotherThread(
                pipeline, () -> pipeline.call("op", null, RESPONSE_ID, LENGTH, other.encoder(), other.decoder()))));
        assertEquals(List.of("other"), answers);
        assertFalse(result.kept());
        assertEquals(List.of(OPENER, (byte) 'W', FOLLOWER), server.firstBytes);
    }

    /** As above, with the other thread starting a pair of its own, which waited for the hold. */
    @Test
    void aHolderWaitingForAnotherThreadLetsItHoldTheWire() throws Exception {
        SlowServer server = new SlowServer();
        server.allowed.set(Integer.MAX_VALUE);
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        List<Object> answers = new ArrayList<>();
        Pipeline.Held<String, String> result = holdWithAction(pipeline, () -> answers.add(waitForAnotherThread(
                pipeline, () -> holdPair(pipeline, (byte) 'J', (byte) 'K', 1).kept())));
        assertEquals(List.of(true), answers, "the other thread's pair kept the wire");
        assertFalse(result.kept());
        assertEquals(List.of(OPENER, (byte) 'J', (byte) 'K', FOLLOWER), server.firstBytes);
    }

    /**
     * A join in the holder's action on another thread's request, which its hold keeps back: the
     * hold ends and the join reads the answer. Only this thread can end the hold, and it reads
     * for ever otherwise (since 24d1069 it gave the hold up only for requests of its own).
     */
    @Test
    void aJoinOfAnotherThreadsRequestHeldBackByTheHoldReadsItsAnswer() throws Exception {
        SlowServer server = new SlowServer();
        server.allowed.set(Integer.MAX_VALUE);
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        List<Object> answers = new ArrayList<>();
        Pipeline.Held<String, String> result = holdWithAction(pipeline, () -> {
            CompletableFuture<Object> other = onThread(() -> async(pipeline, (byte) 'W')).join();
            answers.add(other.join());
        });
        assertEquals(List.of("async"), answers);
        assertFalse(result.kept());
        assertEquals(List.of(OPENER, (byte) 'W', FOLLOWER), server.firstBytes);
    }

    /**
     * A join in the holder's action on a stage combining an answered request with one the action
     * issued, which its hold keeps back: the join names only the first, finds nothing on the wire
     * to read for, and must still end the hold rather than wait for a reader that is itself
     * (decision 0034: a stage made from the handle's requests and those of the action completes).
     */
    @Test
    void aJoinOfAStageCombiningARequestHeldBackByTheHoldReadsItsAnswer() throws Exception {
        SlowServer server = new SlowServer();
        server.allowed.set(Integer.MAX_VALUE);
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        CompletableFuture<Object> earlier = async(pipeline, (byte) 'E');
        assertEquals("async", earlier.get(10, TimeUnit.SECONDS));
        List<Object> answers = new ArrayList<>();
        Pipeline.Held<String, String> result = holdWithAction(pipeline, () -> answers.add(
                earlier.thenCombine(async(pipeline, (byte) 'C'), (first, second) -> first + "+" + second).join()));
        assertEquals(List.of("async+async"), answers);
        assertFalse(result.kept());
        assertEquals(List.of((byte) 'E', OPENER, (byte) 'C', FOLLOWER), server.firstBytes);
    }

    /**
     * A join in an action that the drainer runs, of a stage combining a request that another thread's
     * hold keeps back: the join read the opener's answer, then, with nothing of ours on the wire, waited
     * as any future does, holding the reading. The hold ended and the request went out, but nobody read
     * its answer, nor the holder's (RandomJoinsInActionsTest, seed 130).
     */
    @Test
    void aJoinOfAStageCombiningARequestHeldBackByAnotherThreadsHoldReadsItsAnswer() throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        CompletableFuture<Void> heldBack = new CompletableFuture<>();
        AtomicReference<CompletableFuture<Object>> other = new AtomicReference<>();
        CompletableFuture<Object> first = async(pipeline, (byte) 'A');
        CompletableFuture<Object> action = first.thenApply(value -> {
            heldBack.join(); // a plain future: it only waits
            return first.thenCombine(other.get(), (a, b) -> a + "+" + b).join();
        });
        server.allowed.set(1);
        Waits.until(() -> server.answered.get() == 1, "the first answer read: the drainer runs its action");
        CompletableFuture<Pipeline.Held<String, String>> held = onThread(() -> pipeline.callHeld(
                marked(OPENER, "opened"), answer -> {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300)); // the join has found nothing to read
                    return marked(FOLLOWER, "next");
                }, 1));
        Waits.until(() -> server.sent.get() == 2, "the opener sent");
        other.set(async(pipeline, (byte) 'C'));
        server.allowed.set(Integer.MAX_VALUE);
        heldBack.complete(null);
        assertEquals("async+async", Waits.returned(action, WAIT_SECONDS, "the join, in the drainer's action, of a"
                + " stage combining a request that another thread's hold keeps back", "it read the opener's answer,"
                + " then waited, holding the reading, for an answer nobody reads"));
        assertTrue(Waits.returned(held, WAIT_SECONDS, "the holder's iteration", "").kept());
    }

    /** A SlowServer that counts the reads of one thread, and how long in all they were to wait. */
    private static final class CountingReads extends SlowServer {
        volatile Thread counted;
        final AtomicInteger reads = new AtomicInteger();
        final AtomicLong waitedNanos = new AtomicLong();

        @Override
        public int receiveResponse(long timeoutNanos) {
            if (Thread.currentThread() == counted) {
                reads.incrementAndGet();
                waitedNanos.addAndGet(timeoutNanos);
            }
            return super.receiveResponse(timeoutNanos);
        }
    }

    /**
     * A join in the drainer's action of a stage combining a future not ours, while another thread's
     * hold keeps a request back and nothing of ours is on the wire: it looked for answers every
     * 1 ms for as long as the hold lasted (900 wake-ups a second, 3.5 % of a CPU). Nothing it waits
     * for can come but an answer to what the hold's end sends, which wakes its read: it looks again
     * less often as the wait goes on.
     */
    @Test
    void aJoinWaitingForAHoldToEndLooksLessOftenAsItWaits() throws Exception {
        CountingReads server = new CountingReads();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        CompletableFuture<Void> gate = new CompletableFuture<>();
        CompletableFuture<Object> notOurs = new CompletableFuture<>();
        CompletableFuture<Object> first = async(pipeline, (byte) 'A');
        CompletableFuture<Object> action = first.thenApply(value -> {
            server.counted = Thread.currentThread();
            gate.join(); // a plain future: it only waits
            return first.thenCombine(notOurs, (a, b) -> a + "+" + b).join();
        });
        server.allowed.set(1);
        Waits.until(() -> server.answered.get() == 1, "the first answer read: the drainer runs its action");
        CountDownLatch holding = new CountDownLatch(1);
        CompletableFuture<Void> holdEnds = new CompletableFuture<>();
        CompletableFuture<Pipeline.Held<String, String>> held = onThread(() -> pipeline.callHeld(
                marked(OPENER, "opened"), answer -> {
                    holding.countDown();
                    holdEnds.join();
                    return marked(FOLLOWER, "next");
                }, 1));
        Waits.until(() -> server.sent.get() == 2, "the opener sent");
        CompletableFuture<Object> heldBack = async(pipeline, (byte) 'C');
        server.allowed.set(Integer.MAX_VALUE);
        gate.complete(null);
        assertTrue(holding.await(WAIT_SECONDS, TimeUnit.SECONDS), "the opener's answer read by the join");
        int readsBefore = server.reads.get();
        long waitedBefore = server.waitedNanos.get();
        long half = TimeUnit.MILLISECONDS.toNanos(500);
        Waits.until(() -> server.waitedNanos.get() - waitedBefore >= half, "the join has waited 500 ms for the hold");
        int reads = server.reads.get() - readsBefore;
        assertTrue(reads <= 100, "the join read " + reads + " times in 500 ms waiting for the hold to end");
        holdEnds.complete(null);
        notOurs.complete("notOurs");
        assertEquals("async+notOurs", Waits.returned(action, WAIT_SECONDS, "the join", "reading for the hold"));
        assertTrue(Waits.returned(held, WAIT_SECONDS, "the holder's iteration", "").kept());
        assertEquals("async", heldBack.get(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    /**
     * A request refused by flow control as the opener goes out behind it fails on the holder's
     * thread outside the reading, its action run there while that thread holds the wire. A join in
     * the action on a request it issued, which the hold keeps back, cannot read for it: the hold
     * must end first, or the request never goes and the join waits for ever.
     */
    @Test
    void aJoinInTheActionOfARequestRefusedAsTheOpenerGoesOutEndsTheHold() throws Exception {
        SlowServer server = new SlowServer(false, true); // takes runs: the third request waits, fed
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        async(pipeline, (byte) 'A');
        async(pipeline, (byte) 'A');
        CompletableFuture<Object> refused = async(pipeline, (byte) 'R')
                .exceptionally(failure -> async(pipeline, (byte) 'C').join());
        assertEquals(2, server.sent.get(), "the third waits in the backlog");
        server.refuseNext.set(1);
        CompletableFuture<Pipeline.Held<String, String>> held = onThread(() -> holdPair(pipeline, OPENER, FOLLOWER, 1));
        Waits.until(() -> server.sent.get() >= 3, "the opener sent behind the refused request");
        server.allowed.set(Integer.MAX_VALUE);
        assertEquals("async", refused.get(10, TimeUnit.SECONDS));
        assertFalse(held.get(10, TimeUnit.SECONDS).kept());
        assertEquals(List.of((byte) 'A', (byte) 'A', OPENER, (byte) 'C', FOLLOWER), server.firstBytes);
    }

    @Test
    void aBreakdownDuringTheHoldFailsTheRequestsHeldBack() throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        CompletableFuture<Pipeline.Held<String, String>> held = onThread(() -> holdPair(pipeline, OPENER, FOLLOWER, 1));
        Waits.until(() -> server.sent.get() == 1, "the opener sent");
        CompletableFuture<Object> waiting = async(pipeline, (byte) 'A');
        pipeline.breakDown(new CmapException(CsError.LIBRARY, "connection lost"));
        for (CompletableFuture<?> future : List.of(held, waiting)) {
            ExecutionException failure = assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
            assertEquals(CsError.LIBRARY, assertInstanceOf(CmapException.class, failure.getCause()).error());
        }
        assertEquals(1, server.sent.get());
    }

    /**
     * The holder fails what its hold kept back once the hold ends after a breakdown, in order, running
     * their actions: a join in the first one's action of a stage combining a later one held back
     * waited for the same thread to fail that one once the action had returned, for ever.
     */
    @Test
    void aJoinInTheActionOfARequestHeldBackDuringABreakdownOfAStageCombiningALaterOneFails() throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        CompletableFuture<Pipeline.Held<String, String>> held = onThread(() -> holdPair(pipeline, OPENER, FOLLOWER, 1));
        Waits.until(() -> server.sent.get() == 1, "the opener sent");
        AtomicReference<CompletableFuture<Object>> stage = new AtomicReference<>();
        CompletableFuture<Object> action = async(pipeline, (byte) 'A').handle((value, failure) -> {
            try {
                return stage.get().join();
            } catch (CompletionException e) {
                return e.getCause();
            }
        });
        CompletableFuture<Object> later = async(pipeline, (byte) 'B');
        CompletableFuture<Object> other = async(pipeline, (byte) 'C');
        stage.set(later.thenCombine(other, (a, b) -> "both"));
        pipeline.breakDown(new CmapException(CsError.LIBRARY, "connection lost"));
        Object outcome = Waits.returned(action, WAIT_SECONDS, "the join, in the action of a request held back by"
                + " the hold, of a stage combining two later ones held back", "the holder fails them once its hold"
                + " ends, in order, and the other only once that action has returned");
        assertEquals(CsError.LIBRARY, assertInstanceOf(CmapException.class, outcome).error());
        ExecutionException failure = assertThrows(ExecutionException.class, () -> held.get(10, TimeUnit.SECONDS));
        assertEquals(CsError.LIBRARY, assertInstanceOf(CmapException.class, failure.getCause()).error());
    }

    /**
     * A join, in the action of a request that a breakdown found by the reader fails, of a stage
     * combining a request that another thread's hold keeps back: that one fails only once the hold
     * ends, which its holder, waiting for the reader, ends once the breakdown has failed its opener,
     * after that action; the join waited for ever (RandomJoinsInActionsTest, seed 110).
     */
    @Test
    void aJoinInAnActionOfTheBreakdownOfAStageCombiningARequestHeldBackByAnotherThreadFails() throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        CompletableFuture<Void> lost = new CompletableFuture<>();
        async(pipeline, (byte) 'Z').thenRun(lost::join); // the drainer keeps the reading until the loss
        AtomicReference<CompletableFuture<Object>> heldBack = new AtomicReference<>();
        CompletableFuture<Object> first = async(pipeline, (byte) 'A');
        CompletableFuture<Object> action = first.handle((value, failure) -> {
            try {
                return first.thenCombine(heldBack.get(), (a, b) -> "both").join();
            } catch (CompletionException e) {
                return e.getCause();
            }
        });
        server.allowed.set(1);
        Waits.until(() -> server.answered.get() == 1, "the drainer runs the first action");
        CompletableFuture<Pipeline.Held<String, String>> held = onThread(() -> holdPair(pipeline, OPENER, FOLLOWER, 1));
        Waits.until(() -> server.sent.get() == 3, "the opener sent");
        heldBack.set(async(pipeline, (byte) 'H'));
        server.close(); // the drainer finds the loss once its action returns
        lost.complete(null);
        Object outcome = Waits.returned(action, WAIT_SECONDS, "the join, in the action of a request the breakdown"
                + " fails, of a stage combining a request another thread's hold keeps back", "the holder fails that"
                + " one once the breakdown has failed its opener, after this action");
        assertEquals(CsError.LIBRARY, assertInstanceOf(CmapException.class, outcome).error());
        ExecutionException failure = assertThrows(ExecutionException.class, () -> held.get(10, TimeUnit.SECONDS));
        assertEquals(CsError.LIBRARY, assertInstanceOf(CmapException.class, failure.getCause()).error());
    }

    /**
     * The holder, reading for its opener, finds the breakdown (an answer with the wrong message id) and
     * fails the requests on the wire in order, running their actions. A join in the first one's action,
     * of a request its hold keeps back, gave the hold up, which failed every request held back, their
     * completions deferred until that action returned: a request held back that nobody joins completed
     * before one on the wire behind the first, issued before it (RandomJoinsInActionsTest, seeds 164, 534,
     * 1004, 1050). Nothing goes on the wire once broken: the hold ends after the breakdown, as without the
     * join, and the join fails the request it waits for itself.
     */
    @Test
    void aJoinInAnActionOfTheHoldersBreakdownOfARequestHeldBackKeepsTheOthersInIssueOrder() throws Exception {
        SlowServer server = new SlowServer();
        server.tellsTheDrainerNothing = true; // the holder reads every answer
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        List<String> order = new CopyOnWriteArrayList<>();
        AtomicReference<CompletableFuture<Object>> joined = new AtomicReference<>();
        Pipeline.Call<Object> misanswered = marked((byte) 'A', "async");
        CompletableFuture<Object> first = pipeline.callAsync("op", null, RESPONSE_ID + 1, LENGTH,
                misanswered.encoder(), misanswered.decoder());
        CompletableFuture<Object> action = first.handle((value, failure) -> {
            order.add("first");
            try {
                return joined.get().join();
            } catch (CompletionException e) {
                return e.getCause();
            }
        });
        async(pipeline, (byte) 'B').whenComplete((value, failure) -> order.add("on the wire behind it"));
        CompletableFuture<Pipeline.Held<String, String>> held = onThread(() -> holdPair(pipeline, OPENER, FOLLOWER, 1));
        Waits.until(() -> server.sent.get() == 3, "the opener sent");
        Thread holder = heldBy(pipeline);
        Waits.until(() -> PipelineFrames.readsWhileHoldingTheWire(holder), "the holder reads for its opener");
        joined.set(async(pipeline, (byte) 'H'));
        async(pipeline, (byte) 'L').whenComplete((value, failure) -> order.add("held back, after the joined one"));
        assertEquals(3, server.sent.get(), "held back");
        server.allowed.set(1); // the holder reads the wrong message id and breaks the pipeline down
        Object outcome = Waits.returned(action, WAIT_SECONDS, "the join, in the action of the first request, of"
                + " a request the holder's hold keeps back", "");
        assertEquals(CsError.MESSAGE_ERROR, assertInstanceOf(CmapException.class, outcome).error());
        ExecutionException failure = assertThrows(ExecutionException.class, () -> held.get(10, TimeUnit.SECONDS));
        assertEquals(CsError.MESSAGE_ERROR, assertInstanceOf(CmapException.class, failure.getCause()).error());
        assertEquals(List.of("first", "on the wire behind it", "held back, after the joined one"), order,
                "completion order, on the holder's thread breaking the pipeline down, of the requests nobody joins"
                        + " (issue order)");
    }

    private static Thread heldBy(Pipeline pipeline) throws ReflectiveOperationException {
        return PipelineThreads.holder(pipeline);
    }

    /** Threads starting pairs and others sending at will: every opener is followed by its own. */
    @Test
    void concurrentPairsEachReachTheWireWhole() throws Exception {
        SlowServer server = new SlowServer();
        server.allowed.set(Integer.MAX_VALUE);
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Integer> traffic = onThread(() -> {
            int sent = 0;
            while (!stop.get()) {
                async(pipeline, (byte) 'A').join();
                sent++;
            }
            return sent;
        });
        List<CompletableFuture<Boolean>> starters = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            byte opener = (byte) ('0' + t);
            byte follower = (byte) ('a' + t);
            starters.add(onThread(() -> {
                boolean allKept = true;
                for (int i = 0; i < 300; i++) {
                    allKept &= holdPair(pipeline, opener, follower, 2).kept();
                }
                return allKept;
            }));
        }
        for (CompletableFuture<Boolean> starter : starters) {
            assertTrue(starter.get(30, TimeUnit.SECONDS), "every pair kept the wire");
        }
        stop.set(true);
        assertTrue(traffic.get(10, TimeUnit.SECONDS) > 0);
        List<Byte> wire = List.copyOf(server.firstBytes);
        for (int i = 0; i < wire.size(); i++) {
            byte mark = wire.get(i);
            if (mark >= '0' && mark <= '2') {
                byte own = (byte) ('a' + (mark - '0'));
                assertEquals(List.of(own, own), wire.subList(i + 1, i + 3), "at " + i + " of " + wire.size());
            }
        }
    }
}
