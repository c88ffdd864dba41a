package io.jcmap.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * connect+close of both clients back to back: jcmap warms up, then the C baseline and jcmap
 * take their timed connects one right after the other, in the order the round gives.
 *
 * <p>Timed inside the full runs, the two measurements of a round were 13-25 s apart (the other
 * client's whole run, or jcmap's own warm-up, lay between them), and on this VM a connect's
 * cost drifts by up to a tenth within that time: the three socket rounds of one run measured
 * 0.82x, 1.01x and 1.11x, and SHM measured 1.17x at 10:10 UTC and 0.92x at 12:59 UTC on
 * 2026-12-02 with no change on that path. Back to back, the drift falls on both sides alike.
 */
final class ConnectPair {
    /** Longest the C baseline may take for its connects. */
    private static final long BASELINE_TIMEOUT_SECONDS = 60;
    /**
     * How long jcmap connects again, untimed, after starting the baseline and before its own timed
     * connects. Starting a process (even {@code /bin/sleep}) slowed the JVM's next 1,000-2,000
     * socket connects (p90 418-430 us against 335-346 us before it, measured apart on
     * 2026-12-04); in two runs of that day jcmap's socket p99 was 1.13-1.31x libcmap's in every
     * round where libcmap went first, 0.94-0.98x where jcmap did. A program that connects does
     * not start processes in between, so this measures it as it runs.
     */
    private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private ConnectPair() {
    }

    /**
     * Warms jcmap's connect path up, then times libcmap (by running {@code baseline}, whose
     * lines go straight to our stdout) and jcmap in the order {@code libcmapFirst} says.
     */
    static void run(ClientBench.Labels labels, RunPlan plan, boolean libcmapFirst, List<String> baseline,
                    PrintStream out) throws IOException, InterruptedException {
        LatencyBench.warmUpConnects(plan);
        if (libcmapFirst) {
            runBaseline(baseline, out);
            LatencyBench.connectFor(SETTLE_NANOS);
        }
        LatencyBench.connectClose(labels, plan).forEach(line -> out.println(line.format()));
        out.flush();
        if (!libcmapFirst) {
            runBaseline(baseline, out);
        }
        // for information, after the pair: the price of libcmap's 1 MiB rings
        LatencyBench.connectCloseSmall(labels, plan).forEach(line -> out.println(line.format()));
        out.flush();
    }

    private static void runBaseline(List<String> command, PrintStream out) throws IOException, InterruptedException {
        out.flush(); // its lines follow ours in the same file
        Process baseline = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        if (!baseline.waitFor(BASELINE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            baseline.destroyForcibly();
            throw new IllegalStateException("the C baseline's connects took over " + BASELINE_TIMEOUT_SECONDS + " s");
        }
        if (baseline.exitValue() != 0) {
            throw new IllegalStateException("the C baseline's connects failed: exit " + baseline.exitValue());
        }
    }
}
