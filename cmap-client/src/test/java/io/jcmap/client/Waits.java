package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waiting on a condition, with a timeout, for the pipeline's unit tests. */
final class Waits {
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private Waits() {
    }

    /** Looks every millisecond until {@code condition} holds; fails after 10 s. */
    static void until(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, () -> "timed out waiting until " + what);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
