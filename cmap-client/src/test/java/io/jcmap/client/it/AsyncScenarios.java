package io.jcmap.client.it;

import static io.jcmap.client.it.Expect.cmapError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.client.Cmap;
import io.jcmap.client.CmapBatch;
import io.jcmap.client.CmapException;
import io.jcmap.client.CmapHandle;
import io.jcmap.client.CmapIterator;
import io.jcmap.client.CmapMap;
import io.jcmap.client.CmapOptions;
import io.jcmap.client.CmapValue;
import io.jcmap.client.CsError;
import io.jcmap.client.PipelineFrames;
import io.jcmap.client.TrackEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/** The asynchronous faces with many requests in flight on one handle, and inc/dec on both faces. */
// a call that blocks forever must fail the test, not hang the build
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class AsyncScenarios extends CorosyncScenarios {
    /** Requests in flight at once on one handle ({@code -Djcmap.it.inFlight=N} for another size). */
    private static final int IN_FLIGHT = Integer.getInteger("jcmap.it.inFlight", 2000);

    private static void allDone(List<? extends CompletableFuture<?>> futures) {
        Expect.done(CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)));
    }

    @Test
    void thousandsOfSetsAndGetsInFlightAllCompleteWithTheirOwnResultsInOrder() {
        List<Integer> completed = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> sets = new ArrayList<>();
        for (int i = 0; i < IN_FLIGHT; i++) {
            int index = i;
            sets.add(cmap.setAsync(key("k" + i), CmapValue.uint32(i)).whenComplete((v, e) -> completed.add(index)));
        }
        allDone(sets);
        assertEquals(IntStream.range(0, IN_FLIGHT).boxed().toList(), completed, "responses complete in request order");

        List<CompletableFuture<CmapValue>> gets = new ArrayList<>();
        for (int i = 0; i < IN_FLIGHT; i++) {
            gets.add(cmap.getAsync(key("k" + i)));
        }
        allDone(gets);
        for (int i = 0; i < IN_FLIGHT; i++) {
            assertEquals(CmapValue.uint32(i), gets.get(i).join(), "key " + i);
        }
        // what another client sees
        CmapHandle reader = open();
        assertEquals(IN_FLIGHT - 1, reader.getUint32(key("k" + (IN_FLIGHT - 1))));

        List<CompletableFuture<Void>> deletes = new ArrayList<>();
        for (int i = 0; i < IN_FLIGHT; i++) {
            deletes.add(cmap.deleteAsync(key("k" + i)));
        }
        allDone(deletes);
        try (var keys = reader.iterate(keyPrefix())) {
            assertTrue(!keys.hasNext(), "every key was deleted");
        }
    }

    @Test
    void aBatchSendsNothingUntilFlushedThenEveryRequestCompletesWithItsOwnResultInOrder() {
        CmapHandle reader = open();
        List<Integer> completed = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> sets = new ArrayList<>();
        CmapBatch batch = cmap.batch();
        for (int i = 0; i < IN_FLIGHT; i++) {
            int index = i;
            sets.add(batch.setAsync(key("b" + i), CmapValue.uint32(i)).whenComplete((v, e) -> completed.add(index)));
        }
        assertEquals(IN_FLIGHT, batch.size());
        // nothing has left the client: corosync has not seen the first set, nor will it without a flush
        cmapError(CsError.NOT_EXIST, () -> reader.getUint32(key("b0")));
        assertTrue(sets.stream().noneMatch(CompletableFuture::isDone));
        batch.flush();
        assertEquals(0, batch.size());
        allDone(sets);
        assertEquals(IntStream.range(0, IN_FLIGHT).boxed().toList(), completed, "responses complete in request order");
        assertEquals(IN_FLIGHT - 1, reader.getUint32(key("b" + (IN_FLIGHT - 1))));

        // reused, with every kind of request, each failing or succeeding on its own
        String counter = key("counter");
        cmap.setInt64(counter, 0);
        List<CompletableFuture<CmapValue>> gets = new ArrayList<>();
        List<CompletableFuture<Void>> steps = new ArrayList<>();
        for (int i = 0; i < IN_FLIGHT; i++) {
            gets.add(batch.getAsync(key("b" + i)));
            steps.add(i % 4 == 3 ? batch.decAsync(counter) : batch.incAsync(counter));
        }
        CompletableFuture<CmapValue> missing = batch.getAsync(key("missing"));
        CompletableFuture<Void> delete = batch.deleteAsync(key("b0"));
        CompletableFuture<CmapValue> deleted = batch.getAsync(key("b0"));
        batch.close();
        allDone(gets);
        allDone(steps);
        for (int i = 0; i < IN_FLIGHT; i++) {
            assertEquals(CmapValue.uint32(i), gets.get(i).join(), "key " + i);
        }
        assertEquals(IN_FLIGHT / 2, cmap.getInt64(counter), "three incs and a dec per four steps");
        Expect.asyncError(CsError.NOT_EXIST, () -> missing);
        Expect.done(delete);
        Expect.asyncError(CsError.NOT_EXIST, () -> deleted);
    }

    @Test
    void aBatchRejectsBadInputAtOnceAndFailsEveryRequestWhenTheHandleIsClosed() {
        CmapBatch batch = cmap.batch();
        cmapError(CsError.INVALID_PARAM, () -> batch.setAsync(key("null"), null));
        cmapError(CsError.TOO_BIG, () -> batch.setAsync(key("huge"), CmapValue.binary(new byte[2 << 20])));
        assertEquals(0, batch.size(), "a rejected request is not added");
        cmapError(CsError.NAME_TOO_LONG, () -> batch.setAsync("k".repeat(256), CmapValue.uint8(1)));
        assertEquals(0, batch.size(), "a request with a bad key is not added");

        CmapHandle doomed = open();
        CmapBatch late = doomed.batch();
        CompletableFuture<Void> set = late.setAsync(key("late"), CmapValue.uint8(1));
        CompletableFuture<Void> inc = late.incAsync(key("late"));
        doomed.close();
        late.flush();
        Expect.asyncError(CsError.BAD_HANDLE, () -> set);
        Expect.asyncError(CsError.BAD_HANDLE, () -> inc);
        cmapError(CsError.BAD_HANDLE, doomed::batch);
        cmapError(CsError.NOT_EXIST, () -> cmap.getUint8(key("late")));
    }

    /**
     * A request that fails during the flush runs its completion action on the flushing thread,
     * which owns the batch and may flush it (again) there: that flush returned nulls to the one
     * still going, whose flush() threw a NullPointerException.
     */
    @Test
    void aCompletionActionMayFlushTheBatchWhoseFlushFailedItsRequest() {
        CmapHandle doomed = open();
        CmapBatch batch = doomed.batch();
        CompletableFuture<Void> first = batch.setAsync(key("a"), CmapValue.uint8(1));
        CompletableFuture<Void> second = batch.setAsync(key("b"), CmapValue.uint8(2));
        first.whenComplete((value, failure) -> batch.flush());
        doomed.close();
        batch.flush();
        Expect.asyncError(CsError.BAD_HANDLE, () -> first);
        Expect.asyncError(CsError.BAD_HANDLE, () -> second);
        assertEquals(0, batch.size());
    }

    /**
     * A batch belongs to the thread that fills it; two threads filling one without a lock get
     * BUSY from a call that meets the other's. Their requests corrupted the batch: an
     * ArrayIndexOutOfBoundsException or NullPointerException from setAsync or flush, futures that
     * never completed, and on the socket transport a broken handle.
     */
    @Test
    void twoThreadsFillingABatchWithoutALockGetBusyAndLoseNothing() throws Exception {
        int perThread = 5000;
        for (int round = 0; round < 3; round++) {
            CmapBatch batch = cmap.batch();
            List<CompletableFuture<Void>> futures = Collections.synchronizedList(new ArrayList<>());
            List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
            String prefix = "r" + round + ".";
            Callable<Void> filler = () -> {
                long self = Thread.currentThread().threadId();
                for (int i = 0; i < perThread; i++) {
                    try {
                        futures.add(batch.setAsync(key(prefix + self + "." + i), CmapValue.uint32(i)));
                    } catch (CmapException busy) {
                        if (busy.error() != CsError.BUSY) {
                            errors.add(busy);
                        }
                        i--; // again
                    } catch (RuntimeException e) {
                        errors.add(e);
                    }
                }
                return null;
            };
            onTwoThreadsAtOnce(filler);
            assertEquals(List.of(), errors);
            assertEquals(2 * perThread, batch.size());
            batch.flush();
            allDone(futures);
            assertTrue(cmap.isOpen());
        }
    }

    @Test
    void incAndDecInFlightTakeEffectInTheOrderTheyWereIssued() {
        String key = key("counter");
        Recorder recorder = new Recorder();
        cmap.setInt64(key, 0);
        cmap.trackAdd(key, EnumSet.of(TrackEvent.MODIFY), recorder);
        List<CompletableFuture<?>> futures = new ArrayList<>();
        List<Long> expectedValues = new ArrayList<>();
        List<CompletableFuture<CmapValue>> reads = new ArrayList<>();
        List<Long> expectedReads = new ArrayList<>();
        long value = 0;
        for (int i = 1; i <= IN_FLIGHT; i++) {
            boolean down = i % 4 == 0;
            futures.add(down ? cmap.decAsync(key) : cmap.incAsync(key));
            value += down ? -1 : 1;
            expectedValues.add(value);
            if (i % 100 == 0) {
                reads.add(cmap.getAsync(key));
                expectedReads.add(value);
            }
        }
        allDone(futures);
        allDone(reads);
        for (int i = 0; i < reads.size(); i++) {
            assertEquals(CmapValue.int64(expectedReads.get(i)), reads.get(i).join(), "read " + i);
        }
        assertEquals(value, cmap.getInt64(key));
        Await.dispatchUntil(cmap, () -> recorder.size() >= IN_FLIGHT, TIMEOUT, () -> IN_FLIGHT + " MODIFY notifications");
        assertEquals(expectedValues, recorder.events().stream()
                .map(n -> ((CmapValue.Int64) n.newValue()).value()).toList(), "every step, in order");
    }

    @Test
    void mixedOperationsInFlightTakeEffectInIssueOrderAndFailIndividually() {
        String key = key("mixed");
        CompletableFuture<Void> set = cmap.setAsync(key, CmapValue.uint8(1));
        CompletableFuture<Void> inc = cmap.incAsync(key);
        CompletableFuture<CmapValue> afterInc = cmap.getAsync(key);
        CompletableFuture<Void> delete = cmap.deleteAsync(key);
        CompletableFuture<CmapValue> afterDelete = cmap.getAsync(key);
        CompletableFuture<Void> incOfMissing = cmap.incAsync(key);
        CompletableFuture<Void> setString = cmap.setAsync(key, CmapValue.string("text"));
        CompletableFuture<Void> incOfString = cmap.incAsync(key);
        CompletableFuture<Void> decOfString = cmap.decAsync(key);
        CompletableFuture<CmapValue> afterString = cmap.getAsync(key);
        CompletableFuture<Void> deleteAgain = cmap.deleteAsync(key);
        CompletableFuture<Void> deleteOfMissing = cmap.deleteAsync(key);

        Expect.done(set);
        Expect.done(inc);
        assertEquals(CmapValue.uint8(2), Expect.done(afterInc));
        Expect.done(delete);
        Expect.asyncError(CsError.NOT_EXIST, () -> afterDelete);
        Expect.asyncError(CsError.NOT_EXIST, () -> incOfMissing);
        Expect.done(setString);
        Expect.asyncError(CsError.INVALID_PARAM, () -> incOfString);
        Expect.asyncError(CsError.INVALID_PARAM, () -> decOfString);
        assertEquals(CmapValue.string("text"), Expect.done(afterString));
        Expect.done(deleteAgain);
        Expect.asyncError(CsError.NOT_EXIST, () -> deleteOfMissing);
        assertTrue(cmap.isOpen());
    }

    @Test
    void errorsCompleteExceptionallyWithCorosyncsCode() {
        String missing = key("missing");
        Expect.asyncError(CsError.NOT_EXIST, () -> cmap.getAsync(missing));
        Expect.asyncError(CsError.NOT_EXIST, () -> cmap.deleteAsync(missing));
        Expect.asyncError(CsError.NOT_EXIST, () -> cmap.incAsync(missing));
        Expect.asyncError(CsError.NOT_EXIST, () -> cmap.decAsync(missing));
        // what the client can tell is wrong throws at once, as in a synchronous call
        cmapError(CsError.NAME_TOO_LONG, () -> cmap.setAsync("k".repeat(256), CmapValue.uint8(1)));
        cmapError(CsError.INVALID_PARAM, () -> cmap.getAsync(key("nul\0")));
        cmapError(CsError.INVALID_PARAM, () -> cmap.setAsync(key("null"), null));
        // corosync judges the characters (and calls a space NAME_TOO_LONG), and a key shorter than
        // 3 bytes after its map, read-only keys and the value, as through libcmap: that comes in the future
        Expect.asyncError(CsError.NAME_TOO_LONG, () -> cmap.setAsync("ab", CmapValue.uint8(1)));
        Expect.asyncError(CsError.NAME_TOO_LONG, () -> cmap.setAsync(key("bad name"), CmapValue.uint8(1)));
        Expect.asyncError(CsError.ACCESS, () -> cmap.setAsync("totem.cluster_name", CmapValue.string("x")));
        // many failures in flight at once each fail on their own
        List<CompletableFuture<CmapValue>> gets = new ArrayList<>();
        for (int i = 0; i < IN_FLIGHT; i++) {
            gets.add(cmap.getAsync(key("none" + i)));
        }
        for (CompletableFuture<CmapValue> get : gets) {
            Expect.asyncError(CsError.NOT_EXIST, () -> get);
        }
        assertEquals(CmapValue.string(corosync.clusterName()), Expect.done(cmap.getAsync("totem.cluster_name")));
    }

    @Test
    void syncIncAndDecStepAndFailAsCorosyncSays() {
        String key = key("sync");
        cmap.setUint32(key, 10);
        cmap.inc(key);
        cmap.inc(key);
        cmap.dec(key);
        assertEquals(11, cmap.getUint32(key));
        assertEquals("11", CmapctlTool.getLine(corosync, "-g", key).replaceAll(".* = ", ""));
        cmapError(CsError.NOT_EXIST, () -> cmap.inc(key("missing")));
        cmapError(CsError.NOT_EXIST, () -> cmap.dec(key("missing")));
        String text = key("text");
        cmap.setString(text, "10");
        cmapError(CsError.INVALID_PARAM, () -> cmap.inc(text));
        cmapError(CsError.INVALID_PARAM, () -> cmap.dec(text));
        assertEquals("10", cmap.getString(text));
        cmapError(CsError.ACCESS, () -> cmap.inc("runtime.config.totem.token"));
        cmapError(CsError.ACCESS, () -> open(CmapMap.STATS).dec("stats.ipcs.global.active"));
    }

    @Test
    void largeValuesArriveWholeThroughGetAsync() {
        String text = key("text");
        String bytes = key("bytes");
        CmapValue big = CmapValue.string("x".repeat(10_000));
        CmapValue binary = CmapValue.binary(Values.pattern(16_384));
        cmap.set(text, big);
        cmap.set(bytes, binary);
        List<CompletableFuture<CmapValue>> gets = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            gets.add(cmap.getAsync(i % 2 == 0 ? text : bytes));
        }
        allDone(gets);
        for (int i = 0; i < gets.size(); i++) {
            assertEquals(i % 2 == 0 ? big : binary, gets.get(i).join(), "get " + i);
        }
    }

    /**
     * corosync refuses values longer than 16 KiB, but stores a string of 16,384 characters with
     * its NUL: 16,385 bytes, which a GET answers whole. An asynchronous get must reserve room
     * for it.
     */
    @Test
    void theLongestStringCorosyncStoresArrivesWholeThroughGetAsync() {
        String key = key("longest");
        CmapValue longest = CmapValue.string("s".repeat(Values.MAX_VALUE_LENGTH));
        cmap.set(key, longest);
        assertEquals(longest, Expect.done(cmap.getAsync(key)));
        try (CmapBatch batch = cmap.batch()) {
            CompletableFuture<CmapValue> seen = batch.getAsync(key);
            batch.flush();
            assertEquals(longest, Expect.done(seen));
        }
    }

    /**
     * A GET whose value is longer than a first look reserves must still answer with the value at
     * its place in the order: a second look would come after the set or delete sent behind it.
     */
    @Test
    void aGetAsyncOfALongValueSeesItAtItsPlaceInTheOrder() {
        String key = key("long");
        for (int round = 0; round < 20; round++) {
            CmapValue before = CmapValue.string(round + "-" + "a".repeat(300 + round * 800));
            CmapValue after = CmapValue.binary(Values.pattern(16_384 - round));
            CompletableFuture<CmapValue> seen;
            CompletableFuture<Void> changed;
            try (CmapBatch batch = cmap.batch()) {
                batch.setAsync(key, before);
                seen = batch.getAsync(key);
                changed = batch.setAsync(key, after);
            }
            Expect.done(changed);
            assertEquals(before, Expect.done(seen), "round " + round + ": the get in the batch");
            seen = cmap.getAsync(key);
            cmap.delete(key);
            assertEquals(after, Expect.done(seen), "round " + round + ": the get before the delete");
        }
    }

    /**
     * The longest request the message size allows, in a batch between two small ones: it fails
     * alone, whoever refuses it. On the socket transport the kernel refuses a datagram longer than
     * the request socket's send buffer (twice {@code net.core.wmem_max} at most: 8 MiB here, a
     * 64 MiB request) with EMSGSIZE; sent in a run, that failed the whole run as a lost connection,
     * and with it every request of the batch and the handle.
     */
    @Test
    void aBatchedRequestTooLongForTheSocketFailsAloneAndTheHandleGoesOn() {
        try (CmapHandle large = Cmap.initialize(CmapMap.ICMAP,
                options().maxMessageSize(CmapOptions.MAX_MAX_MESSAGE_SIZE).build())) {
            large.setUint8(key("before"), 1);
            CmapBatch batch = large.batch();
            CompletableFuture<Void> first = batch.setAsync(key("first"), CmapValue.uint8(1));
            // 296 bytes of SET request before the value: the longest request the size allows
            CompletableFuture<Void> longest = batch.setAsync(key("longest"),
                    CmapValue.binary(new byte[CmapOptions.MAX_MAX_MESSAGE_SIZE - 296]));
            CompletableFuture<Void> last = batch.setAsync(key("last"), CmapValue.uint8(3));
            batch.flush();
            Expect.done(first);
            // TOO_BIG where the kernel refuses it, INVALID_PARAM where corosync gets it (over 16 KiB)
            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> longest.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            CmapException refusal = assertInstanceOf(CmapException.class, failed.getCause());
            assertTrue(Set.of(CsError.TOO_BIG, CsError.INVALID_PARAM).contains(refusal.error()), refusal::getMessage);
            Expect.done(last);
            assertTrue(large.isOpen(), "the handle is still open");
            assertEquals(1, large.getUint8(key("before")));
            assertEquals(3, large.getUint8(key("last")));
        }
    }

    /** On a connection whose messages cannot carry the longest value, a longer one fails clearly. */
    @Test
    void aGetAsyncOfAValueLongerThanTheConnectionCarriesFailsWithTooBig() {
        String key = key("long");
        cmap.set(key, CmapValue.binary(Values.pattern(14_000)));
        // 13,000-byte messages carry GET answers of up to 12,960 value bytes
        try (CmapHandle small = Cmap.initialize(CmapMap.ICMAP, options().maxMessageSize(13_000).build())) {
            Expect.asyncError(CsError.TOO_BIG, () -> small.getAsync(key));
            cmap.set(key, CmapValue.binary(Values.pattern(12_960)));
            assertEquals(CmapValue.binary(Values.pattern(12_960)), Expect.done(small.getAsync(key)));
        }
    }

    /**
     * Decisions 0006 and 0010: after each send the caller completes the responses already
     * waiting (on SHM by the ring, on the socket transport by the server's count), so a loop of
     * requests is not handed to the drainer thread alone. Rounds of 100 stay inside the window.
     */
    @Test
    void aCallerIssuingRequestsInALoopCompletesEarlierOnesItself() {
        Thread caller = Thread.currentThread();
        String key = key("loop");
        int onCaller = 0;
        for (int round = 0; round < 50 && onCaller == 0; round++) {
            List<CompletableFuture<Void>> sets = new ArrayList<>();
            List<CompletableFuture<Boolean>> completedOnCaller = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                CompletableFuture<Void> set = cmap.setAsync(key, CmapValue.uint32(i));
                sets.add(set);
                if (!set.isDone()) {
                    // attached while pending: runs on the thread that completes it
                    completedOnCaller.add(set.thenApply(v -> Thread.currentThread() == caller));
                }
            }
            allDone(sets);
            allDone(completedOnCaller);
            onCaller = (int) completedOnCaller.stream().filter(CompletableFuture::join).count();
        }
        assertTrue(onCaller > 0, "no set of 50 rounds of 100 completed on the thread issuing them");
        assertEquals(99, cmap.getUint32(key), "the last set wins");
    }

    /**
     * Over shared memory the later of these requests gather while corosync works through the
     * first (decision 0027); the synchronous get takes them with it, and is answered after them.
     */
    @Test
    void aSynchronousCallAfterAsynchronousOnesSeesThemAllAndCompletesAfterThem() {
        String key = key("counter");
        cmap.setUint64(key, 0);
        for (int round = 1; round <= 20; round++) {
            List<CompletableFuture<Void>> incs = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                incs.add(cmap.incAsync(key));
            }
            assertEquals(200L * round, cmap.getUint64(key), "round " + round);
            assertTrue(incs.stream().allMatch(CompletableFuture::isDone), "answered in issue order");
            assertTrue(incs.stream().noneMatch(CompletableFuture::isCompletedExceptionally));
        }
    }

    /**
     * The README allows a synchronous call inside a completion action. Two hundred requests whose
     * actions make one each, none nested by the application, all succeed: the thread reading
     * their answers does not stack the next actions inside each call (it did, and past 32
     * levels the calls failed with LIBRARY).
     */
    @Test
    void completionActionsMakingOneSynchronousCallEachAllSucceed() {
        String key = key("action");
        cmap.setUint64(key, 7);
        List<CompletableFuture<Long>> actions = new ArrayList<>();
        try (CmapBatch batch = cmap.batch()) {
            for (int i = 0; i < 200; i++) {
                actions.add(batch.getAsync(key).thenApply(value -> cmap.getUint64(key)));
            }
        }
        allDone(actions);
        for (CompletableFuture<Long> action : actions) {
            assertEquals(7L, action.join());
        }
    }

    /**
     * A join, or a get, on a future of the handle inside a completion action: the thread running
     * the action is the one reading the handle's answers, so nobody else would read the one the
     * join waits for. It reads for itself, as a synchronous call in an action does; the join
     * waited for ever, and every later call on the handle with it.
     */
    @Test
    void aJoinInsideACompletionActionReadsTheAnswerItWaitsFor() {
        String first = key("joinFirst");
        String second = key("joinSecond");
        cmap.setUint32(first, 1);
        cmap.setUint32(second, 2);
        List<CompletableFuture<CmapValue>> direct = new ArrayList<>();
        List<CompletableFuture<Object>> derived = new ArrayList<>();
        List<CompletableFuture<CmapValue>> bounded = new ArrayList<>();
        try (CmapBatch batch = cmap.batch()) {
            for (int i = 0; i < 50; i++) {
                direct.add(batch.getAsync(first).thenApply(value -> cmap.getAsync(second).join()));
                // a future derived from the handle's: it completes when the one it depends on does
                derived.add(batch.getAsync(first).thenApply(value ->
                        cmap.getAsync(second).thenCompose(got -> cmap.getAsync(first).thenApply(again -> List.of(got, again)))
                                .join()));
                bounded.add(batch.getAsync(first).thenApply(value -> getWithin(cmap.getAsync(second))));
            }
        }
        for (int i = 0; i < 50; i++) {
            assertEquals(new CmapValue.UInt32(2), Expect.done(direct.get(i)));
            assertEquals(List.of(new CmapValue.UInt32(2), new CmapValue.UInt32(1)), Expect.done(derived.get(i)));
            assertEquals(new CmapValue.UInt32(2), Expect.done(bounded.get(i)));
        }
        assertEquals(2L, cmap.getUint32(second), "the handle goes on");
    }

    /** A join in an action on a future issued by the caller's own plain async call, not a batch. */
    @Test
    void aJoinInsideTheActionOfAPlainAsyncCallReadsTheAnswerItWaitsFor() {
        String key = key("joinPlain");
        cmap.setUint32(key, 5);
        List<CompletableFuture<CmapValue>> actions = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            actions.add(cmap.setAsync(key, new CmapValue.UInt32(5)).thenApply(done -> cmap.getAsync(key).join()));
        }
        for (CompletableFuture<CmapValue> action : actions) {
            assertEquals(new CmapValue.UInt32(5), Expect.done(action));
        }
    }

    /**
     * A synchronous call in a completion action that its thread runs while it waits inside a
     * typed call of its own: the action's first call reads the typed call's answer, and its
     * second, a typed call too, must not take the record that answer was kept in. It did (each
     * thread reuses one record for typed calls, once answered): the outer getUint32 returned the
     * action's value, and an outer inc threw the action's error (found by an audit, both
     * transports).
     */
    @Test
    void aTypedCallInsideAnActionRunInsideATypedCallLeavesThatCallItsOwnAnswer() {
        String outer = key("outer");
        String inner = key("inner");
        cmap.setUint32(outer, 1);
        cmap.setUint32(inner, 7);
        AtomicReference<CompletableFuture<Long>> action = new AtomicReference<>();
        Future<Long> call = whileItsThreadReads(() -> {
            // attached before the answer can arrive: the thread waiting in getUint32 reads it
            action.set(cmap.getAsync(inner).thenApply(value -> {
                cmap.setString(key("written"), "x"); // reads the outer call's answer on the way
                return cmap.getUint32(inner);
            }));
            return cmap.getUint32(outer);
        }, thread -> PipelineFrames.readsWhileCalling(thread, "getUint32"), "getUint32");
        assertEquals(7L, Expect.done(action.get()), "the action's own call");
        assertEquals(1L, Expect.done(call), "the typed call the action ran in");
    }

    /**
     * A join in a completion action that a thread starting an iteration runs while it holds the
     * wire (decision 0020): the joined request was held back until the hold ended, which it never
     * did, the holder waiting in the join; both waited for ever (found by an audit, both
     * transports). As README and decision 0034 say, the join reads what it waits for.
     */
    @Test
    void aJoinInsideAnActionRunWhileStartingAnIterationReadsTheAnswerItWaitsFor() {
        String key = key("joinHeld");
        cmap.setUint32(key, 3);
        AtomicReference<CompletableFuture<CmapValue>> action = new AtomicReference<>();
        Future<Integer> iterated = whileItsThreadReads(() -> {
            action.set(cmap.getAsync(key).thenApply(value -> cmap.getAsync(key).join()));
            return countKeys(keyPrefix());
        }, PipelineFrames::readsWhileHoldingTheWire, "iterate");
        assertEquals(CmapValue.uint32(3), Expect.done(action.get()), "the join in the action");
        assertEquals(1, Expect.done(iterated), "the iteration");
    }

    /**
     * An asynchronous request, then a synchronous one of the same key, in a completion action
     * that a thread starting an iteration runs: the synchronous one went out while the first
     * waited for the hold to end, and read the key as it was before (NOT_EXIST; found by an
     * audit, both transports). Requests are answered in the order they were made.
     */
    @Test
    void inAnActionRunWhileStartingAnIterationASynchronousCallSeesTheAsynchronousOnesBeforeIt() {
        String key = key("orderHeld");
        cmap.setUint32(key, 0);
        String written = key("writtenInAction");
        AtomicReference<CompletableFuture<Long>> action = new AtomicReference<>();
        Future<Integer> iterated = whileItsThreadReads(() -> {
            action.set(cmap.getAsync(key).thenApply(value -> {
                cmap.setAsync(written, CmapValue.uint32(5));
                return cmap.getUint32(written);
            }));
            return countKeys(keyPrefix());
        }, PipelineFrames::readsWhileHoldingTheWire, "iterate");
        assertEquals(5L, Expect.done(action.get()), "the get after the set");
        assertTrue(Expect.done(iterated) >= 1, "the iteration");
    }

    /**
     * Runs {@code call} on a thread of its own with corosync paused until that thread reads
     * answers itself inside the call ({@code readsThere}): the answers of requests it made
     * before are then read, and their completion actions run, on that thread, inside the call.
     */
    private <T> Future<T> whileItsThreadReads(Callable<T> call, Predicate<Thread> readsThere, String where) {
        AtomicReference<Thread> caller = new AtomicReference<>();
        corosync.pause();
        try {
            Future<T> result = threads(1).submit(() -> {
                caller.set(Thread.currentThread());
                return call.call();
            });
            Await.until(() -> readsThere.test(caller.get()), TIMEOUT,
                    () -> "the calling thread reads answers inside " + where);
            return result;
        } finally {
            corosync.resume();
        }
    }

    private int countKeys(String prefix) {
        int count = 0;
        try (CmapIterator keys = cmap.iterate(prefix)) {
            while (keys.hasNext()) {
                keys.next();
                count++;
            }
        }
        return count;
    }

    private static CmapValue getWithin(CompletableFuture<CmapValue> future) {
        try {
            return future.get(CorosyncScenarios.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("get inside a completion action", e);
        }
    }

    @Test
    void syncCallsFromManyThreadsAndAsyncCallsShareOneHandle() {
        String key = key("shared");
        cmap.setUint64(key, 0);
        int threads = 4;
        int perThread = 250;
        var pool = threads(threads);
        List<Future<?>> syncWork = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            syncWork.add(pool.submit(() -> {
                for (int i = 0; i < perThread; i++) {
                    cmap.inc(key);
                    cmap.getUint64(key);
                }
            }));
        }
        List<CompletableFuture<Void>> asyncWork = new ArrayList<>();
        for (int i = 0; i < threads * perThread; i++) {
            asyncWork.add(cmap.incAsync(key));
        }
        syncWork.forEach(Expect::done);
        allDone(asyncWork);
        assertEquals(2L * threads * perThread, cmap.getUint64(key));
    }
}
