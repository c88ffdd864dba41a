package io.jcmap.client;

import java.util.function.Consumer;

/**
 * The end of a pipeline: why it broke down, and the failing, in issue order, of every request on
 * the wire and waiting off it, on the thread that breaks it down, before the connection closes
 * and the owner is told. Separate from {@link Pipeline}: it happens once, and what it leaves for
 * others to see while it runs (who breaks down, which requests it fails) is what a join in one
 * of the failed requests' actions must look at ({@link JoinsInActions#failIfBrokenDown}).
 */
final class Breakdown {
    private final Pipeline pipeline;
    private final Consumer<CmapException> onBreakDown;
    /** Why the pipeline no longer works, or null while it does; written once, under this object's lock. */
    private volatile CmapException reason;
    /**
     * The requests on the wire and in the backlog that the breakdown fails, in order, once taken
     * off their queues, until all are failed; null before and after. A stage joined in one of
     * their actions may wait for a later one ({@link JoinsInActions#failIfBrokenDown}).
     */
    private volatile PendingRequest[] failing;
    /** The thread inside {@link #breakDown}, until it has told {@code onBreakDown}; else null. */
    private volatile Thread breakingDownOn;
    /**
     * The requests a thread fails with the breakdown's reason, innermost first ({@link #failingOnThisThread});
     * null while none: a join in one of their actions may wait for a later one, which only this thread fails.
     */
    private final ThreadLocal<FailingHere> failingHere = new ThreadLocal<>();

    /** One level of {@link #failingHere}. */
    record FailingHere(PendingRequest[] requests, FailingHere outer) {
    }

    /** @param onBreakDown told once, after the pipeline broke down, why */
    Breakdown(Pipeline pipeline, Consumer<CmapException> onBreakDown) {
        this.pipeline = pipeline;
        this.onBreakDown = onBreakDown;
    }

    /** Why the pipeline no longer works, or null while it does. */
    CmapException reason() {
        return reason;
    }

    /**
     * Fails every request in flight and every later one with {@code reason}, then runs
     * {@code closeConnection}, unless the pipeline broke down before.
     *
     * @param first a request off the queue whose answer broke it down, failed first with {@code reason}
     *     itself; or null
     * @return whether this call broke it down (not an earlier one)
     */
    boolean breakDown(CmapException reason, Runnable closeConnection, PendingRequest first) {
        synchronized (this) {
            if (this.reason != null) {
                return false;
            }
            this.reason = reason;
        }
        breakingDownOn = Thread.currentThread();
        try {
            breakDownNow(reason, closeConnection, first);
        } finally {
            breakingDownOn = null;
        }
        return true;
    }

    /**
     * Whether this thread breaks the pipeline down and has not yet told its owner
     * ({@code onBreakDown}): a completion action it runs for a request that the breakdown failed.
     * A wait there for what the owner does once told (a reconnect) would wait for itself.
     */
    boolean onThisThread() {
        return breakingDownOn == Thread.currentThread();
    }

    private void breakDownNow(CmapException reason, Runnable closeConnection, PendingRequest first) {
        // Callers learn the outcome before the connection closes: closing waits (up to seconds)
        // for the threads inside it to leave, and a caller reading for its answer leaves only
        // once it has one.
        PendingRequest[] failed = pipeline.takeEveryRequest(first);
        failing = failed;
        failingOnThisThread(failed, () -> {
            for (PendingRequest pending : failed) {
                if (pending == first) {
                    pipeline.complete(pending, null, reason); // retired by its reader, once done with it
                    continue;
                }
                pipeline.complete(pending, null, Pipeline.brokenFor(reason, pending));
                pending.retired = true;
            }
        });
        failing = null; // all failed now: a broken pipeline kept until its handle closes keeps none of them
        closeConnection.run();
        pipeline.wakeResponseThread();
        onBreakDown.accept(reason);
    }

    /**
     * Runs {@code failures}, which fail {@code requests} in order with the breakdown's reason, running
     * their actions on this thread: a join in one of those may fail a later one early
     * ({@link JoinsInActions#failIfBrokenDown}).
     */
    void failingOnThisThread(PendingRequest[] requests, Runnable failures) {
        FailingHere outer = failingHere.get();
        failingHere.set(new FailingHere(requests, outer));
        try {
            failures.run();
        } finally {
            if (outer == null) {
                failingHere.remove();
            } else {
                failingHere.set(outer);
            }
        }
    }

    /**
     * The requests this thread fails with the breakdown's reason, innermost first, or null
     * ({@link #failingOnThisThread}).
     */
    FailingHere failingHere() {
        return failingHere.get();
    }

    /** The requests the breakdown fails, in order, while it fails them; else null ({@link #failing}). */
    PendingRequest[] failing() {
        return failing;
    }
}
