package io.jcmap.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * connect+close and tracking of both clients in turns: the C baseline ({@link Baseline}) and
 * jcmap take their timed blocks alternately, in the order ABBA, so that both are measured over
 * the same seconds ({@link RunPlan#connectBlocks}, {@link RunPlan#trackBlocks}).
 *
 * <p>Timed inside the full runs, the two measurements of a round were 13-25 s apart, and on this
 * VM a connect's cost drifts by up to a tenth within that time: the three socket rounds of one
 * run measured 0.82x, 1.01x and 1.11x, and SHM measured 1.17x at 10:10 UTC and 0.92x at 12:59 UTC
 * on 2026-12-02 with no change on that path. Back to back, each client's 600 SHM connects still
 * took six seconds of their own: four such pairs measured apart on 2026-12-05 had libcmap's
 * medians at 10,693, 9,617, 9,860 and 9,239 us, a drift of 15 % between processes seconds apart,
 * against a difference between the clients of a few percent; round by round the median ratio
 * was 0.97-1.15x, and 0.98-1.01x in blocks of half a second. Notifications, timed inside each
 * client's run, moved between 22,000 and 39,000 a second on the socket transport from round to
 * round, for either client, and the ratio of a round between 0.82x and 1.65x.
 */
final class PairedBlocks {
    /**
     * How long jcmap connects again, untimed, after starting the baseline and before its own timed
     * connects. Starting a process (even {@code /bin/sleep}) slowed the JVM's next 1,000-2,000
     * socket connects (p90 418-430 us against 335-346 us before it, measured apart on
     * 2026-12-04); in two runs of that day jcmap's socket p99 was 1.13-1.31x libcmap's in every
     * round where libcmap went first, 0.94-0.98x where jcmap did. A program that connects does
     * not start processes in between, so this measures it as it runs.
     */
    private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** One client's timed block of {@code count}. */
    private interface Block {
        void run(int count) throws IOException, InterruptedException;
    }

    private PairedBlocks() {
    }

    /**
     * Starts the baseline, warms jcmap up, times connect+close and then tracking in blocks,
     * libcmap's first if {@code libcmapFirst}; prints jcmap's lines, then the baseline's.
     */
    static void run(ClientBench.Labels labels, RunPlan plan, boolean libcmapFirst, List<String> command,
                    PrintStream out) throws IOException, InterruptedException {
        try (Baseline baseline = Baseline.start(command)) {
            LatencyBench.warmUpConnects(plan);
            LatencyBench.connectFor(SETTLE_NANOS);
            Percentiles samples = new Percentiles(plan.connects());
            long[] allocated = new long[1];
            inTurns(plan.connects(), plan.connectBlocks(), libcmapFirst, baseline::connects, count -> {
                long before = LatencyBench.allocatedBytes();
                LatencyBench.connectClose(samples, count);
                allocated[0] += LatencyBench.allocatedBytes() - before;
            });
            LatencyBench.connectCloseLines(labels, samples, allocated[0]).forEach(line -> out.println(line.format()));
            long[] tracking = new long[1];
            try (TrackSession session = TrackSession.open(plan)) {
                inTurns(plan.trackNotifications(), plan.trackBlocks(), libcmapFirst, baseline::trackedSets,
                        count -> tracking[0] += session.phase(count));
            }
            out.println(labels.throughput("track_notify", plan.trackNotifications(), tracking[0]).format());
            baseline.finish().forEach(out::println);
        }
        // for information, after the pair: the price of libcmap's 1 MiB rings
        LatencyBench.connectCloseSmall(labels, plan).forEach(line -> out.println(line.format()));
        out.flush();
    }

    /** {@code total} in {@code blocks} blocks for each client, ABBA: neither always follows the other. */
    private static void inTurns(int total, int blocks, boolean libcmapFirst, Block libcmap, Block jcmap)
            throws IOException, InterruptedException {
        for (int block = 0; block < blocks; block++) {
            int size = blockSize(total, blocks, block);
            boolean libcmapNow = libcmapFirst == (block % 2 == 0);
            (libcmapNow ? libcmap : jcmap).run(size);
            (libcmapNow ? jcmap : libcmap).run(size);
        }
    }

    /** Block {@code block} of {@code blocks}: the counts differ by one at most and add up to {@code total}. */
    static int blockSize(int total, int blocks, int block) {
        return (int) ((long) total * (block + 1) / blocks - (long) total * block / blocks);
    }
}
