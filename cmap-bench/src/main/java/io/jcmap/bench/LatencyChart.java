package io.jcmap.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An SVG of the latency distributions, libcmap against jcmap, one pair of bars per operation and
 * IPC type on a logarithmic microsecond axis: the whisker spans min..p99.9, the box p50..p99, a
 * thick tick marks p50 and a thin one p90. Plain SVG text, no plotting library.
 */
final class LatencyChart {
    private static final int WIDTH = 940;
    private static final int LEFT = 250;
    private static final int PLOT = 500;
    private static final int TOP = 50;
    private static final int ROW = 20;
    private static final int GROUP_GAP = 10;
    private static final int SECTION_GAP = 34;
    private static final int BOX_HEIGHT = 12;
    private static final String LIBCMAP_COLOR = "#4c78a8";
    private static final String JCMAP_COLOR = "#f58518";
    private static final double NANOS_PER_MICRO = 1_000;

    private final RoundMedians medians;

    LatencyChart(RoundMedians medians) {
        this.medians = medians;
    }

    String render(String title) {
        List<String> body = new ArrayList<>();
        double lowDecade = 0;  // 10^0 us
        double highDecade = Math.max(2, Math.ceil(Math.log10(slowest() / NANOS_PER_MICRO)));
        int y = TOP;
        for (String ipc : medians.ipcTypes()) {
            body.add(text(10, y + 4, "IPC: " + ipc, "bold", 14, "start"));
            y += 16;
            for (String op : Comparison.LATENCY_OPS) {
                for (String impl : List.of(Comparison.LIBCMAP, Comparison.JCMAP)) {
                    Optional<ResultLine> line = medians.result(impl, ipc, op).filter(ResultLine::isLatency);
                    body.add(text(LEFT - 8, y + ROW / 2 + 4, Comparison.label(op) + " - " + impl, "normal", 12, "end"));
                    int rowY = y;
                    line.ifPresent(r -> body.addAll(bar(r.latency(), colorOf(impl), lowDecade, highDecade, rowY)));
                    y += ROW;
                }
                y += GROUP_GAP;
            }
            y += SECTION_GAP - GROUP_GAP;
        }
        int height = y + 40;
        List<String> svg = new ArrayList<>();
        svg.add(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">", WIDTH, height, WIDTH, height));
        svg.add(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>", WIDTH, height));
        svg.add(text(10, 22, title, "bold", 15, "start"));
        svg.add(legend());
        svg.addAll(axis(lowDecade, highDecade, TOP - 6, y));
        svg.addAll(body);
        svg.add(text(LEFT + PLOT / 2, y + 24, "latency, microseconds (log scale); whisker min..p99.9, box p50..p99, "
                + "thick tick p50, thin tick p90", "normal", 11, "middle"));
        svg.add("</svg>");
        return String.join("\n", svg) + "\n";
    }

    private long slowest() {
        long slowest = 1;
        for (String ipc : medians.ipcTypes()) {
            for (String op : Comparison.LATENCY_OPS) {
                for (String impl : List.of(Comparison.LIBCMAP, Comparison.JCMAP)) {
                    slowest = Math.max(slowest, medians.result(impl, ipc, op).filter(ResultLine::isLatency)
                            .map(r -> r.latency().p999()).orElse(1L));
                }
            }
        }
        return slowest;
    }

    private static String colorOf(String impl) {
        return impl.equals(Comparison.LIBCMAP) ? LIBCMAP_COLOR : JCMAP_COLOR;
    }

    private static List<String> bar(LatencySummary l, String color, double low, double high, int y) {
        double mid = y + ROW / 2.0;
        double x0 = x(l.min(), low, high);
        double x999 = x(l.p999(), low, high);
        double x50 = x(l.p50(), low, high);
        double x90 = x(l.p90(), low, high);
        double x99 = x(l.p99(), low, high);
        List<String> parts = new ArrayList<>();
        parts.add(line(x0, mid, x999, mid, color, 1));
        parts.add(line(x0, mid - 4, x0, mid + 4, color, 1));
        parts.add(line(x999, mid - 4, x999, mid + 4, color, 1));
        parts.add(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\" "
                + "fill-opacity=\"0.45\" stroke=\"%s\"/>", x50, mid - BOX_HEIGHT / 2.0, Math.max(1, x99 - x50),
                BOX_HEIGHT, color, color));
        parts.add(line(x50, mid - BOX_HEIGHT / 2.0 - 2, x50, mid + BOX_HEIGHT / 2.0 + 2, color, 3));
        parts.add(line(x90, mid - BOX_HEIGHT / 2.0, x90, mid + BOX_HEIGHT / 2.0, color, 1));
        parts.add(text(LEFT + PLOT + 10, (int) mid + 4, String.format(Locale.ROOT, "p50 %s  p99 %s",
                micros(l.p50()), micros(l.p99())), "normal", 11, "start"));
        return parts;
    }

    private static List<String> axis(double low, double high, int top, int bottom) {
        List<String> parts = new ArrayList<>();
        for (int decade = (int) low; decade <= (int) high; decade++) {
            double xd = LEFT + PLOT * (decade - low) / (high - low);
            parts.add(line(xd, top, xd, bottom, "#cccccc", 1));
            parts.add(text((int) xd, bottom + 12, micros((long) (Math.pow(10, decade) * NANOS_PER_MICRO)), "normal",
                    10, "middle"));
        }
        return parts;
    }

    private String legend() {
        return String.join("\n",
                String.format(Locale.ROOT, "<rect x=\"%d\" y=\"30\" width=\"12\" height=\"10\" fill=\"%s\"/>", LEFT,
                        LIBCMAP_COLOR),
                text(LEFT + 16, 39, "libcmap (C)", "normal", 11, "start"),
                String.format(Locale.ROOT, "<rect x=\"%d\" y=\"30\" width=\"12\" height=\"10\" fill=\"%s\"/>",
                        LEFT + 110, JCMAP_COLOR),
                text(LEFT + 126, 39, "jcmap (Java)", "normal", 11, "start"));
    }

    private static double x(long nanos, double low, double high) {
        double decades = Math.log10(Math.max(nanos, 1) / NANOS_PER_MICRO);
        double clamped = Math.clamp(decades, low, high);
        return LEFT + PLOT * (clamped - low) / (high - low);
    }

    static String micros(long nanos) {
        double us = nanos / NANOS_PER_MICRO;
        if (us >= 1000) {
            return String.format(Locale.ROOT, "%.1f ms", us / 1000);
        }
        return String.format(Locale.ROOT, us >= 10 ? "%.0f us" : "%.1f us", us);
    }

    private static String line(double x1, double y1, double x2, double y2, String color, int width) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                + "stroke-width=\"%d\"/>", x1, y1, x2, y2, color, width);
    }

    private static String text(int x, int y, String content, String weight, int size, String anchor) {
        return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"%d\" font-weight=\"%s\" "
                + "text-anchor=\"%s\">%s</text>", x, y, size, weight, anchor, escape(content));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
