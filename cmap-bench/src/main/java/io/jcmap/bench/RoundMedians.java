package io.jcmap.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The rounds of one comparison folded into one figure each: the median over rounds, taken per
 * figure (the p50 is the median of the rounds' p50s, the p99 the median of their p99s, ...). On a
 * noisy machine one disturbed round then moves no figure.
 */
final class RoundMedians {
    private final List<BenchLine> lines;

    RoundMedians(List<BenchLine> lines) {
        this.lines = List.copyOf(lines);
    }

    /** The median result of {@code impl}'s {@code op} over all rounds, if it ran at all. */
    Optional<ResultLine> result(String impl, String ipc, String op) {
        List<ResultLine> rounds = lines.stream()
                .filter(line -> line instanceof ResultLine r && r.impl().equals(impl) && r.ipc().equals(ipc)
                        && r.op().equals(op))
                .map(ResultLine.class::cast)
                .toList();
        if (rounds.isEmpty()) {
            return Optional.empty();
        }
        long n = (long) median(rounds, r -> r.n());
        double ops = median(rounds, ResultLine::opsPerSecond);
        String round = "median of " + rounds.size();
        if (rounds.stream().anyMatch(r -> !r.isLatency())) {
            return Optional.of(ResultLine.throughput(round, impl, ipc, op, n, ops));
        }
        LatencySummary latency = new LatencySummary(
                (long) median(rounds, r -> r.latency().p50()), (long) median(rounds, r -> r.latency().p90()),
                (long) median(rounds, r -> r.latency().p99()), (long) median(rounds, r -> r.latency().p999()),
                (long) median(rounds, r -> r.latency().min()), (long) median(rounds, r -> r.latency().max()),
                median(rounds, r -> r.latency().mean()));
        return Optional.of(ResultLine.latency(round, impl, ipc, op, n, latency, ops));
    }

    /** The median of a metric over the rounds that reported it, NaN if none did. */
    double metric(String impl, String ipc, String name) {
        List<MetricLine> found = lines.stream()
                .filter(line -> line instanceof MetricLine m && m.impl().equals(impl) && m.ipc().equals(ipc)
                        && m.name().equals(name))
                .map(MetricLine.class::cast)
                .toList();
        return found.isEmpty() ? Double.NaN : median(found, MetricLine::value);
    }

    /** How many rounds of {@code impl} ran over {@code ipc} (distinct round labels of its results). */
    long rounds(String impl, String ipc) {
        return lines.stream()
                .filter(line -> line instanceof ResultLine && line.impl().equals(impl) && line.ipc().equals(ipc))
                .map(BenchLine::round)
                .distinct()
                .count();
    }

    /** The IPC types present, in order of first appearance. */
    List<String> ipcTypes() {
        return lines.stream().map(BenchLine::ipc).distinct().toList();
    }

    static <T> double median(List<T> items, ToDoubleFunction<T> figure) {
        double[] values = items.stream().mapToDouble(figure).toArray();
        Arrays.sort(values);
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
