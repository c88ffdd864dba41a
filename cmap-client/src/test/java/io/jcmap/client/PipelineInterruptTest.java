package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.protocol.cmap.ResponseHeaderDescriptor;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * An interrupt ends a synchronous call's wait with {@code INTERRUPT}, the status kept (decision
 * 0035); a call it does not end (one sent anyway) sleeps while it waits, not spins; and the
 * client's own response thread is not stopped by an interrupt an action left behind.
 */
class PipelineInterruptTest {
    private static final int RESPONSE_ID = ScriptedConnection.RESPONSE_ID;
    private static final int LENGTH = ResponseHeaderDescriptor.LENGTH;
    private static final long ENDS_WITHIN_MILLIS = 5_000;

    @Test
    void anInterruptEndsTheWaitOfACallerWaitingForAnotherReader() throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        CompletableFuture<Object> reader = firstCallReading(server, pipeline);
        Outcome second = Outcome.of(() -> get(pipeline, "b"));
        Waits.until(() -> server.sent.get() == 2, "the second call sent");
        second.thread.interrupt();
        second.assertInterrupted("the caller waiting for the first caller's reading");
        server.allowed.set(3); // the first's answer, the second's (late), and the third's
        assertEquals("a", reader.get(10, TimeUnit.SECONDS));
        assertEquals("c", get(pipeline, "c"), "the late answer of the interrupted call went to nobody");
    }

    @Test
    void anInterruptEndsTheWaitOfTheCallerReadingItsOwnAnswer() throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        Outcome reader = Outcome.of(() -> get(pipeline, "a"));
        Waits.until(() -> server.sent.get() == 1 && reader.thread.getState() == Thread.State.TIMED_WAITING,
                "the call sent, its caller reading");
        reader.thread.interrupt();
        reader.assertInterrupted("the caller reading");
        server.allowed.set(2);
        assertEquals("b", get(pipeline, "b"), "the late answer of the interrupted call went to nobody");
    }

    @Test
    void aCallMadeInterruptedFailsWithInterruptAndSendsNothing() {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        server.allowed.set(Integer.MAX_VALUE);
        Thread.currentThread().interrupt();
        try {
            CmapException e = assertThrows(CmapException.class, () -> get(pipeline, "a"));
            assertEquals(CsError.INTERRUPT, e.error(), e.getMessage());
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status is kept");
        } finally {
            Thread.interrupted();
        }
        assertEquals(0, server.sent.get(), "requests sent");
        assertEquals("b", get(pipeline, "b"));
    }

    /** A call sent anyway (one that lets go of what the server holds for us) waits on, asleep. */
    @Test
    void anInterruptedCallSentAnywayWaitsAsleepAndKeepsItsStatus() throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        CompletableFuture<Object> reader = firstCallReading(server, pipeline);
        AtomicReference<Object> answer = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread second = Thread.ofPlatform().daemon().start(() -> {
            answer.set(pipeline.call(new Pipeline.Call<>("track_delete", "b", RESPONSE_ID, LENGTH,
                    buffer -> LENGTH, (response, length) -> "b", null, true)));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        Waits.until(() -> server.sent.get() == 2, "the second call sent");
        second.interrupt();
        assertSleepsWhileWaiting(second, "the interrupted caller");
        server.allowed.set(2);
        second.join(10_000);
        assertEquals("a", reader.get(10, TimeUnit.SECONDS));
        assertEquals("b", answer.get(), "the interrupted call still got its own answer");
        assertTrue(stillInterrupted.get(), "the interrupt status is kept");
    }

    /** The same for a thread waiting to start an iteration while another one starts its own: nothing is sent. */
    @Test
    void anInterruptEndsTheWaitForAnotherThreadsHold() throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        Pipeline.Call<Object> opener = new Pipeline.Call<>("iter_init", null, RESPONSE_ID, LENGTH, buffer -> LENGTH,
                (response, length) -> "opened");
        CompletableFuture<Object> holder = CompletableFuture.supplyAsync(() -> pipeline.callHeld(opener,
                answer -> opener, 1).kept(), runnable -> Thread.ofPlatform().daemon().start(runnable));
        Waits.until(() -> server.sent.get() == 1, "the holder's opener sent");
        Outcome second = Outcome.of(() -> pipeline.callHeld(opener, answer -> opener, 1));
        Waits.until(() -> second.thread.getState() == Thread.State.TIMED_WAITING, "the second parks, waiting for the hold");
        second.thread.interrupt();
        second.assertInterrupted("the thread waiting for the hold");
        server.allowed.set(Integer.MAX_VALUE);
        assertEquals(true, holder.get(10, TimeUnit.SECONDS));
        assertEquals(2, server.sent.get(), "requests sent: the holder's two, none of the interrupted thread");
    }

    /**
     * A burst of requests read in turn (an iteration's fetch, callRepeated) ends within one read's
     * slice of the interrupt, not one slice per request still unanswered: 64 slices of 100 ms
     * kept an iterator's caller waiting 6.4 s after the interrupt.
     */
    @Test
    void anInterruptEndsABurstOfRequestsWithinOneReadSlice() throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        Pipeline.Call<Object> next = new Pipeline.Call<>("iter_next", null, RESPONSE_ID, LENGTH, buffer -> LENGTH,
                (response, length) -> "key");
        AtomicReference<Pipeline.Results<Object>> results = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread caller = Thread.ofPlatform().daemon().start(() -> {
            results.set(pipeline.callRepeated(next, KeyIterator.MAX_BURST));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        Waits.until(() -> server.sent.get() == KeyIterator.MAX_BURST && caller.getState() == Thread.State.TIMED_WAITING,
                "the burst sent, its caller reading");
        long interruptedAt = System.nanoTime();
        caller.interrupt();
        caller.join(TimeUnit.SECONDS.toMillis(10));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - interruptedAt);
        assertFalse(caller.isAlive(), "the caller still waits 10 s after the interrupt");
        assertTrue(tookMillis < 1_000, "the burst's caller returned " + tookMillis + " ms after the interrupt");
        CmapException e = assertInstanceOf(CmapException.class, results.get().failure());
        assertEquals(CsError.INTERRUPT, e.error(), e.getMessage());
        assertTrue(results.get().anySent(), "requests were sent");
        assertTrue(stillInterrupted.get(), "the interrupt status is kept");
        server.allowed.set(Integer.MAX_VALUE);
        assertEquals("after", get(pipeline, "after"), "the late answers of the burst went to nobody");
    }

    /** A get on a future, reading in a completion action, throws InterruptedException as CompletableFuture's does. */
    @Test
    void anInterruptEndsAGetReadingInACompletionAction() throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        CompletableFuture<Object> later = new CompletableFuture<>();
        CompletableFuture<Object> action = pipeline.callAsync("get", "a", RESPONSE_ID, LENGTH, buffer -> LENGTH,
                (response, length) -> "a").thenApply(value -> {
                    CompletableFuture<Object> unanswered = pipeline.callAsync("get", "b", RESPONSE_ID, LENGTH,
                            buffer -> LENGTH, (response, length) -> "b");
                    later.complete(unanswered);
                    Thread.currentThread().interrupt();
                    try {
                        return unanswered.get();
                    } catch (InterruptedException e) {
                        return "interrupted";
                    } catch (ExecutionException e) {
                        return e;
                    }
                });
        server.allowed.set(1);
        assertEquals("interrupted", action.get(10, TimeUnit.SECONDS));
        server.allowed.set(2);
        assertEquals("b", ((CompletableFuture<?>) later.get(10, TimeUnit.SECONDS)).get(10, TimeUnit.SECONDS),
                "the request the get waited for is answered all the same");
    }

    /** A first caller holding the receive lock while it waits for its own answer ("a"). */
    private static CompletableFuture<Object> firstCallReading(SlowServer server, Pipeline pipeline) {
        AtomicReference<Thread> first = new AtomicReference<>();
        CompletableFuture<Object> reader = CompletableFuture.supplyAsync(() -> get(pipeline, "a"),
                runnable -> first.set(Thread.ofPlatform().daemon().start(runnable)));
        // sent is not enough: until the first parks in its read, the second caller may take the receive lock
        Waits.until(() -> server.sent.get() == 1 && first.get() != null
                && first.get().getState() == Thread.State.TIMED_WAITING, "the first call sent, its caller reading");
        return reader;
    }

    private static Object get(Pipeline pipeline, String key) {
        return pipeline.call("get", key, RESPONSE_ID, LENGTH, buffer -> LENGTH, (response, length) -> key);
    }

    /** A call on a thread of its own, and how it ended. */
    private record Outcome(Thread thread, AtomicReference<Throwable> failure, AtomicBoolean stillInterrupted) {
        static Outcome of(Runnable call) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicBoolean stillInterrupted = new AtomicBoolean();
            Thread thread = Thread.ofPlatform().daemon().start(() -> {
                try {
                    call.run();
                } catch (Throwable e) {
                    failure.set(e);
                }
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            });
            return new Outcome(thread, failure, stillInterrupted);
        }

        void assertInterrupted(String what) throws InterruptedException {
            thread.join(ENDS_WITHIN_MILLIS);
            assertFalse(thread.isAlive(), what + " still waits " + ENDS_WITHIN_MILLIS + " ms after the interrupt");
            CmapException e = assertInstanceOf(CmapException.class, failure.get(), what + " ended with");
            assertEquals(CsError.INTERRUPT, e.error(), e.getMessage());
            assertTrue(stillInterrupted.get(), what + ": the interrupt status is kept");
        }
    }

    /**
     * A completion action run by the response thread leaves that thread interrupted (say, code
     * that restores a status it caught): the thread is the client's own, and must not spin on
     * the status afterwards. It did: every park of its idle loop returned at once, and an idle
     * handle used 0.67-0.84 of a CPU from then on (stress round h9, both transports).
     */
    @Test
    void aCompletionActionLeavingTheResponseThreadInterruptedDoesNotMakeItSpin() throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        AtomicReference<Thread> completer = new AtomicReference<>();
        CompletableFuture<Object> action = pipeline.callAsync("get", "k", RESPONSE_ID, LENGTH, buffer -> LENGTH,
                (response, length) -> "async").thenApply(value -> {
                    completer.set(Thread.currentThread());
                    Thread.currentThread().interrupt();
                    return value;
                });
        Waits.until(() -> server.sent.get() == 1, "the request sent");
        server.allowed.set(Integer.MAX_VALUE); // answered now, long after the caller's look: the response thread reads it
        assertEquals("async", action.get(10, TimeUnit.SECONDS));
        assertTrue(completer.get().getName().startsWith("jcmap-responses-"), "completed by " + completer.get());
        assertSleepsWhileWaiting(completer.get(), "the idle response thread");
        assertEquals("sync", pipeline.call("get", "k", RESPONSE_ID, LENGTH, buffer -> LENGTH, (response, length) -> "sync"),
                "the pipeline still works");
    }

    /**
     * The status one completion action leaves on the response thread is not another's: a later
     * action that makes a synchronous call, read in the same run of answers, is not interrupted.
     * It failed with INTERRUPT, the status cleared only once the run of answers was read.
     */
    @Test
    void aCompletionActionLeavingTheResponseThreadInterruptedDoesNotInterruptTheNextAction() throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        AtomicReference<Thread> first = new AtomicReference<>();
        CompletableFuture<Object> interrupting = pipeline.callAsync("get", "a", RESPONSE_ID, LENGTH, buffer -> LENGTH,
                (response, length) -> "a").thenApply(value -> {
                    first.set(Thread.currentThread());
                    Thread.currentThread().interrupt(); // as code restoring a status it caught does
                    return value;
                });
        AtomicReference<Thread> second = new AtomicReference<>();
        CompletableFuture<Object> calling = pipeline.callAsync("get", "b", RESPONSE_ID, LENGTH, buffer -> LENGTH,
                (response, length) -> "b").thenApply(value -> {
                    second.set(Thread.currentThread());
                    return value + "+" + get(pipeline, "c");
                });
        Waits.until(() -> server.sent.get() == 2, "both requests sent");
        server.allowed.set(Integer.MAX_VALUE); // both answers there at once: one run of the response thread
        assertEquals("a", interrupting.get(10, TimeUnit.SECONDS));
        assertEquals("b+c", calling.handle((value, failure) -> failure == null ? value : failure.getCause())
                .get(10, TimeUnit.SECONDS), "the second action's synchronous call");
        assertEquals(first.get(), second.get(), "both actions ran on one thread");
        assertTrue(first.get().getName().startsWith("jcmap-responses-"), "completed by " + first.get());
    }

    /** Over 300 ms of waiting (measured, not a stand-in for a condition), {@code waiter} uses under 100 ms of CPU. */
    private static void assertSleepsWhileWaiting(Thread waiter, String what) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long before = threads.getThreadCpuTime(waiter.threadId());
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
        long spent = threads.getThreadCpuTime(waiter.threadId()) - before;
        assertTrue(spent < TimeUnit.MILLISECONDS.toNanos(100), what + " spent " + spent / 1_000_000
                + " ms of CPU in 300 ms of waiting");
    }
}
