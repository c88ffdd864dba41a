package io.jcmap.bench;

import io.jcmap.client.CmapBatch;
import io.jcmap.client.CmapHandle;
import io.jcmap.client.CmapValue;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Sets per second with up to {@code window} {@code setAsync} calls in flight on one handle,
 * timed from the first call to the completion of the last. jcmap only: libcmap has no
 * asynchronous set.
 *
 * <p>The window refills in halves, as a bulk writer would: the caller issues calls until the
 * window is full, then sleeps until half of it has completed. Handing each single completion to
 * a sleeping caller would measure thread wake-ups, not the client.
 *
 * <p>Two ways to issue them: one {@link CmapHandle#setAsync} call each ("async_set"), or each
 * refill as one {@link CmapBatch} ("batch_set"), which wakes corosync once per refill.
 */
final class PipelinedSetBench {
    /** Longest wait for the window to drain by half before the run is declared stuck. */
    private static final long DRAIN_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private PipelinedSetBench() {
    }

    /**
     * Warms up the path of every row before any is timed: {@code sets / 4} sets on each of the
     * other rows' windows (batches of 64 and of 128, then one call each with 128 in flight),
     * then runs of {@code sets} on the window timed first (one call each, 64 in flight) until
     * {@code minNanos} have passed since the start.
     *
     * <p>Why the others too: the batches' own code (encoding into the batch, the batch's send)
     * and the runs of 64 at 128 in flight were first run by their own rows, warmed up by 20,000
     * sets alone, and those rows were then timed while C2 compiled them and, at 128 in flight,
     * recompiled the send path after deoptimizing it ({@code -XX:+PrintCompilation}, socket,
     * 2026-12-05), while corosync waited for their requests: it was busy 0.79-0.87 of a CPU
     * under the batches in three processes, and 0.92-0.98 after this warm-up in three others
     * taking turns with them (socket, 2026-12-05).
     */
    static void warmUp(CmapHandle handle, int sets, long minNanos) throws InterruptedException {
        // corosync's CPU time is read once before the warm-up: the first read loads the file
        // system's classes, and loading them deoptimized jcmap's compiled request path
        // (ReentrantLock, ThreadLocal), which C2 then recompiled for some 0.5 s at the start of
        // the timed part, on the CPUs corosync needs (-XX:+PrintCompilation, 2026-12-05)
        ServerCpu.nanosOfNamedServer();
        long start = System.nanoTime();
        long base = start; // every set a new value
        int others = Math.max(1, sets / 4);
        new Pump(handle, 64, true).run(others, base);
        new Pump(handle, 128, true).run(others, base + others);
        new Pump(handle, 128, false).run(others, base + 2L * others);
        base += 3L * others;
        do {
            new Pump(handle, 64, false).run(sets, base);
            base += sets;
        } while (System.nanoTime() - start < minNanos);
    }

    /**
     * Times one row after {@link #warmUp}, and a further warm-up of {@code warmupSets} on its
     * own window: the throughput line, and with a server to watch ({@link ServerCpu}) a metric
     * of corosync's CPU time per set in the measured part.
     */
    static List<BenchLine> run(CmapHandle handle, ClientBench.Labels labels, int sets, int window,
                               boolean batched, int warmupSets) throws InterruptedException {
        long base = System.nanoTime();
        new Pump(handle, window, batched).run(warmupSets, base);
        base += warmupSets;
        OptionalLong serverBefore = ServerCpu.nanosOfNamedServer();
        long start = System.nanoTime();
        new Pump(handle, window, batched).run(sets, base);
        long elapsed = System.nanoTime() - start;
        OptionalLong serverAfter = ServerCpu.nanosOfNamedServer();
        String op = (batched ? "batch_set_w" : "async_set_w") + window;
        List<BenchLine> lines = new ArrayList<>();
        lines.add(labels.throughput(op, sets, elapsed));
        ServerCpu.growth(serverBefore, serverAfter).ifPresent(nanos ->
                lines.add(labels.metric("server_cpu_" + op, "ns/op", (double) nanos / sets)));
        return lines;
    }

    /** One run of {@code count} sets through a window that refills in halves. */
    private static final class Pump {
        private final CmapHandle handle;
        private final int window;
        /** Each refill's sets, sent together when the window is full; null: one call each. */
        private final CmapBatch batch;
        private final Thread caller = Thread.currentThread();
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Pump(CmapHandle handle, int window, boolean batched) {
            this.handle = handle;
            this.window = window;
            this.batch = batched ? handle.batch() : null;
        }

        void run(int count, long base) throws InterruptedException {
            for (int i = 0; i < count && failure.get() == null; i++) {
                if (inFlight.get() >= window) {
                    flush();
                    awaitAtMost(window / 2);
                }
                inFlight.incrementAndGet();
                CmapValue value = CmapValue.uint32((base + i) & 0xFFFF_FFFFL);
                (batch == null ? handle.setAsync(BenchKeys.ASYNC, value) : batch.setAsync(BenchKeys.ASYNC, value))
                        .whenComplete(this::completed);
            }
            flush();
            awaitAtMost(0);
            if (failure.get() != null) {
                throw new IllegalStateException("async set failed", failure.get());
            }
        }

        private void flush() {
            if (batch != null) {
                batch.flush();
            }
        }

        private void completed(Object ignored, Throwable error) {
            if (error != null) {
                failure.compareAndSet(null, error);
            }
            int left = inFlight.decrementAndGet();
            if (left == window / 2 || left == 0 || error != null) {
                LockSupport.unpark(caller);
            }
        }

        private void awaitAtMost(int level) {
            long deadline = System.nanoTime() + DRAIN_WAIT_NANOS;
            while (inFlight.get() > level && failure.get() == null) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("async set (window " + window + "): " + inFlight.get()
                            + " still in flight after " + TimeUnit.NANOSECONDS.toSeconds(DRAIN_WAIT_NANOS) + " s");
                }
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
    }
}
