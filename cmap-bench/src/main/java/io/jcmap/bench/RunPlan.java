package io.jcmap.bench;

/**
 * How many iterations each benchmark runs: warm-up first (not recorded), then measured. Every
 * count is bounded, and so is every wait (see {@link ClientBench#WATCHDOG}).
 *
 * <p>The measured counts at scale 1 match the C baseline's (native/cmap_bench.c). The warm-ups
 * are longer: the JIT compiles a path only after some 10,000 runs of it, and a connect, an
 * iteration pass or a tracking round runs each of its paths once, so they need more rounds
 * than C does before what is measured is compiled code. The asynchronous path (futures, the
 * drainer, the reads after each send) reached its steady rate only after some 200,000 sets in a
 * fresh JVM (measured), so its warm-up is that long, and, before the first window, at least
 * {@code asyncWarmupNanos} (3 s): on this session's machine a fresh JVM's first 500,000 sets
 * (128 in flight) cost the client 10.3 us of CPU each, the JIT's included, and the last 300,000
 * of them ran at 356,000 sets/s; the next runs in the same JVM, at 2.4 us, 416,000-425,000/s.
 * libcmap has no such path to compare. That warm-up first runs a quarter of the count on each
 * of the other three windows (batches of 64 and 128, {@code CmapBatch}, and one call each with
 * 128 in flight), whose own code the JIT was otherwise still compiling while they were timed;
 * before its row the second window adds a quarter of the count of its own, the two windows of
 * batches a tenth, and they time half of {@code asyncSets}.
 *
 * <p>Connects are timed in counts that take a few seconds per client and round:
 * {@value #SHM_CONNECTS} on SHM (3-14 ms each, as fast as corosync zeroes the rings),
 * {@value #SOCKET_CONNECTS} on the socket transport (about 0.25-0.4 ms each). With 400, a p99
 * was the fourth-slowest connect and swung by half the ratio from one run to the next; 1,000 SHM
 * connects took 10 s per client and round on the host of 2026-12-04 and the whole run over five
 * minutes.
 *
 * <p>A connect runs each of its paths once, so the JIT needs many connects to compile them:
 * 5,000 socket connects left 2-10 connects of 4,000 over 1 ms; in chunks of 3,000 (measured
 * apart, 2026-12-04) the median fell from 400 us to 290 us only after 12,000 connects and to
 * libcmap's 265 us after 21,000. So the socket warm-up takes {@code connectWarmup} connects or
 * {@code connectWarmupNanos} (8 s), whichever comes first. An SHM connect at libcmap's 1 MiB costs
 * corosync 3-14 ms of zeroing memory (about half that at jcmap's default of 512 KiB), too slow
 * to run thousands of; a client asking for 64 KiB messages runs the
 * same connect path in a fifth of the time (decision 0016). So SHM warms up with those for
 * {@code smallConnectWarmupNanos} (4 s), then with default connects for {@code
 * connectWarmupNanos} (1 s). SHM connect+close p99 was 4.3-4.6 ms after 4 s (1,300 default
 * connects) and 3.1-3.2 ms after 10 s, against libcmap's 3.3-3.6 ms.
 *
 * <p>get, set and inc each warm up for {@code opWarmup} operations and at least {@code
 * opWarmupNanos} (0.5 s), and get, the first of them, for at least {@code syncWarmupNanos}
 * (1 s): the synchronous path they share is compiled while it runs. With 15,000 operations
 * alone (about 0.2 s), three fresh JVMs measured get at 10.6-20.2 us at the median, set at
 * 9.7-11.7 us and inc at 4.8-15.8 us; after 2 s of gets and 0.5 s of each of the others, get at
 * 2.1-3.8 us, set at 2.3-3.9 us and inc at 2.3 us (SHM, measured apart on 2026-12-02; libcmap's
 * get 8.5-45.9 us in the same minutes); get's minimum was 2 s until each warm-up also went on
 * past its minimums until the JVM's other threads had been idle for a quarter of a second, the
 * JIT's compilations done, for {@code opWarmupLimitNanos} (2.5 s) at most ({@link Warmup} says why).
 *
 * <p>Tracking warms up in phases of {@code trackWarmup} notifications until {@code
 * trackWarmupNanos} (3 s) have passed. Its paths (the dispatcher's wait, the decoding of each
 * notification, the listener) run once per notification, and on two CPUs the JIT compiling
 * them takes CPU from corosync, the setter and the dispatcher alike. In fresh JVMs that ran
 * only this benchmark (measured apart, no spin), 20,000 notifications of warm-up left
 * 27,000-47,000 notifications/s (median 37,600, libcmap's 33,900 in the same minutes), and
 * 100,000 (about 3 s) left 35,000-60,000 (median 47,400).
 */
