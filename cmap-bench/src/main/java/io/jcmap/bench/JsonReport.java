package io.jcmap.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/** The comparison as JSON: machine facts, table rows, and the median latency distributions. */
final class JsonReport {
    private JsonReport() {
    }

    static String render(List<ComparisonRow> rows, Map<String, String> machine, RoundMedians medians) {
        StringJoiner facts = new StringJoiner(",\n    ", "{\n    ", "\n  }");
        machine.forEach((key, value) -> facts.add(string(key) + ": " + string(value)));
        StringJoiner table = new StringJoiner(",\n    ", "[\n    ", "\n  ]");
        for (ComparisonRow row : rows) {
            table.add("{\"operation\": " + string(row.operation()) + ", \"ipc\": " + string(row.ipc())
                    + ", \"metric\": " + string(row.metric()) + ", \"libcmap\": " + Fmt.json(row.libcmap())
                    + ", \"jcmap\": " + Fmt.json(row.jcmap()) + ", \"ratio\": " + Fmt.json(row.ratio())
                    + ", \"target\": " + string(row.target().describe()) + ", \"judges\": "
                    + string(row.judgesRatio() ? "ratio" : "jcmap") + ", \"verdict\": " + string(row.verdict()) + "}");
        }
        StringJoiner latencies = new StringJoiner(",\n    ", "[\n    ", "\n  ]");
        for (ResultLine line : latencyLines(medians)) {
            LatencySummary l = line.latency();
            latencies.add("{\"impl\": " + string(line.impl()) + ", \"ipc\": " + string(line.ipc()) + ", \"op\": "
                    + string(line.op()) + ", \"n\": " + line.n() + ", \"p50_ns\": " + l.p50() + ", \"p90_ns\": "
                    + l.p90() + ", \"p99_ns\": " + l.p99() + ", \"p999_ns\": " + l.p999() + ", \"min_ns\": "
                    + l.min() + ", \"max_ns\": " + l.max() + ", \"mean_ns\": " + Fmt.json(l.mean()) + "}");
        }
        return "{\n  \"machine\": " + facts + ",\n  \"rows\": " + table + ",\n  \"latency\": " + latencies + "\n}\n";
    }

    private static List<ResultLine> latencyLines(RoundMedians medians) {
        List<ResultLine> found = new ArrayList<>();
        for (String ipc : medians.ipcTypes()) {
            for (String op : Comparison.LATENCY_OPS) {
                for (String impl : List.of(Comparison.LIBCMAP, Comparison.JCMAP)) {
                    medians.result(impl, ipc, op).filter(ResultLine::isLatency).ifPresent(found::add);
                }
            }
        }
        return found;
    }

    static String string(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
