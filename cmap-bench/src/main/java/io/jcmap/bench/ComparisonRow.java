package io.jcmap.bench;

/**
 * One row of the comparison table. The ratio is always jcmap divided by libcmap (NaN when either
 * is absent); rows without a libcmap figure (allocation, heap) are judged on the jcmap value.
 *
 * @param operation what was measured, e.g. "get (uint32)"
 * @param ipc       "shm" or "socket"
 * @param metric    what the figures are, e.g. "p50 us", "keys/s", "B/op"
 * @param libcmap   the C client's figure, NaN when it has none
 * @param jcmap     the Java client's figure
 * @param target    what jcmap must reach
 * @param judgesRatio true when the target bounds the ratio, false when it bounds the jcmap value
 */
record ComparisonRow(String operation, String ipc, String metric, double libcmap, double jcmap, Target target,
                     boolean judgesRatio) {

    double ratio() {
        return Double.isNaN(libcmap) || libcmap == 0 ? Double.NaN : jcmap / libcmap;
    }

    String verdict() {
        return target.verdict(judgesRatio ? ratio() : jcmap);
    }
}
