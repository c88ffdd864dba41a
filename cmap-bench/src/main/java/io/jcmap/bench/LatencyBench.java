package io.jcmap.bench;

import io.jcmap.client.Cmap;
import io.jcmap.client.CmapHandle;
import io.jcmap.client.CmapOptions;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * Round-trip latency of the primitive operations, one {@link System#nanoTime} pair per operation,
 * plus the bytes the calling thread allocated per operation over the timed loop.
 *
 * <p>Each operation has its own loop, not a shared loop over a lambda: a call site that has seen
 * several lambdas is not inlined, which would make allocations escape that a real caller's code
 * would not.
 */
final class LatencyBench {
    /** The message limit of the SHM connect warm-up's first part: 64 KiB, the timed path with cheaper rings. */
    static final int WARMUP_MESSAGE_SIZE = 64 * 1024;
    /**
     * A quarter of a round's connects for {@link #connectCloseAtLibcmapSize}: an SHM connect at
     * 1 MiB costs corosync about twice the default's (decision 0037), and the whole run must stay
     * under five minutes.
     */
    private static final int LIBCMAP_SIZE_CONNECTS_DIVISOR = 4;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final CmapHandle handle;
    private final ClientBench.Labels labels;
    private final RunPlan plan;
    /** corosync skips the store of an unchanged value: every set writes a new one. */
    private long nextValue = System.nanoTime() & 0xFFFF_FFFFL;
    private long sink;

    LatencyBench(CmapHandle handle, ClientBench.Labels labels, RunPlan plan) {
        this.handle = handle;
        this.labels = labels;
        this.plan = plan;
    }

    /** Connects and closes until the connect path is compiled (RunPlan says how long). */
    static void warmUpConnects(RunPlan plan) {
        // a connect runs each of its paths once: compiled code takes thousands of them (RunPlan).
        // The small connects take the timed path (no map selected), only their rings are smaller
        CmapOptions small = smallMessages();
        long smallEnd = System.nanoTime() + plan.smallConnectWarmupNanos();
        while (System.nanoTime() - smallEnd < 0) {
            Cmap.initialize(small).close();
        }
        long warmupEnd = System.nanoTime() + plan.connectWarmupNanos();
        for (int i = 0; i < plan.connectWarmup() && System.nanoTime() - warmupEnd < 0; i++) {
            Cmap.initialize().close();
        }
    }

    /** Connects and closes, untimed, for {@code nanos}. */
    static void connectFor(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() - end < 0) {
            Cmap.initialize().close();
        }
    }

    private static CmapOptions smallMessages() {
        return CmapOptions.builder().maxMessageSize(WARMUP_MESSAGE_SIZE).build();
    }

    /** {@code cmap_initialize} + {@code cmap_finalize}, {@code count} times, each timed into {@code samples}. */
    static void connectClose(Percentiles samples, int count) {
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            Cmap.initialize().close();
            samples.record(System.nanoTime() - start);
        }
    }

    /** The lines of {@link #connectClose(Percentiles, int)}'s samples, with what the calling thread allocated. */
    static List<BenchLine> connectCloseLines(ClientBench.Labels labels, Percentiles samples, long allocated) {
        return lines(labels, "connect_close", samples, allocated);
    }

    /**
     * connect+close asking for libcmap's 1 MiB messages instead of the default 512 KiB: corosync
     * creates and zeroes three rings of the size asked for at every SHM connect, so this row
     * shows the two clients at the same size, and what the default saves. Through
     * {@link Cmap#initialize(CmapOptions)}: like {@code cmap_initialize}, no map is selected.
     */
    static List<BenchLine> connectCloseAtLibcmapSize(ClientBench.Labels labels, RunPlan plan) {
        CmapOptions libcmapSize = CmapOptions.builder().maxMessageSize(CmapOptions.LIBCMAP_MAX_MESSAGE_SIZE).build();
        return connectClose(labels, Math.max(1, plan.connects() / LIBCMAP_SIZE_CONNECTS_DIVISOR),
                Comparison.LIBCMAP_SIZE_CONNECT, libcmapSize);
    }

    /** As {@code cmap_initialize} with {@code options}. */
    private static List<BenchLine> connectClose(ClientBench.Labels labels, int connects, String op,
                                                CmapOptions options) {
        Percentiles samples = new Percentiles(connects);
        long allocated = allocatedBytes();
        for (int i = 0; i < connects; i++) {
            long start = System.nanoTime();
            Cmap.initialize(options).close();
            samples.record(System.nanoTime() - start);
        }
        return lines(labels, op, samples, allocatedBytes() - allocated);
    }

    List<BenchLine> get() {
        // the first of the three: the synchronous path it shares with them is compiled during its warm-up
        Warmup warmup = Warmup.start(plan.opWarmup(), plan.syncWarmupNanos(), plan.opWarmupLimitNanos());
        do {
            sink += handle.getUint32(BenchKeys.GET);
        } while (warmup.goesOn());
        Percentiles samples = new Percentiles(plan.ops());
        long allocated = allocatedBytes();
        for (int i = 0; i < plan.ops(); i++) {
            long start = System.nanoTime();
            sink += handle.getUint32(BenchKeys.GET);
            samples.record(System.nanoTime() - start);
        }
        List<BenchLine> measured = lines(labels, "get", samples, allocatedBytes() - allocated);
        warmup.report(labels, "get"); // after the allocation count: the first print took 214 KB
        return measured;
    }

    List<BenchLine> set() {
        Warmup warmup = Warmup.start(plan.opWarmup(), plan.opWarmupNanos(), plan.opWarmupLimitNanos());
        do {
            handle.setUint32(BenchKeys.SET, nextValue());
        } while (warmup.goesOn());
        Percentiles samples = new Percentiles(plan.ops());
        long allocated = allocatedBytes();
        for (int i = 0; i < plan.ops(); i++) {
            long value = nextValue();
            long start = System.nanoTime();
            handle.setUint32(BenchKeys.SET, value);
            samples.record(System.nanoTime() - start);
        }
        List<BenchLine> measured = lines(labels, "set", samples, allocatedBytes() - allocated);
        warmup.report(labels, "set"); // after the allocation count: the first print took 214 KB
        return measured;
    }

    List<BenchLine> inc() {
        Warmup warmup = Warmup.start(plan.opWarmup(), plan.opWarmupNanos(), plan.opWarmupLimitNanos());
        do {
            handle.inc(BenchKeys.INC);
        } while (warmup.goesOn());
        Percentiles samples = new Percentiles(plan.ops());
        long allocated = allocatedBytes();
        for (int i = 0; i < plan.ops(); i++) {
            long start = System.nanoTime();
            handle.inc(BenchKeys.INC);
            samples.record(System.nanoTime() - start);
        }
        List<BenchLine> measured = lines(labels, "inc", samples, allocatedBytes() - allocated);
        warmup.report(labels, "inc"); // after the allocation count: the first print took 214 KB
        return measured;
    }

    /** Keeps the JIT from dropping the reads. */
    long sink() {
        return sink;
    }

    private long nextValue() {
        nextValue = (nextValue + 1) & 0xFFFF_FFFFL;
        return nextValue;
    }

    static long allocatedBytes() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    private static List<BenchLine> lines(ClientBench.Labels labels, String op, Percentiles samples, long allocated) {
        return List.of(samples.summarize(labels.round(), labels.impl(), labels.ipc(), op),
                labels.metric("thread_alloc_" + op, "B/op", (double) allocated / samples.count()));
    }
}
