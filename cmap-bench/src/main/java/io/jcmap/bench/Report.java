package io.jcmap.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns one bench/compare run into its report: reads {@code OUT/raw.csv} (every round's lines),
 * {@code OUT/jmh-IPC.csv} and {@code OUT/machine.txt}; prints the table; writes
 * {@code results.md}, {@code results.json} and {@code latency.svg} into {@code OUT}.
 *
 * <pre>Report OUT_DIR</pre>
 *
 * Exit status 0, or 1 with {@code --strict} when any target FAILs.
 */
public final class Report {
    static final String RAW = "raw.csv";
    static final String MACHINE = "machine.txt";
    static final String MARKDOWN = "results.md";
    static final String JSON = "results.json";
    static final String CHART = "latency.svg";

    private Report() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: Report OUT_DIR [--strict]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        boolean strict = args.length > 1 && args[1].equals("--strict");
        List<BenchLine> lines = readLines(out);
        Map<String, String> machine = readMachine(out.resolve(MACHINE));
        RoundMedians medians = new RoundMedians(lines);
        List<ComparisonRow> rows = new Comparison(medians).rows();
        String title = "jcmap vs libcmap" + Optional.ofNullable(machine.get("date")).map(d -> ", " + d).orElse("");

        System.out.print(TextTable.render(rows));
        System.out.println(TextTable.summary(rows, roundsNote(medians)));
        Files.writeString(out.resolve(MARKDOWN), MarkdownReport.render(title, rows, machine, roundsNote(medians)));
        Files.writeString(out.resolve(JSON), JsonReport.render(rows, machine, medians));
        Files.writeString(out.resolve(CHART), new LatencyChart(medians).render(title));
        System.exit(strict && rows.stream().anyMatch(r -> r.verdict().equals("FAIL")) ? 1 : 0);
    }

    static List<BenchLine> readLines(Path out) throws IOException {
        List<BenchLine> lines = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve(RAW))) {
            BenchLine.parse(line).ifPresent(lines::add);
        }
        try (DirectoryStream<Path> jmh = Files.newDirectoryStream(out, "jmh-*.csv")) {
            for (Path file : jmh) {
                String name = file.getFileName().toString();
                String ipc = name.substring("jmh-".length(), name.length() - ".csv".length());
                lines.addAll(JmhCsv.read(file, ipc));
            }
        }
        return lines;
    }

    /** "key: value" lines, in order; a missing file gives an empty map. */
    static Map<String, String> readMachine(Path file) throws IOException {
        Map<String, String> machine = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return machine;
        }
        for (String line : Files.readAllLines(file)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                machine.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
        }
        return machine;
    }

    private static String roundsNote(RoundMedians medians) {
        StringBuilder note = new StringBuilder("rounds (median taken):");
        for (String ipc : medians.ipcTypes()) {
            note.append(' ').append(ipc).append(" libcmap ").append(medians.rounds(Comparison.LIBCMAP, ipc))
                    .append(", jcmap ").append(medians.rounds(Comparison.JCMAP, ipc)).append(';');
        }
        return note.toString();
    }
}
