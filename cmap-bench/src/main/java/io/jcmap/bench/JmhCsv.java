package io.jcmap.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the CSV that JMH writes with {@code -rf csv} into metric lines: the score of each
 * benchmark ({@code jmh_time_getUint32}, us/op) and each secondary result that bench/compare uses
 * ({@code jmh_alloc_getUint32}: {@code gc.alloc.rate.norm}, B/op).
 */
final class JmhCsv {
    private static final String ALLOC_NORM = "gc.alloc.rate.norm";
    private static final int BENCHMARK = 0;
    private static final int SCORE = 4;
    private static final int UNIT = 6;

    private JmhCsv() {
    }

    static List<MetricLine> read(Path file, String ipc) throws IOException {
        List<MetricLine> metrics = new ArrayList<>();
        List<String> rows = Files.readAllLines(file);
        for (String row : rows.subList(Math.min(1, rows.size()), rows.size())) {
            String[] f = row.split(",", -1);
            if (f.length <= UNIT) {
                continue;
            }
            String benchmark = unquote(f[BENCHMARK]);
            String method = benchmark.substring(benchmark.lastIndexOf('.', benchmark.indexOf(':') < 0
                    ? benchmark.length() : benchmark.indexOf(':')) + 1);
            double score = Double.parseDouble(f[SCORE]);
            if (!method.contains(":")) {
                metrics.add(new MetricLine("jmh", ClientBench.IMPL, ipc, "jmh_time_" + method, unquote(f[UNIT]), score));
            } else if (method.endsWith(":" + ALLOC_NORM)) {
                String name = method.substring(0, method.indexOf(':'));
                metrics.add(new MetricLine("jmh", ClientBench.IMPL, ipc, "jmh_alloc_" + name, unquote(f[UNIT]), score));
            }
        }
        return metrics;
    }

    private static String unquote(String field) {
        return field.length() >= 2 && field.startsWith("\"") && field.endsWith("\"")
                ? field.substring(1, field.length() - 1) : field;
    }
}
