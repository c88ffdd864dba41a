package io.jcmap.client.reliability;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded waits for conditions nobody notifies us about (thread states, files the server removes). */
final class Conditions {
    private static final long POLL_NANOS = Duration.ofMillis(5).toNanos();

    private Conditions() {
    }

    /** Waits until {@code condition} holds; fails the test with {@code what} when {@code timeout} passes first. */
    static void await(BooleanSupplier condition, Duration timeout, Supplier<String> what) {
        if (!holdsWithin(condition, timeout)) {
            fail("not within " + timeout.toMillis() + " ms: " + what.get());
        }
    }

    /** Whether {@code condition} holds at some point within {@code timeout}. */
    static boolean holdsWithin(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return condition.getAsBoolean();
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        return true;
    }

    /**
     * Whether {@code thread} is blocked inside the client: parked, or waiting in the transport
     * (a futex or poll reached through FFM shows as RUNNABLE, so its frames are looked at).
     */
    static boolean blockedInClient(Thread thread) {
        if (!thread.isAlive()) {
            return false;
        }
        Thread.State state = thread.getState();
        if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) {
            return true;
        }
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().startsWith("io.jcmap.protocol.")) {
                return true;
            }
        }
        return false;
    }
}
