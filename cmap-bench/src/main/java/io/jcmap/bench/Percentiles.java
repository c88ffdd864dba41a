package io.jcmap.bench;

import java.util.Arrays;

/**
 * Per-operation latencies in a preallocated array, summarised by nearest-rank percentiles.
 *
 * <p>Recording does not allocate, so the harness adds nothing to the allocation it measures. The
 * percentile rule is integer arithmetic and the same as the C baseline's, so both agree exactly
 * on the same samples.
 */
final class Percentiles {
    /** Percentiles are given in units of 1/100000: 50000 is the median. */
    static final long SCALE = 100_000;
    static final long P50 = 50_000;
    static final long P90 = 90_000;
    static final long P99 = 99_000;
    static final long P999 = 99_900;

    private final long[] samples;
    private int count;

    Percentiles(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        samples = new long[capacity];
    }

    void record(long nanos) {
        samples[count++] = nanos;
    }

    int count() {
        return count;
    }

    /** Sorts the samples and summarises them as a latency line. */
    ResultLine summarize(String round, String impl, String ipc, String op) {
        if (count == 0) {
            throw new IllegalStateException("no samples for " + op);
        }
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        long sum = 0;
        for (long sample : sorted) {
            sum += sample;
        }
        return ResultLine.latency(round, impl, ipc, op, count,
                new LatencySummary(at(sorted, P50), at(sorted, P90), at(sorted, P99), at(sorted, P999), sorted[0],
                        sorted[count - 1], (double) sum / count),
                count * 1e9 / sum);
    }

    /** The smallest sample with at least {@code p}/100000 of all samples at or below it. */
    static long at(long[] sorted, long p) {
        long n = sorted.length;
        long rank = (p * n + SCALE - 1) / SCALE;
        rank = Math.clamp(rank, 1, n);
        return sorted[(int) rank - 1];
    }
}
