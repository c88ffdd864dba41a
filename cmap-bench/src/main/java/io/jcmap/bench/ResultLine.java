package io.jcmap.bench;

import java.util.Locale;

/**
 * A measured operation: per-operation latencies ({@link #latency} set) or a throughput only.
 *
 * @param op           operation name, e.g. "get", "iterate", "async_set_w128"
 * @param n            operations (or items: keys, notifications) measured
 * @param latency      percentiles, null for a throughput line
 * @param opsPerSecond operations (or items) per second
 */
record ResultLine(String round, String impl, String ipc, String op, long n, LatencySummary latency,
                  double opsPerSecond) implements BenchLine {

    static ResultLine latency(String round, String impl, String ipc, String op, long n, LatencySummary latency,
                              double opsPerSecond) {
        return new ResultLine(round, impl, ipc, op, n, latency, opsPerSecond);
    }

    static ResultLine throughput(String round, String impl, String ipc, String op, long n, double opsPerSecond) {
        return new ResultLine(round, impl, ipc, op, n, null, opsPerSecond);
    }

    boolean isLatency() {
        return latency != null;
    }

    @Override
    public String format() {
        String head = String.join(",", RESULT, round, impl, ipc, op);
        if (latency == null) {
            return head + ",throughput," + n + ",,,,,,,," + String.format(Locale.ROOT, "%.1f", opsPerSecond);
        }
        return head + String.format(Locale.ROOT, ",latency,%d,%d,%d,%d,%d,%d,%d,%.1f,%.1f", n, latency.p50(),
                latency.p90(), latency.p99(), latency.p999(), latency.min(), latency.max(), latency.mean(),
                opsPerSecond);
    }

    static ResultLine parse(String[] f) {
        long n = Long.parseLong(f[6]);
        double ops = Double.parseDouble(f[14]);
        return switch (f[5]) {
            case "latency" -> latency(f[1], f[2], f[3], f[4], n, new LatencySummary(Long.parseLong(f[7]),
                    Long.parseLong(f[8]), Long.parseLong(f[9]), Long.parseLong(f[10]), Long.parseLong(f[11]),
                    Long.parseLong(f[12]), Double.parseDouble(f[13])), ops);
            case "throughput" -> throughput(f[1], f[2], f[3], f[4], n, ops);
            default -> throw new IllegalArgumentException("unknown result kind " + f[5]);
        };
    }
}
