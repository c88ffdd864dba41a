package io.jcmap.bench;

import io.jcmap.client.Cmap;
import io.jcmap.client.CmapHandle;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * The jcmap side of bench/compare: the operations of the C baseline, timed the same way, printed
 * as the same {@link BenchLine}s on stdout; plus pipelined async sets and allocation per
 * operation, which only the Java client has.
 *
 * <pre>
 * ClientBench run IPC ROUND [SCALE]
 * ClientBench connect IPC ROUND SCALE libcmap|jcmap BASELINE-COMMAND...
 * ClientBench footprint IPC [HANDLES]
 * </pre>
 *
 * {@code connect} times connect+close of both clients in alternating blocks ({@link ConnectPair}):
 * the baseline command is the C client's {@code cmap_bench connect IPC ROUND SCALE}, and the
 * fourth argument says which client's block comes first. {@code run} times everything else.
 *
 * A watchdog ends the JVM (exit 3) if the run takes longer than {@link #WATCHDOG}: a hung
 * benchmark must never hang the comparison.
 */
public final class ClientBench {
    static final String IMPL = "jcmap";
    static final Duration WATCHDOG = Duration.ofSeconds(150);
    private static final int DEFAULT_HANDLES = 100;

    private ClientBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 3 && args[0].equals("run")) {
            Watchdog.start(WATCHDOG);
            double scale = args.length >= 4 ? Double.parseDouble(args[3]) : 1.0;
            run(args[1], args[2], RunPlan.scaled(args[1], scale), System.out);
        } else if (args.length >= 6 && args[0].equals("connect")) {
            Watchdog.start(WATCHDOG);
            RunPlan plan = RunPlan.scaled(args[1], Double.parseDouble(args[3]));
            boolean libcmapFirst = order(args[4]);
            ConnectPair.run(new Labels(args[2], IMPL, args[1]), plan, libcmapFirst,
                    List.of(args).subList(5, args.length), System.out);
        } else if (args.length >= 2 && args[0].equals("footprint")) {
            Watchdog.start(WATCHDOG);
            int handles = args.length >= 3 ? Integer.parseInt(args[2]) : DEFAULT_HANDLES;
            HandleFootprint.measure(args[1], handles).forEach(line -> System.out.println(line.format()));
        } else {
            System.err.println("usage: ClientBench run IPC ROUND [SCALE] | connect IPC ROUND SCALE libcmap|jcmap"
                    + " BASELINE-COMMAND... | footprint IPC [HANDLES]");
            System.exit(1);
        }
        System.out.flush();
        System.exit(0); // no lingering non-daemon thread may keep a finished run alive
    }

    static void run(String ipc, String round, RunPlan plan, PrintStream out) throws InterruptedException {
        Labels labels = new Labels(round, IMPL, ipc);
        try (CmapHandle handle = Cmap.initialize()) {
            LatencyBench ops = new LatencyBench(handle, labels, plan);
            emit(out, ops.get());
            emit(out, ops.set());
            emit(out, ops.inc());
            emit(out, IterateBench.run(handle, labels, plan));
            // one warm-up for the four rows (PipelinedSetBench.warmUp says why), which ends on the
            // first row's window; the others then warm up briefly on their own. The batches, at
            // 1.1-1.3 times the per-call rate on the socket transport and 3-4 times on SHM, time
            // half the count, for a run that stays under five minutes.
            int sets = plan.asyncSets();
            PipelinedSetBench.warmUp(handle, plan.asyncWarmup(), plan.asyncWarmupNanos());
            int topUp = Math.max(1, plan.asyncWarmup() / 4);
            int batchTopUp = Math.max(1, plan.asyncWarmup() / 10);
            emit(out, PipelinedSetBench.run(handle, labels, sets, 64, false, 0));
            emit(out, PipelinedSetBench.run(handle, labels, sets, 128, false, topUp));
            emit(out, PipelinedSetBench.run(handle, labels, Math.max(1, sets / 2), 64, true, batchTopUp));
            emit(out, PipelinedSetBench.run(handle, labels, Math.max(1, sets / 2), 128, true, batchTopUp));
        }
        emit(out, TrackBench.run(labels, plan));
    }

    private static boolean order(String first) {
        return switch (first) {
            case "libcmap" -> true;
            case IMPL -> false;
            default -> throw new IllegalArgumentException("who goes first: libcmap or jcmap, not " + first);
        };
    }

    private static void emit(PrintStream out, Iterable<? extends BenchLine> lines) {
        for (BenchLine line : lines) {
            out.println(line.format());
        }
        out.flush();
    }

    private static void emit(PrintStream out, BenchLine line) {
        out.println(line.format());
        out.flush();
    }

    /** What every line of one run carries. */
    record Labels(String round, String impl, String ipc) {
        ResultLine throughput(String op, long n, long elapsedNanos) {
            return ResultLine.throughput(round, impl, ipc, op, n, n * 1e9 / elapsedNanos);
        }

        MetricLine metric(String name, String unit, double value) {
            return new MetricLine(round, impl, ipc, name, unit, value);
        }
    }
}
