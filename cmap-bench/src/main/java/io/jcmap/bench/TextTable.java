package io.jcmap.bench;

import java.util.ArrayList;
import java.util.List;

/** The comparison as a fixed-width table for the terminal. */
final class TextTable {
    static final List<String> HEADER = List.of("operation", "ipc", "metric", "libcmap", "jcmap", "ratio", "target",
            "verdict");

    private TextTable() {
    }

    static List<String> cells(ComparisonRow row) {
        return List.of(row.operation(), row.ipc(), row.metric(), Fmt.cell(row.libcmap()), Fmt.cell(row.jcmap()),
                Fmt.cell(row.ratio()), row.target().describe() + (row.judgesRatio() || row.target() instanceof
                        Target.None ? "" : " " + row.metric()), row.verdict());
    }

    static String render(List<ComparisonRow> rows) {
        List<List<String>> table = new ArrayList<>();
        table.add(HEADER);
        rows.forEach(row -> table.add(cells(row)));
        int[] widths = new int[HEADER.size()];
        for (List<String> cells : table) {
            for (int i = 0; i < cells.size(); i++) {
                widths[i] = Math.max(widths[i], cells.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> cells : table) {
            for (int i = 0; i < cells.size(); i++) {
                boolean numeric = i >= 3 && i <= 5;
                String cell = cells.get(i);
                String padded = numeric ? " ".repeat(widths[i] - cell.length()) + cell
                        : cell + " ".repeat(widths[i] - cell.length());
                out.append(padded).append(i + 1 < cells.size() ? "  " : "\n");
            }
        }
        return out.toString();
    }

    static String summary(List<ComparisonRow> rows, String roundsNote) {
        long pass = rows.stream().filter(r -> r.verdict().equals("PASS")).count();
        long fail = rows.stream().filter(r -> r.verdict().equals("FAIL")).count();
        return "targets: " + pass + " PASS, " + fail + " FAIL; ratio = jcmap / libcmap; " + roundsNote;
    }
}
