package io.jcmap.client.it;

import io.jcmap.client.CmapHandle;
import io.jcmap.client.DispatchType;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded waits for conditions that no callback announces. */
final class Await {
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private Await() {
    }

    /** Waits until {@code condition} holds, failing after {@code timeout}. */
    static void until(BooleanSupplier condition, Duration timeout, Supplier<String> what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what.get());
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /**
     * Waits until {@code thread} is inside the transport ({@code io.jcmap.protocol} frames on its
     * stack), failing after {@code timeout}: the client call it makes has passed its checks and
     * waits for corosync. A thread just submitted may not have reached the call yet.
     */
    static void untilInTransport(Thread thread, Duration timeout) {
        until(() -> Arrays.stream(thread.getStackTrace())
                .anyMatch(frame -> frame.getClassName().startsWith("io.jcmap.protocol.")), timeout,
                () -> thread.getName() + " waits in the transport");
    }

    /**
     * Runs {@code dispatch(ALL)} on {@code handle} until {@code condition} holds, failing after
     * {@code timeout}.
     *
     * @return how many callbacks the dispatch calls ran in all
     */
    static int dispatchUntil(CmapHandle handle, BooleanSupplier condition, Duration timeout, Supplier<String> what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int ran = 0;
        while (true) {
            ran += handle.dispatch(DispatchType.ALL);
            if (condition.getAsBoolean()) {
                return ran;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " dispatching until " + what.get());
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
