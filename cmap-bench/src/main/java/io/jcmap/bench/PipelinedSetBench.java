package io.jcmap.bench;

import io.jcmap.client.CmapHandle;
import io.jcmap.client.CmapValue;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sets per second with up to {@code window} {@code setAsync} calls in flight on one handle: a
 * permit is taken before each call and given back when its future completes. Timed from the first
 * call to the completion of the last. jcmap only: libcmap has no asynchronous set.
 */
final class PipelinedSetBench {
    /** Longest wait for a permit (one response) before the run is declared stuck. */
    private static final long PERMIT_WAIT_SECONDS = 10;

    private PipelinedSetBench() {
    }

    static ResultLine run(CmapHandle handle, ClientBench.Labels labels, RunPlan plan, int window)
            throws InterruptedException {
        long base = System.nanoTime();
        pump(handle, plan.asyncWarmup(), window, base);
        long start = System.nanoTime();
        pump(handle, plan.asyncSets(), window, base + plan.asyncWarmup());
        return labels.throughput("async_set_w" + window, plan.asyncSets(), System.nanoTime() - start);
    }

    private static void pump(CmapHandle handle, int count, int window, long base) throws InterruptedException {
        Semaphore permits = new Semaphore(window);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < count; i++) {
            acquire(permits, 1, window);
            handle.setAsync(BenchKeys.ASYNC, CmapValue.uint32((base + i) & 0xFFFF_FFFFL))
                    .whenComplete((ignored, error) -> {
                        if (error != null) {
                            failure.compareAndSet(null, error);
                        }
                        permits.release();
                    });
            if (failure.get() != null) {
                break;
            }
        }
        acquire(permits, window, window);
        if (failure.get() != null) {
            throw new IllegalStateException("async set failed", failure.get());
        }
    }

    private static void acquire(Semaphore permits, int count, int window) throws InterruptedException {
        if (!permits.tryAcquire(count, PERMIT_WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("async set (window " + window + "): no response within "
                    + PERMIT_WAIT_SECONDS + " s, " + (window - permits.availablePermits()) + " in flight");
        }
    }
}
