package io.jcmap.bench;

import java.util.Locale;

/**
 * A single figure: allocation per operation, heap per handle.
 *
 * @param name  e.g. "alloc_get", "heap_per_handle"
 * @param unit  e.g. "B/op", "B"
 * @param value the figure
 */
record MetricLine(String round, String impl, String ipc, String name, String unit, double value)
        implements BenchLine {

    @Override
    public String format() {
        return String.join(",", METRIC, round, impl, ipc, name, unit) + String.format(Locale.ROOT, ",%.3f", value);
    }
}
