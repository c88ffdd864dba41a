package io.jcmap.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rows of the libcmap vs jcmap table, with the targets of issue #6: latency ratios
 * (jcmap / libcmap) at most 1, throughput ratios at least 1, pipelined async sets at least 5
 * times libcmap's synchronous set rate, at most 32 B allocated per synchronous get/set, at most
 * 64 KiB of heap per open handle.
 */
final class Comparison {
    static final String LIBCMAP = "libcmap";
    static final String JCMAP = ClientBench.IMPL;
    static final List<String> LATENCY_OPS = List.of("connect_close", "get", "set", "inc");
    /** jcmap's connect+close asking for libcmap's 1 MiB messages ({@link LatencyBench#connectCloseAtLibcmapSize}). */
    static final String LIBCMAP_SIZE_CONNECT = "connect_close_1m";
    static final List<String> ASYNC_OPS = List.of("async_set_w64", "async_set_w128", "batch_set_w64",
            "batch_set_w128");
    static final List<String> JMH_OPS = List.of("getUint32", "setUint32");
    /**
     * The C baseline's reference for the async rows: one thread pipelining SETs through libqb's
     * client API directly ({@code cmap_bench.c}), which libcmap has no calls for.
     */
    static final List<String> REFERENCE_OPS = List.of("qb_pipelined_w64", "qb_pipelined_w128");

    private static final double NANOS_PER_MICRO = 1_000;
    private static final double NANOS_PER_SECOND = 1e9;
    private static final double KIB = 1024;
    private static final Target NOT_SLOWER = new Target.AtMost(1.0);
    private static final Target NOT_LESS = new Target.AtLeast(1.0);
    private static final Target PIPELINE_GAIN = new Target.AtLeast(5.0);
    private static final Target ALLOCATION = new Target.AtMost(32);
    private static final Target HEAP_PER_HANDLE = new Target.AtMost(64);
    private static final Target INFO = new Target.None();

    private final RoundMedians medians;

    Comparison(RoundMedians medians) {
        this.medians = medians;
    }

    static String label(String op) {
        return switch (op) {
            case "connect_close" -> "connect+close";
            case "get" -> "get uint32";
            case "set" -> "set uint32";
            case "inc" -> "inc";
            case "iterate" -> "iterate all keys";
            case "track_notify" -> "track notifications";
            case "async_set_w64", "async_set_w128", "batch_set_w64", "batch_set_w128" -> "async set, " + window(op);
            default -> op;
        };
    }

    /** "64 in flight", or "64 in flight, in batches" for the {@code CmapBatch} runs. */
    private static String window(String op) {
        return windowSize(op) + " in flight" + (op.startsWith("batch") ? ", in batches" : "");
    }

    /** The number after the last "w" of an op's name ("qb_pipelined_w64": "64"). */
    private static String windowSize(String op) {
        return op.substring(op.lastIndexOf('w') + 1);
    }

    List<ComparisonRow> rows() {
        List<ComparisonRow> rows = new ArrayList<>();
        for (String ipc : medians.ipcTypes()) {
            for (String op : LATENCY_OPS) {
                latencyRows(rows, label(op), ipc, op, op, NOT_SLOWER);
            }
            // for information: both clients at libcmap's message size, which costs corosync
            // twice the default's rings at every SHM connect
            latencyRows(rows, "connect+close, jcmap at libcmap's 1 MiB messages (a quarter of the connects)", ipc,
                    "connect_close", LIBCMAP_SIZE_CONNECT, INFO);
            rows.add(throughputRow(ipc, "iterate", "keys/s"));
            rows.add(throughputRow(ipc, "track_notify", "notifications/s"));
            trackRows(rows, ipc);
            double syncSets = ops(LIBCMAP, ipc, "set");
            for (String op : ASYNC_OPS) {
                rows.add(new ComparisonRow(label(op) + " vs libcmap sync set", ipc, "ops/s", syncSets,
                        ops(JCMAP, ipc, op), PIPELINE_GAIN, true));
            }
            for (String op : ASYNC_OPS) {
                serverRows(rows, ipc, op, syncSets);
            }
            for (String op : REFERENCE_OPS) {
                referenceRows(rows, ipc, op, syncSets);
            }
            for (String op : JMH_OPS) {
                rows.add(new ComparisonRow("alloc " + op + " (JMH gc.alloc.rate.norm)", ipc, "B/op", Double.NaN,
                        medians.metric(JCMAP, ipc, "jmh_alloc_" + op), ALLOCATION, false));
            }
            for (String op : LATENCY_OPS) {
                rows.add(new ComparisonRow("alloc " + label(op) + " (harness, calling thread)", ipc, "B/op",
                        Double.NaN, medians.metric(JCMAP, ipc, "thread_alloc_" + op), INFO, false));
            }
            rows.add(new ComparisonRow("heap per open handle (100 handles)", ipc, "KiB", Double.NaN,
                    medians.metric(JCMAP, ipc, "heap_per_handle") / KIB, HEAP_PER_HANDLE, false));
            rows.add(new ComparisonRow("RSS per open handle (100 handles)", ipc, "KiB", Double.NaN,
                    medians.metric(JCMAP, ipc, "rss_per_handle") / KIB, INFO, false));
        }
        rows.removeIf(row -> Double.isNaN(row.jcmap()) && Double.isNaN(row.libcmap()));
        return rows;
    }

