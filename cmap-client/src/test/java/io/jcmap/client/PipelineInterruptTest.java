package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.protocol.cmap.ResponseHeaderDescriptor;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * An interrupt does not end a synchronous call (libcmap's calls neither), and the status is kept;
 * a caller waiting for another thread to read its answer must still sleep, not spin.
 */
class PipelineInterruptTest {
    private static final int RESPONSE_ID = ScriptedConnection.RESPONSE_ID;
    private static final int LENGTH = ResponseHeaderDescriptor.LENGTH;

    @Test
    void anInterruptedCallerWaitingForAnotherReaderSleepsAndKeepsItsStatus() throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        // a first caller holds the receive lock while it waits for its own answer
        AtomicReference<Thread> first = new AtomicReference<>();
        CompletableFuture<Object> reader = CompletableFuture.supplyAsync(() -> pipeline.call("get", "a", RESPONSE_ID,
                LENGTH, buffer -> LENGTH, (response, length) -> "a"),
                runnable -> first.set(Thread.ofPlatform().daemon().start(runnable)));
        // sent is not enough: until the first parks in its read, the second caller may take the receive lock
        Waits.until(() -> server.sent.get() == 1 && first.get().getState() == Thread.State.TIMED_WAITING,
                "the first call sent, its caller reading");
        AtomicReference<Object> answer = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread second = Thread.ofPlatform().daemon().start(() -> {
            answer.set(pipeline.call("get", "b", RESPONSE_ID, LENGTH, buffer -> LENGTH, (response, length) -> "b"));
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

    /** The same for a thread waiting to start an iteration while another one starts its own. */
    @Test
    void anInterruptedThreadWaitingForAHoldSleepsAndKeepsItsStatus() throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        Pipeline.Call<Object> opener = new Pipeline.Call<>("iter_init", null, RESPONSE_ID, LENGTH, buffer -> LENGTH,
                (response, length) -> "opened");
        CompletableFuture<Object> holder = CompletableFuture.supplyAsync(() -> pipeline.callHeld(opener,
                answer -> opener, 1).kept(), runnable -> Thread.ofPlatform().daemon().start(runnable));
        Waits.until(() -> server.sent.get() == 1, "the holder's opener sent");
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread second = Thread.ofPlatform().daemon().start(() -> {
            pipeline.callHeld(opener, answer -> opener, 1);
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        Waits.until(() -> second.getState() == Thread.State.TIMED_WAITING, "the second parks, waiting for the hold");
        assertEquals(1, server.sent.get(), "the second waits for the hold");
        second.interrupt();
        assertSleepsWhileWaiting(second, "the interrupted waiter");
        server.allowed.set(Integer.MAX_VALUE);
        assertEquals(true, holder.get(10, TimeUnit.SECONDS));
        second.join(10_000);
        assertTrue(stillInterrupted.get(), "the interrupt status is kept");
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
