package io.jcmap.bench;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WarmupTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void runsItsMinimumCountAndNoMoreOnceTheLimitHasPassed() {
        Warmup warmup = Warmup.start(10, 0, 0);
        int runs = 1;
        while (warmup.goesOn()) {
            runs++;
        }
        assertEquals(10, runs);
    }

    @Test
    void stopsSoonAfterItsMinimumWhenNoOtherThreadWorks() {
        long start = System.nanoTime();
        Warmup warmup = Warmup.start(1, 300 * MS, 20_000 * MS);
        while (warmup.goesOn()) {
            Thread.onSpinWait();
        }
        long elapsed = System.nanoTime() - start;
        assertTrue(elapsed >= 300 * MS, "stopped before its minimum: " + elapsed / MS + " ms");
        assertTrue(elapsed < 10_000 * MS, "never saw the other threads idle: " + elapsed / MS + " ms");
    }

    @Test
    void goesOnUntilItsLimitWhileAnotherThreadWorks() throws InterruptedException {
        AtomicBoolean busy = new AtomicBoolean(true);
        Thread other = Thread.ofPlatform().start(() -> {
            while (busy.get()) {
                Thread.onSpinWait();
            }
        });
        try {
            long start = System.nanoTime();
            Warmup warmup = Warmup.start(1, 0, 1_000 * MS);
            while (warmup.goesOn()) {
                Thread.onSpinWait();
            }
            long elapsed = System.nanoTime() - start;
            assertTrue(elapsed >= 1_000 * MS, "stopped while another thread worked: " + elapsed / MS + " ms");
        } finally {
            busy.set(false);
            other.join();
        }
    }
}
