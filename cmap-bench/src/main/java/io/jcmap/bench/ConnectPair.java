package io.jcmap.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * connect+close of both clients in turns: jcmap warms up, then the C baseline and jcmap take
 * their timed connects in alternating blocks ({@link RunPlan#connectBlocks}), so that both are
 * measured over the same seconds.
 *
 * <p>Timed inside the full runs, the two measurements of a round were 13-25 s apart, and on this
 * VM a connect's cost drifts by up to a tenth within that time: the three socket rounds of one
 * run measured 0.82x, 1.01x and 1.11x, and SHM measured 1.17x at 10:10 UTC and 0.92x at 12:59 UTC
 * on 2026-12-02 with no change on that path. Back to back, each client's 600 SHM connects still
 * took six seconds of their own: four such pairs measured apart on 2026-12-05 had libcmap's
 * medians at 10,693, 9,617, 9,860 and 9,239 us, a drift of 15 % between processes seconds apart,
 * against a difference between the clients of a few percent. In blocks of half a second, taken
 * in the order ABBA, the drift falls on both alike.
 */
final class ConnectPair {
    /** Longest the C baseline may take to end once its input has. */
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
     * Starts the baseline ({@code cmap_bench connect}), warms jcmap's connect path up, and
     * times both in blocks, libcmap's first if {@code libcmapFirst}; prints jcmap's lines, then
     * the baseline's.
     */
    static void run(ClientBench.Labels labels, RunPlan plan, boolean libcmapFirst, List<String> baseline,
                    PrintStream out) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(baseline).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (Writer requests = process.outputWriter(StandardCharsets.US_ASCII);
             BufferedReader answers = process.inputReader(StandardCharsets.US_ASCII)) {
            expect(answers, "ready");
            LatencyBench.warmUpConnects(plan);
            LatencyBench.connectFor(SETTLE_NANOS);
            Timed jcmap = timeInBlocks(plan, libcmapFirst, requests, answers);
            LatencyBench.connectCloseLines(labels, jcmap.samples(), jcmap.allocated())
                    .forEach(line -> out.println(line.format()));
            requests.close(); // the end of its input: it prints its line
            List<String> lines = rest(answers);
            await(process);
            lines.forEach(out::println);
        } finally {
            process.destroyForcibly();
        }
        // for information, after the pair: jcmap at libcmap's 1 MiB rings
        LatencyBench.connectCloseAtLibcmapSize(labels, plan).forEach(line -> out.println(line.format()));
        out.flush();
    }

    /** jcmap's timed connects and what its thread allocated during them. */
    private record Timed(Percentiles samples, long allocated) {
    }

    /** Both clients' timed connects, block by block in the order ABBA; returns jcmap's. */
    private static Timed timeInBlocks(RunPlan plan, boolean libcmapFirst, Writer requests, BufferedReader answers)
            throws IOException {
        Percentiles samples = new Percentiles(plan.connects());
        long allocated = 0;
        int blocks = plan.connectBlocks();
        for (int block = 0; block < blocks; block++) {
            int size = blockSize(plan.connects(), blocks, block);
            // ABBA: neither client always follows the other's block
            boolean libcmapNow = libcmapFirst == (block % 2 == 0);
            for (int turn = 0; turn < 2; turn++, libcmapNow = !libcmapNow) {
                if (libcmapNow) {
                    baselineBlock(requests, answers, size);
                } else {
                    long before = LatencyBench.allocatedBytes();
                    LatencyBench.connectClose(samples, size);
                    allocated += LatencyBench.allocatedBytes() - before;
                }
            }
        }
        return new Timed(samples, allocated);
    }

    /** Asks the baseline for {@code size} timed connects and waits until it has taken them. */
    private static void baselineBlock(Writer requests, BufferedReader answers, int size) throws IOException {
        requests.write(size + "\n");
        requests.flush();
        expect(answers, "done");
    }

    /** Block {@code block} of {@code blocks}: the counts differ by one at most and add up to {@code total}. */
    static int blockSize(int total, int blocks, int block) {
        return (int) ((long) total * (block + 1) / blocks - (long) total * block / blocks);
    }

    private static void expect(BufferedReader answers, String word) throws IOException {
        String line = answers.readLine();
        if (!word.equals(line)) {
            throw new IllegalStateException("the C baseline answered " + (line == null ? "nothing" : "'" + line + "'")
                    + " where it should have said '" + word + "'");
        }
    }

    private static List<String> rest(BufferedReader answers) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line = answers.readLine(); line != null; line = answers.readLine()) {
            lines.add(line);
        }
        return lines;
    }

    private static void await(Process process) throws InterruptedException {
        if (!process.waitFor(BASELINE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the C baseline did not end within " + BASELINE_TIMEOUT_SECONDS + " s");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("the C baseline's connects failed: exit " + process.exitValue());
        }
    }
}
