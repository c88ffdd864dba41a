package io.jcmap.bench;

import io.jcmap.client.Cmap;
import io.jcmap.client.CmapHandle;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Memory an open handle keeps: open {@code handles} handles, collect garbage, and divide the
 * growth of the used heap by their number. The growth of the resident set is reported beside it,
 * for information: it also counts the touched pages of the mapped SHM rings and native buffers.
 */
final class HandleFootprint {
    private static final int WARMUP_HANDLES = 5;
    private static final int GC_PASSES = 3;
    private static final long KIB = 1024;

    private HandleFootprint() {
    }

    static List<MetricLine> measure(String ipc, int count) throws InterruptedException {
        ClientBench.Labels labels = new ClientBench.Labels("0", ClientBench.IMPL, ipc);
        for (int i = 0; i < WARMUP_HANDLES; i++) {
            Cmap.initialize().close(); // classes loaded, static state built: not per-handle cost
        }
        List<CmapHandle> handles = new ArrayList<>(count);
        long heapBefore = usedHeapAfterGc();
        long rssBefore = residentBytes();
        try {
            for (int i = 0; i < count; i++) {
                handles.add(Cmap.initialize());
            }
            long heapAfter = usedHeapAfterGc();
            long rssAfter = residentBytes();
            return List.of(labels.metric("heap_per_handle", "B", (double) (heapAfter - heapBefore) / count),
                    labels.metric("rss_per_handle", "B", (double) (rssAfter - rssBefore) / count));
        } finally {
            handles.forEach(CmapHandle::close);
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < GC_PASSES; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** VmRSS of this process, from /proc/self/status. */
    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * KIB;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/status", e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
