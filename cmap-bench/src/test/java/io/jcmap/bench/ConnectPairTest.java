package io.jcmap.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ConnectPairTest {

    @Test
    void theBlocksOfARoundAreAsDocumented() {
        RunPlan shm = RunPlan.scaled("shm", 1.0);
        RunPlan socket = RunPlan.scaled("socket", 1.0);
        assertEquals(12, shm.connectBlocks());
        assertEquals(50, ConnectPair.blockSize(shm.connects(), shm.connectBlocks(), 0));
        assertEquals(20, socket.connectBlocks());
        assertEquals(200, ConnectPair.blockSize(socket.connects(), socket.connectBlocks(), 0));
        assertEquals(1, RunPlan.scaled("shm", 0.01).connectBlocks()); // 6 connects: one block
    }

    @Test
    void blocksAddUpToTheCountAndDifferByOneAtMost() {
        for (int total : new int[] {1, 7, 120, 599, 600, 4_000}) {
            for (int blocks = 1; blocks <= Math.min(total, 20); blocks++) {
                int n = blocks;
                int[] sizes = IntStream.range(0, n).map(b -> ConnectPair.blockSize(total, n, b)).toArray();
                assertEquals(total, IntStream.of(sizes).sum(), total + " in " + n);
                int spread = IntStream.of(sizes).max().orElseThrow() - IntStream.of(sizes).min().orElseThrow();
                assertTrue(spread <= 1, total + " in " + n + ": spread " + spread);
            }
        }
    }
}
