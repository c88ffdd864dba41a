package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.protocol.cmap.ResponseHeaderDescriptor;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * After an asynchronous send on a transport where looking is free (SHM), the caller completes
 * the requests whose responses are already there (decision 0006); elsewhere the drainer does.
 */
class PipelineCallerReadsTest {
    private static final int RESPONSE_ID = ScriptedConnection.RESPONSE_ID;
    private static final int REQUESTS = 2_000;

    /** Answers every request at once: its response is waiting as soon as send() returns. */
    private static final class PromptServer extends ScriptedConnection {
        private final boolean looksWithoutSyscall;
        /** Until opened, a drainer waiting for a response is not told of any. */
        final CountDownLatch drainerSees = new CountDownLatch(1);
        private final AtomicInteger waiting = new AtomicInteger();

        PromptServer(boolean looksWithoutSyscall) {
            this.looksWithoutSyscall = looksWithoutSyscall;
        }

        @Override
        public boolean send(MemorySegment message, int length) {
            waiting.incrementAndGet();
            return true;
        }

        @Override
        public boolean awaitResponse(long timeoutNanos) {
            try {
                // held here until opened: a drainer back from a timeout would take the receive lock
                // for a moment, and a caller's tryLock falling in it leaves a response to the drainer
                while (!drainerSees.await(timeoutNanos, TimeUnit.NANOSECONDS)) {
                    checkOpen();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            return waitFor(timeoutNanos, false);
        }

        @Override
        public boolean looksWithoutSyscall() {
            return looksWithoutSyscall;
        }

        @Override
        public int receiveResponse(long timeoutNanos) {
            return waitFor(timeoutNanos, true) ? ResponseHeaderDescriptor.LENGTH : -1;
        }

        private boolean waitFor(long timeoutNanos, boolean take) {
            long deadline = System.nanoTime() + timeoutNanos;
            while (true) {
                checkOpen();
                int count = waiting.get();
                if (count > 0 && (!take || waiting.compareAndSet(count, count - 1))) {
                    return true;
                }
                if (System.nanoTime() - deadline >= 0) {
                    return false;
                }
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50));
            }
        }
    }

    private static CompletableFuture<Void> request(Pipeline pipeline) {
        return pipeline.callAsync("set", "k", RESPONSE_ID, ResponseHeaderDescriptor.LENGTH,
                buffer -> ResponseHeaderDescriptor.LENGTH, (response, length) -> null);
    }

    /** A request whose response is decoded (so its future completed) on the thread it returns. */
    private static CompletableFuture<Thread> readBy(Pipeline pipeline) {
        return pipeline.callAsync("set", "k", RESPONSE_ID, ResponseHeaderDescriptor.LENGTH,
                buffer -> ResponseHeaderDescriptor.LENGTH, (response, length) -> Thread.currentThread());
    }

    /**
     * Issues {@link #REQUESTS} while the drainer is kept from seeing responses, then lets it,
     * and counts the requests completed on the issuing thread.
     */
    private static int completedOnCaller(PromptServer server, Pipeline pipeline) throws Exception {
        List<CompletableFuture<Thread>> futures = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            futures.add(readBy(pipeline));
        }
        server.drainerSees.countDown();
        int onCaller = 0;
        for (CompletableFuture<Thread> future : futures) {
            if (future.get(10, TimeUnit.SECONDS) == Thread.currentThread()) {
                onCaller++;
            }
        }
        return onCaller;
    }

    @Test
    void aCallerCompletesTheResponsesWaitingAfterItsSend() throws Exception {
        PromptServer server = new PromptServer(true);
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        // each call completes the one before it; the last is left to the drainer
        assertEquals(REQUESTS - 1, completedOnCaller(server, pipeline));
    }

    @Test
    void theCallerNeverCompletesTheRequestItJustSent() throws Exception {
        // its answer waits at once, but an action attached on return must not run on this stack
        // (the drainer may still be quicker than the return: as with any reader thread)
        PromptServer server = new PromptServer(true);
        server.drainerSees.countDown();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        for (int i = 0; i < REQUESTS; i++) {
            CompletableFuture<Thread> future = readBy(pipeline);
            if (future.isDone()) {
                assertNotSame(Thread.currentThread(), future.get(), "request " + i + " completed inside its own call");
            }
        }
    }

    @Test
    void withoutFreeLooksTheDrainerCompletesThem() throws Exception {
        PromptServer server = new PromptServer(false);
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        assertEquals(0, completedOnCaller(server, pipeline));
    }

    @Test
    void aCallbackThatIssuesTheNextRequestDoesNotReadAgain() throws Exception {
        // each completion issues the next request; reading inside it would nest one frame per request.
        // The drainer is kept from the first answer until this thread has attached its action: had
        // it completed the future first, the action would run here, on this thread's stack, and so
        // would the next one whenever the drainer won that race again. On a loaded CI machine the
        // chain stopped at 825 of 50,000 (2026-12-07); a test thread made to lose the race every
        // time stopped at 961: its stack overflows inside the actions, where CompletableFuture
        // keeps the error.
        PromptServer server = new PromptServer(true);
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        int chain = 50_000;
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger completed = new AtomicInteger();
        Runnable[] next = new Runnable[1];
        next[0] = () -> request(pipeline).whenComplete((ignored, error) -> {
            if (error != null || completed.incrementAndGet() == chain) {
                done.countDown();
            } else {
                next[0].run();
            }
        });
        next[0].run();
        server.drainerSees.countDown();
        assertTrue(done.await(30, TimeUnit.SECONDS), () -> completed.get() + " of " + chain + " completed");
        assertEquals(chain, completed.get());
    }
}
