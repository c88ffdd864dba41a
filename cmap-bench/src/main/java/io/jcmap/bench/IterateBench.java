package io.jcmap.bench;

import io.jcmap.client.CmapHandle;
import io.jcmap.client.CmapIterator;

/** Keys per second over full iterations of the map ({@code cmap_iter_init/next/finalize}). */
final class IterateBench {
    private IterateBench() {
    }

    static ResultLine run(CmapHandle handle, ClientBench.Labels labels, RunPlan plan) {
        for (int i = 0; i < plan.iterateWarmup(); i++) {
            iterateAll(handle);
        }
        long keys = 0;
        long start = System.nanoTime();
        for (int i = 0; i < plan.iteratePasses(); i++) {
            keys += iterateAll(handle);
        }
        return labels.throughput("iterate", keys, System.nanoTime() - start);
    }

    private static long iterateAll(CmapHandle handle) {
        long keys = 0;
        try (CmapIterator keysOfMap = handle.iterate(null)) {
            while (keysOfMap.hasNext()) {
                keysOfMap.next();
                keys++;
            }
        }
        return keys;
    }
}
