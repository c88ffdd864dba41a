package io.jcmap.bench;

import java.util.List;
import java.util.Map;

/** The comparison as Markdown: machine, table, chart. */
final class MarkdownReport {
    private MarkdownReport() {
    }

    static String render(String title, List<ComparisonRow> rows, Map<String, String> machine, String roundsNote) {
        StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
        if (!machine.isEmpty()) {
            md.append("| machine | |\n|---|---|\n");
            machine.forEach((key, value) -> md.append("| ").append(key).append(" | ").append(escape(value))
                    .append(" |\n"));
            md.append('\n');
        }
        md.append('|');
        TextTable.HEADER.forEach(h -> md.append(' ').append(h).append(" |"));
        md.append("\n|---|---|---|---:|---:|---:|---|---|\n");
        for (ComparisonRow row : rows) {
            md.append('|');
            for (String cell : TextTable.cells(row)) {
                String shown = cell.equals("FAIL") ? "**FAIL**" : cell;
                md.append(' ').append(escape(shown)).append(" |");
            }
            md.append('\n');
        }
        md.append('\n').append(TextTable.summary(rows, roundsNote)).append("\n\n");
        md.append("![latency distribution, libcmap vs jcmap](").append(Report.CHART).append(")\n");
        return md.toString();
    }

    private static String escape(String cell) {
        return cell.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
    }
}