    /**
     * Where the tracking rows ran, for information: how often the setter was preempted per set
     * (about 1 where corosync shares its vCPU, the fast placement on a small machine) and
     * corosync's CPU time per set, for both clients.
     */
    private void trackRows(List<ComparisonRow> rows, String ipc) {
        rows.add(new ComparisonRow("track notifications: setter preempted per set (1: corosync on its vCPU)", ipc,
                "per set", medians.metric(LIBCMAP, ipc, "track_setter_preempted"),
                medians.metric(JCMAP, ipc, "track_setter_preempted"), INFO, false));
        rows.add(new ComparisonRow("corosync CPU per set, track notifications", ipc, "us",
                medians.metric(LIBCMAP, ipc, "server_cpu_track_notify") / NANOS_PER_MICRO,
                medians.metric(JCMAP, ipc, "server_cpu_track_notify") / NANOS_PER_MICRO, INFO, false));
    }

    /**
     * corosync's CPU time per pipelined set, and the rate it would reach at that cost on one
     * whole CPU (it serves a connection on one thread): jcmap cannot pass that ceiling while
     * corosync spends that much, though a client keeping more requests queued makes it spend less
     * ({@link #referenceRows}).
     */
    private void serverRows(List<ComparisonRow> rows, String ipc, String op, double syncSets) {
        double nanos = medians.metric(JCMAP, ipc, "server_cpu_" + op);
        rows.add(new ComparisonRow("corosync CPU per set, " + window(op), ipc, "us",
                Double.NaN, nanos / NANOS_PER_MICRO, INFO, false));
        rows.add(new ComparisonRow("corosync ceiling at that cost (one full CPU) vs libcmap sync set", ipc, "ops/s",
                syncSets, NANOS_PER_SECOND / nanos, INFO, true));
    }

    /**
     * What a client written in C reached pipelining on the same corosync, corosync's CPU per set
     * under it, and jcmap's calls one by one against it: how far jcmap is from a plain C client
     * on this machine, for information.
     */
    private void referenceRows(List<ComparisonRow> rows, String ipc, String op, double syncSets) {
        String window = window(op);
        double reference = ops(LIBCMAP, ipc, op);
        rows.add(new ComparisonRow("C on libqb directly (reference), " + window + " vs libcmap sync set", ipc,
                "ops/s", syncSets, reference, INFO, true));
        rows.add(new ComparisonRow("corosync CPU per set, C on libqb, " + window, ipc, "us", Double.NaN,
                medians.metric(LIBCMAP, ipc, "server_cpu_" + op) / NANOS_PER_MICRO, INFO, false));
        rows.add(new ComparisonRow("async set, " + window + ": jcmap vs the C reference", ipc, "ops/s", reference,
                ops(JCMAP, ipc, "async_set_w" + windowSize(op)), INFO, true));
    }

    private void latencyRows(List<ComparisonRow> rows, String label, String ipc, String libcmapOp, String jcmapOp,
                             Target target) {
        Optional<ResultLine> c = medians.result(LIBCMAP, ipc, libcmapOp);
        Optional<ResultLine> j = medians.result(JCMAP, ipc, jcmapOp);
        rows.add(new ComparisonRow(label, ipc, "p50 us", micros(c, LatencySummary::p50), micros(j, LatencySummary::p50),
                target, true));
        rows.add(new ComparisonRow(label, ipc, "p99 us", micros(c, LatencySummary::p99), micros(j, LatencySummary::p99),
                target, true));
    }

    private ComparisonRow throughputRow(String ipc, String op, String unit) {
        return new ComparisonRow(label(op), ipc, unit, ops(LIBCMAP, ipc, op), ops(JCMAP, ipc, op), NOT_LESS, true);
    }

    private double ops(String impl, String ipc, String op) {
        return medians.result(impl, ipc, op).map(ResultLine::opsPerSecond).orElse(Double.NaN);
    }

    private static double micros(Optional<ResultLine> line, java.util.function.ToLongFunction<LatencySummary> field) {
        return line.filter(ResultLine::isLatency)
                .map(r -> field.applyAsLong(r.latency()) / NANOS_PER_MICRO)
                .orElse(Double.NaN);
    }
}
