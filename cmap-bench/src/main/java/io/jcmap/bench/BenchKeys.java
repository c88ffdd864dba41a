package io.jcmap.bench;

/**
 * The keys every benchmark touches. {@code cmap_bench setup} (native/cmap_bench.c) creates them
 * all before the first round, so the map, and the number of keys iteration sees, is the same for
 * every round of both implementations. Keep the two files in step.
 */
final class BenchKeys {
    /** A UINT32 read by the get benchmark. */
    static final String GET = "bench.get";
    /** A UINT32 written by the set benchmark. */
    static final String SET = "bench.set";
    /** A UINT32 incremented by the inc benchmark. */
    static final String INC = "bench.inc";
    /** A UINT32 written by the pipelined async set benchmark (jcmap only). */
    static final String ASYNC = "bench.async";
    /** Prefix of the tracked keys. */
    static final String TRACK_PREFIX = "bench.track.";
    /** How many tracked keys the setter cycles through. */
    static final int TRACK_KEYS = 64;

    private BenchKeys() {
    }

    /** The name of tracked key {@code index}, as the C side prints it ({@code %02d}). */
    static String trackKey(int index) {
        return TRACK_PREFIX + (index < 10 ? "0" : "") + index;
    }
}
