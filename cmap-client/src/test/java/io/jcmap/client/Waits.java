package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting on a condition, or for a call to return, with a timeout, for the pipeline's unit tests. */
final class Waits {
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private Waits() {
    }

    /** Looks every millisecond until {@code condition} holds; fails after 10 s. */
    static void until(BooleanSupplier condition, String what) {
        until(condition, () -> "timed out waiting until " + what);
    }

    /** As above, failing with the message {@code failure} makes then (of the state it found). */
    static void until(BooleanSupplier condition, Supplier<String> failure) {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, failure);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /**
     * Looks every millisecond for {@code millis} that {@code condition} keeps holding, for what
     * must not happen (nothing signals that it did not); fails at the first look it does not.
     */
    static void holdsFor(long millis, BooleanSupplier condition, String what) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        do {
            assertTrue(condition.getAsBoolean(), () -> "no longer true: " + what);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        } while (System.nanoTime() - end < 0);
    }

    /**
     * What {@code call} returned, waiting {@code seconds} for it; a call still running then fails
     * the test as "{@code what} had not returned after N s: {@code why}". For the calls that waited
     * for ever before their fix: the failure says what they wait for, where a bare timeout would not.
     */
    static <T> T returned(Future<T> call, long seconds, String what, String why)
            throws InterruptedException, ExecutionException {
        try {
            return call.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return fail(what + " had not returned after " + seconds + " s: " + why);
        }
    }
}
