package io.jcmap.testkit;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** The captured corosync output of one instance, across restarts; readers can wait for a line. */
final class LogBuffer {

    /** How a wait for readiness ended. */
    enum Readiness { READY, EXITED, TIMED_OUT }

    private static final long ALIVE_CHECK_MILLIS = 100;

    private final StringBuilder text = new StringBuilder();

    synchronized void appendLine(String line) {
        text.append(line).append('\n');
        notifyAll();
    }

    /** Appends a marker line and returns the offset just after it, for {@link #await}. */
    synchronized int banner(String event) {
        appendLine("---- jcmap-testkit: " + event + " at " + Instant.now() + " ----");
        return text.length();
    }

    synchronized String text() {
        return text.toString();
    }

    /** The last {@code maxLines} lines. */
    synchronized String tail(int maxLines) {
        List<String> lines = text.toString().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - maxLines), lines.size()));
    }

    synchronized int lineCount() {
        return (int) text.toString().lines().count();
    }

    /**
     * Waits until {@code needle} appears after offset {@code from}, the process dies or the deadline
     * passes. {@code alive} is called outside the lock (it may ask Docker).
     */
    Readiness await(int from, String needle, long deadlineNanos, BooleanSupplier alive) throws InterruptedException {
        while (true) {
            int seen;
            synchronized (this) {
                if (text.indexOf(needle, from) >= 0) {
                    return Readiness.READY;
                }
                seen = text.length();
            }
            if (!alive.getAsBoolean()) {
                return contains(from, needle) ? Readiness.READY : Readiness.EXITED;
            }
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                return Readiness.TIMED_OUT;
            }
            synchronized (this) {
                if (text.length() == seen) {
                    wait(Math.max(1, Math.min(ALIVE_CHECK_MILLIS, TimeUnit.NANOSECONDS.toMillis(remaining))));
                }
            }
        }
    }

    private synchronized boolean contains(int from, String needle) {
        return text.indexOf(needle, from) >= 0;
    }
}
