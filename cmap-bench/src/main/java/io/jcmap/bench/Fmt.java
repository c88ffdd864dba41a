package io.jcmap.bench;

import java.util.Locale;

/** Number formatting shared by the table, Markdown and JSON writers. */
final class Fmt {
    private Fmt() {
    }

    /** A figure for a table cell: "-" when absent, few decimals for small numbers, none for large. */
    static String cell(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        double magnitude = Math.abs(value);
        if (magnitude >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (magnitude >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    /** A limit as written in a target: 1, 0.5, 65536. */
    static String plain(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }

    /** A number for JSON: null when absent. */
    static String json(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "null"
                : String.format(Locale.ROOT, "%.3f", value);
    }
}
