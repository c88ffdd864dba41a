package io.jcmap.client;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The futures whose answers a read inside a completion action took, kept to complete once that
 * action has returned, in the order read (decision 0020): completed on top of it, actions that
 * make one synchronous call each stacked up (nine of forty failed past
 * {@link Pipeline#MAX_NESTED_READS}). Separate from {@link Pipeline}: a queue of outcomes with
 * its own rules of which to complete early (those a join waits for: decision 0034), touched
 * only by the thread holding the pipeline's receive lock.
 */
final class DeferredCompletions {
    /**
     * Threads in a listener, not reading, that wait in a join or get on a future or stage
     * ({@link #waitingElsewhere}). Of every pipeline: a stage may wait for a request on a pipeline
     * other than its own (a thenCompose of another handle's request, or of one before a reconnect,
     * issuing one on this).
     */
    private static final AtomicInteger WAITING_IN_LISTENERS = new AtomicInteger();
    static final Predicate<CompletableFuture<Object>> ANY_FUTURE = future -> true;
    private static final Predicate<CompletableFuture<Object>> AWAITED_ELSEWHERE =
            future -> future instanceof ResponseFuture<?> awaited && awaited.awaitedElsewhere();

    /** A future's outcome, read inside a completion action and kept for after it. */
    private record DeferredCompletion(CompletableFuture<Object> future, Object value, CmapException failure) {
    }

    /**
     * Futures completed by a read made inside a completion action (the receive lock held more
     * than once), oldest first.
     */
    private final ArrayDeque<DeferredCompletion> deferred = new ArrayDeque<>();
    /** Whether the receive lock's holder is completing {@link #deferred}. */
    private boolean runningDeferred;

    /**
     * Threads in a listener, not reading, that wait in a {@code join} or {@code get} on a future or
     * stage ({@link ResponseFuture}), counted by {@code delta}: of any pipeline, since what the
     * stage waits for may be on this one.
     */
    static void waitingElsewhere(int delta) {
        WAITING_IN_LISTENERS.addAndGet(delta);
    }

    /** Keeps {@code future}'s outcome until the action that read it has returned. */
    void defer(CompletableFuture<Object> future, Object value, CmapException failure) {
        deferred.addLast(new DeferredCompletion(future, value, failure));
    }

    boolean isEmpty() {
        return deferred.isEmpty();
    }

    static void completeFuture(CompletableFuture<Object> future, Object value, CmapException failure) {
        if (failure == null) {
            future.complete(value);
        } else {
            future.completeExceptionally(failure);
        }
    }

    /**
     * Completes, in the order read, the futures whose answers a synchronous call inside a
     * completion action read; runs on the outermost level of the receive lock, once the action
     * that made the call has returned.
     */
    void runAll() {
        if (runningDeferred) {
            return; // an action run below completed a request itself: the loop below goes on
        }
        runningDeferred = true;
        try {
            DeferredCompletion next;
            while ((next = deferred.pollFirst()) != null) {
                completeFuture(next.future(), next.value(), next.failure());
            }
        } finally {
            runningDeferred = false;
        }
    }

    /** Completes the oldest deferred future that {@code which} accepts; whether there was one. */
    boolean completeFirst(Predicate<CompletableFuture<Object>> which) {
        for (var entries = deferred.iterator(); entries.hasNext(); ) {
            DeferredCompletion entry = entries.next();
            if (which.test(entry.future())) {
                entries.remove();
                completeFuture(entry.future(), entry.value(), entry.failure());
                return true;
            }
        }
        return false;
    }

    /**
     * Completes the first deferred future that a thread not reading waits for in a {@code join}
     * or {@code get} ({@link ResponseFuture#awaitedElsewhere}); whether there was one.
     */
    boolean completeAwaited() {
        // a stage a listener waits for may wait for a request it does not name (the inner request of a
        // thenCompose, the other of a thenCombine): the rest complete in order while one waits
        return completeFirst(AWAITED_ELSEWHERE)
                || WAITING_IN_LISTENERS.get() > 0 && completeFirst(ANY_FUTURE);
    }
}
