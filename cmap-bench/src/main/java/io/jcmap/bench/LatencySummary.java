package io.jcmap.bench;

/**
 * Latency percentiles of one operation in one run, in nanoseconds.
 *
 * @param p50  median
 * @param p90  90th percentile
 * @param p99  99th percentile
 * @param p999 99.9th percentile
 * @param min  fastest sample
 * @param max  slowest sample
 * @param mean arithmetic mean
 */
record LatencySummary(long p50, long p90, long p99, long p999, long min, long max, double mean) {
}