record RunPlan(long smallConnectWarmupNanos, int connectWarmup, long connectWarmupNanos, int connects,
               int opWarmup, long syncWarmupNanos, long opWarmupNanos, long opWarmupLimitNanos, int ops,
               int iterateWarmup, int iteratePasses, int trackWarmup, long trackWarmupNanos, int trackNotifications,
               int asyncWarmup, long asyncWarmupNanos, int asyncSets) {

    static final int SHM_CONNECTS = 600;
    static final int SOCKET_CONNECTS = 4_000;
    private static final long SHM_SMALL_CONNECT_WARMUP_NANOS = 4_000_000_000L;
    private static final long SHM_CONNECT_WARMUP_NANOS = 1_000_000_000L;
    private static final long SOCKET_CONNECT_WARMUP_NANOS = 8_000_000_000L;
    private static final long SYNC_WARMUP_NANOS = 1_000_000_000L;
    private static final long OP_WARMUP_NANOS = 500_000_000L;
    private static final long OP_WARMUP_LIMIT_NANOS = 2_500_000_000L;
    private static final long TRACK_WARMUP_NANOS = 3_000_000_000L;
    private static final long ASYNC_WARMUP_NANOS = 3_000_000_000L;
    /**
     * Sets timed per window of one call each (the batch windows time half): at 90,000-120,000
     * sets/s on the socket transport 1.3-1.7 s, and the four windows of three rounds with their
     * warm-ups then keep the whole run under five minutes (200,000 took it to 4 min 58 s).
     */
    private static final int ASYNC_SETS = 150_000;

    /** About this many connects per block of {@link #connectBlocks}: half a second on SHM here. */
    private static final int CONNECTS_PER_BLOCK = 50;
    private static final int MAX_CONNECT_BLOCKS = 20;

    /**
     * How many blocks each client's timed connects come in (ConnectPair): 12 of 50 on SHM, 20 of
     * 200 on the socket transport; at most 20, so that the turns themselves cost nothing measurable.
     */
    int connectBlocks() {
        return Math.max(1, Math.min(MAX_CONNECT_BLOCKS, connects / CONNECTS_PER_BLOCK));
    }

    static RunPlan scaled(String ipc, double scale) {
        if (!(scale > 0)) {
            throw new IllegalArgumentException("scale must be positive: " + scale);
        }
        boolean socket = ipc.equals("socket");
        int connects = socket ? SOCKET_CONNECTS : SHM_CONNECTS;
        long warmupNanos = (long) ((socket ? SOCKET_CONNECT_WARMUP_NANOS : SHM_CONNECT_WARMUP_NANOS) * scale);
        long smallWarmupNanos = socket ? 0 : (long) (SHM_SMALL_CONNECT_WARMUP_NANOS * scale);
        return new RunPlan(smallWarmupNanos, n(24_000, scale), warmupNanos, n(connects, scale), n(15_000, scale),
                (long) (SYNC_WARMUP_NANOS * scale), (long) (OP_WARMUP_NANOS * scale),
                (long) (OP_WARMUP_LIMIT_NANOS * scale), n(20_000, scale), n(40, scale),
                n(20, scale), n(20_000, scale), (long) (TRACK_WARMUP_NANOS * scale), n(20_000, scale),
                n(200_000, scale), (long) (ASYNC_WARMUP_NANOS * scale), n(ASYNC_SETS, scale));
    }

    private static int n(int count, double scale) {
        return (int) Math.max(1, count * scale);
    }
}
