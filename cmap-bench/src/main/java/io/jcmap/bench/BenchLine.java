package io.jcmap.bench;

import java.util.Optional;

/**
 * One machine-readable line of benchmark output, printed alike by the C baseline
 * (native/cmap_bench.c) and the Java harness, and read back by {@link Report}.
 *
 * <pre>
 * result,ROUND,IMPL,IPC,OP,latency,N,P50,P90,P99,P999,MIN,MAX,MEAN,OPS_PER_S   (nanoseconds)
 * result,ROUND,IMPL,IPC,OP,throughput,N,,,,,,,,OPS_PER_S
 * metric,ROUND,IMPL,IPC,NAME,UNIT,VALUE
 * </pre>
 */
sealed interface BenchLine permits ResultLine, MetricLine {
    String RESULT = "result";
    String METRIC = "metric";

    /** The run this line came from (rounds alternate libcmap and jcmap). */
    String round();

    /** "libcmap" or "jcmap". */
    String impl();

    /** "shm" or "socket". */
    String ipc();

    /** The CSV form. */
    String format();

    /** The line parsed, or empty for any other output (logs, warnings). */
    static Optional<BenchLine> parse(String line) {
        String[] f = line.strip().split(",", -1);
        if (f.length == 15 && f[0].equals(RESULT)) {
            return Optional.of(ResultLine.parse(f));
        }
        if (f.length == 7 && f[0].equals(METRIC)) {
            return Optional.of(new MetricLine(f[1], f[2], f[3], f[4], f[5], Double.parseDouble(f[6])));
        }
        return Optional.empty();
    }
}
