package io.jcmap.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PairedBlocksTest {

    @Test
    void theBlocksOfARoundAreAsDocumented() {
        RunPlan shm = RunPlan.scaled("shm", 1.0);
        RunPlan socket = RunPlan.scaled("socket", 1.0);
        assertEquals(12, shm.connectBlocks());
        assertEquals(50, PairedBlocks.blockSize(shm.connects(), shm.connectBlocks(), 0));
        assertEquals(20, socket.connectBlocks());
        assertEquals(200, PairedBlocks.blockSize(socket.connects(), socket.connectBlocks(), 0));
        assertEquals(1, RunPlan.scaled("shm", 0.01).connectBlocks()); // 6 connects: one block
        assertEquals(10, shm.trackBlocks());
        assertEquals(2_000, PairedBlocks.blockSize(shm.trackNotifications(), shm.trackBlocks(), 0));
    }

    @Test
    void blocksAddUpToTheCountAndDifferByOneAtMost() {
        for (int total : new int[] {1, 7, 120, 599, 600, 4_000}) {
            for (int blocks = 1; blocks <= Math.min(total, 20); blocks++) {
                int n = blocks;
                int[] sizes = IntStream.range(0, n).map(b -> PairedBlocks.blockSize(total, n, b)).toArray();
                assertEquals(total, IntStream.of(sizes).sum(), total + " in " + n);
                int spread = IntStream.of(sizes).max().orElseThrow() - IntStream.of(sizes).min().orElseThrow();
                assertTrue(spread <= 1, total + " in " + n + ": spread " + spread);
            }
        }
    }
}
