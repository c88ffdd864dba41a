package io.jcmap.bench;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

/**
 * A warm-up loop's condition: it goes on for at least a count and a time, then until the JVM's
 * other threads (the JIT's compiler threads above all) have been idle for a whole window, and
 * for no longer than a limit.
 *
 * <p>Why: on two CPUs a compiler thread at work takes the CPU corosync needs to answer, and a
 * caller that spins before it sleeps then waits out its spin as well. In the run of 2026-12-05
 * 07:57 UTC jcmap's SHM set measured 36.8 us at the median against libcmap's 26.6, while get and
 * inc in the same rounds measured 6.0-7.9 us; run again with {@code -XX:+PrintCompilation}, C2
 * was still compiling the set path (finishSend, sendNow, ShmConnection.send, recompiled after a
 * deoptimization) 0.1-0.7 s into the measured loop, after its 0.5 s of warm-up. The compiler's
 * own counters only move when a compilation ends; the CPU time of the threads does while it runs.
 */
final class Warmup {
    /** How long the other threads must have been idle for the loop to stop. */
    static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** Idle: they used less than a fiftieth of one CPU over the window (a compilation takes all of one). */
    private static final long IDLE_SHARE = 50;
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final int minCount;
    private final long start;
    private final long minNanos;
    private final long limitNanos;
    private int count;
    private long windowStart;
    private long othersAtWindowStart;
    private boolean othersIdle;
    private long lastedNanos;

    private Warmup(int minCount, long minNanos, long limitNanos) {
        this.minCount = minCount;
        this.minNanos = minNanos;
        this.limitNanos = Math.max(minNanos, limitNanos);
        this.start = System.nanoTime();
        this.windowStart = start;
        this.othersAtWindowStart = othersCpuNanos();
    }

    /** Starts a warm-up of at least {@code minCount} runs and {@code minNanos}, and at most {@code limitNanos}. */
    static Warmup start(int minCount, long minNanos, long limitNanos) {
        return new Warmup(minCount, minNanos, limitNanos);
    }

    /** Counts one run; whether another one should follow. */
    boolean goesOn() {
        count++;
        long now = System.nanoTime();
        if (now - windowStart >= WINDOW_NANOS) {
            closeWindow(now);
        }
        long elapsed = now - start;
        if (count < minCount || elapsed < minNanos || (elapsed < limitNanos && !othersIdle)) {
            return true;
        }
        lastedNanos = elapsed;
        return false;
    }

    /** Logs, on standard error (the bench's log), how long the warm-up of {@code op} lasted and why it stopped. */
    void report(ClientBench.Labels labels, String op) {
        System.err.println(labels.impl() + " " + labels.ipc() + " round " + labels.round() + ": " + op
                + " warmed up with " + count + " runs in " + TimeUnit.NANOSECONDS.toMillis(lastedNanos) + " ms, "
                + (othersIdle ? "the other threads idle" : "at its limit, the other threads still busy"));
    }

    private void closeWindow(long now) {
        long others = othersCpuNanos();
        othersIdle = (others - othersAtWindowStart) * IDLE_SHARE < now - windowStart;
        othersAtWindowStart = others;
        windowStart = now;
    }

    /** The CPU time of every thread of the JVM but the calling one. */
    private static long othersCpuNanos() {
        return PROCESS.getProcessCpuTime() - THREADS.getCurrentThreadCpuTime();
    }
}
