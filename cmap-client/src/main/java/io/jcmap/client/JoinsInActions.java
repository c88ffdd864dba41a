package io.jcmap.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The joins that completion actions make on a pipeline's futures while their thread reads
 * answers: nobody else reads meanwhile, so such a join reads for itself (decision 0034), and
 * when the pipeline breaks down on this thread it fails what the join waits for itself. Separate
 * from {@link Pipeline}: which futures a join waits for, when it gives up the reading, and how
 * it meets a breakdown under way are the rules of one situation, a rare one, off the calls' path.
 */
final class JoinsInActions {
    /**
     * How deep {@link #failIfBrokenDown} nests on a thread (a join in each action it runs): per
     * thread, whatever the pipeline, as the nesting is.
     */
    private static final ThreadLocal<int[]> BROKEN_JOIN_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    /**
     * The futures a join inside a completion action waits for ({@link #readFor}): the request it
     * joined, or that its stage derives from, and those issued on its thread while it reads. One
     * per join, nested as the joins are; guarded by the receive lock.
     */
    private static final class JoinWatch {
        final JoinWatch outer;
        final List<ResponseFuture<?>> futures = new ArrayList<>(2);

        JoinWatch(JoinWatch outer, ResponseFuture<?> root) {
            this.outer = outer;
            if (root != null) {
                futures.add(root);
            }
        }

        /** The request of a watched future whose answer is still to come, or null. */
        PendingRequest firstUnanswered() {
            for (ResponseFuture<?> future : futures) {
                PendingRequest pending = future.pending();
                if (!future.isDone() && pending != null && !pending.done) {
                    return pending;
                }
            }
            return null;
        }
    }

    private final Pipeline pipeline;
    private final InFlightRequests inFlight;
    private final Backlog backlog;
    private final WireHold hold;
    private final DeferredCompletions deferred;
    private final Breakdown breakdown;
    /** The innermost join reading in an action, or null; guarded by the receive lock. */
    private JoinWatch joinWatch;

    JoinsInActions(Pipeline pipeline, InFlightRequests inFlight, Backlog backlog, WireHold hold,
                   DeferredCompletions deferred, Breakdown breakdown) {
        this.pipeline = pipeline;
        this.inFlight = inFlight;
        this.backlog = backlog;
        this.hold = hold;
        this.deferred = deferred;
        this.breakdown = breakdown;
    }

    /**
     * Reads for a {@code join} or {@code get} on {@code future} made inside a completion action
     * this thread runs while reading: nobody else reads meanwhile, so the answer it waits for
     * would never come (decision 0034). It reads as a synchronous call in an action does, on a
     * second hold of the receive lock, so that the answers it reads for others complete after the
     * action, in the order read, and actions do not stack up. What it completes at once is what
     * the future waits for: {@code root}, the request it is (or is derived from), and the
     * requests that actions run meanwhile issue on this thread (a {@code thenCompose}). A derived
     * stage waiting for none of those (a {@code thenCombine} with an earlier request) has the
     * answers read complete in order. While requests wait for this thread's own hold on the wire
     * to end ({@link Pipeline#callHeld}), its own or another thread's, a request read for that is
     * not on the wire, or a stage with none left to read for, makes it give the hold up, as a wait
     * for another thread does ({@link WireHold#giveUp}): only this thread can end the hold; so does
     * any wait of the holder outside the reading (the action of a request refused as its opener
     * went out), which only waits. Returns, for the future to wait as any future does, on
     * another thread, when the time is up, or when none of our requests is left to read for it.
     *
     * @param root the request's own future that {@code future} is, or is derived from; null once
     *     that one completed and is gone (ResponseFuture keeps it weakly)
     * @param timeoutNanos how long it may read; {@link Long#MAX_VALUE} for as long as it takes
     * @param interruptible whether it returns once the thread is interrupted (a {@code get})
     * @throws CmapException {@link CsError#LIBRARY} when such waits nest too deep in actions
     */
    void readFor(ResponseFuture<?> future, ResponseFuture<?> root, long timeoutNanos, boolean interruptible) {
        if (!pipeline.receiveLock.isHeldByCurrentThread()) {
            failIfBrokenDown(future, root);
            if (hold.holdsBackRequests() && !failsForTheBreakdown()) {
                // an action run outside the reading while this thread holds the wire (a request
                // refused as the opener went out, callHeld): what it waits for may be held back
                hold.giveUp();
            }
            return;
        }
        if (pipeline.receiveLock.getHoldCount() >= Pipeline.MAX_NESTED_READS) {
            throw new CmapException(CsError.LIBRARY, future.context() + ": waited for "
                    + Pipeline.MAX_NESTED_READS + " deep in completion actions run while reading answers");
        }
        long started = System.nanoTime();
        JoinWatch watch = new JoinWatch(joinWatch, root);
        Predicate<CompletableFuture<Object>> watched = watch.futures::contains;
        joinWatch = watch;
        boolean failedBroken = false;
        long readsSeen = pipeline.readCount();
        long quietSince = started;
        pipeline.receiveLock.lock();
        try {
            while (!future.isDone()) {
                if (deferred.completeFirst(watched)) {
                    continue;
                }
                PendingRequest target = watch.firstUnanswered();
                if (target == null && future != root) {
                    if (deferred.completeFirst(DeferredCompletions.ANY_FUTURE)) {
                        continue;
                    }
                    target = inFlight.firstNotDone();
                    if (target == null && !failedBroken && breakdown.reason() != null) {
                        // this thread may be the one breaking the pipeline down, in the action of a request it
                        // failed: the rest, which the stage may wait for, it fails after that action. Failed now,
                        // their completions are deferred, and complete in order above
                        failedBroken = true;
                        failIfBrokenDown(future, root);
                        continue;
                    }
                }
                if ((target == null || target.sequence == 0) && hold.holdsBackRequests() && !failsForTheBreakdown()) {
                    // what it waits for may wait for this thread's hold on the wire to end (it starts an
                    // iteration, callHeld), which only this thread can end: a request of its own or of
                    // another thread, or one a stage waits for without naming it (thenCombine); the
                    // iteration starts again. Then it reads on for those that went out
                    hold.giveUp();
                    if (target == null) {
                        continue;
                    }
                }
                // what the stage waits for may not be on the wire yet: held back by another thread's hold (whose
                // opener's answer only this thread reads), or in the backlog. Once they go, only this thread reads
                // their answers: it looks on rather than wait for itself
                boolean offTheWire = target == null && breakdown.reason() == null
                        && (hold.heldBackSize() > 0 || backlog.size() > 0);
                long left = timeoutNanos == Long.MAX_VALUE ? Pipeline.READ_SLICE_NANOS
                        : timeoutNanos - (System.nanoTime() - started);
                if ((target == null && !offTheWire) || left <= 0
                        || (interruptible && Thread.currentThread().isInterrupted())) {
                    return;
                }
                if (target == null) {
                    if (pipeline.readCount() != readsSeen) {
                        readsSeen = pipeline.readCount();
                        quietSince = System.nanoTime();
                    }
                    pipeline.readOne(Math.min(left, offTheWireSlice(System.nanoTime() - quietSince)));
                    continue;
                }
                pipeline.readTowards(target, Math.min(left, Pipeline.READ_SLICE_NANOS));
            }
        } finally {
            pipeline.receiveLock.unlock();
            joinWatch = watch.outer;
        }
    }

    /**
     * How long a join reading in an action waits for an answer while what its stage waits for is
     * off the wire ({@link #readFor}), {@code quietNanos} after it last read one. The answers to
     * what goes out once the hold ends or the backlog is sent wake it; only a stalled backlog is
     * retried every {@link Pipeline#STALL_RETRY_NANOS}, as every reader does. Otherwise it looks again
     * for a stage completed by another thread (a future not ours) after an eighth of the time
     * waited: 1 ms slices for good cost 3.5 % of a CPU and 900 wake-ups a second (measured).
     */
    private long offTheWireSlice(long quietNanos) {
        if (backlog.retryStalled()) {
            return Pipeline.STALL_RETRY_NANOS;
        }
        return Math.clamp(quietNanos / Pipeline.WAITED_SHARE, Pipeline.STALL_RETRY_NANOS, Pipeline.READ_SLICE_NANOS);
    }

    /**
     * Whether this thread fails requests with the breakdown's reason, running their actions
     * ({@link Breakdown#failingOnThisThread}): a join in one of those, while it holds the wire
     * ({@link Pipeline#callHeld}), keeps the hold. Nothing goes on the wire any more: the hold's end would
     * only fail the requests it keeps back, their completions before those of the requests this
     * thread still fails for the breakdown, issued before them (out of issue order). The holder
     * ends it once the breakdown has failed its opener, failing them then, in order; meanwhile the
     * join fails what it waits for itself: its request, once nothing is left to read
     * ({@link Pipeline#readTowards}), or those a stage may wait for, the held back among them
     * ({@link #failIfBrokenDown}). Looked at only while the hold keeps requests back.
     */
    private boolean failsForTheBreakdown() {
        return breakdown.reason() != null && breakdown.failingHere() != null;
    }

    /**
     * Fails {@code root}'s request, still unanswered, once the pipeline has broken down. The
     * thread breaking it down fails every request in order, running their actions, and may be this
     * one, in the action of an earlier request, joining a later one: it would wait for itself (a
     * close, a loss found by dispatch or by a send; a thread holding the reading reads, and fails
     * it so, in {@link Pipeline#readTowards}). The breakdown's own failure of it then changes nothing.
     * Not a request whose answer a reader has taken off the queue ({@link InFlightRequests#isBeingRead}): the
     * breakdown leaves that one to its answer, which a failure now would drop. Nor on another
     * thread, which waits for the breakdown's: failing them there ran their actions before those of
     * earlier requests had returned.
     */
    private void failIfBrokenDown(ResponseFuture<?> future, ResponseFuture<?> root) {
        CmapException reason = breakdown.reason();
        Breakdown.FailingHere here;
        if (reason == null || (here = breakdown.failingHere()) == null) {
            return;
        }
        PendingRequest pending = root == null ? null : root.pending();
        if (pending != null) {
            failNow(future, pending, reason);
        }
        if (future == root || future.isDone()) {
            return;
        }
        // a stage may wait for a request it does not name (thenCombine's other), which the breakdown
        // fails after this one's action: that would wait for this action to return, for ever. So may
        // it for one that this thread fails outside the breakdown (a batch flushed after it, the
        // backlog of a hold ended after it): those first, then the breakdown's
        for (Breakdown.FailingHere level = here; level != null; level = level.outer()) {
            failNow(future, level.requests(), reason);
        }
        PendingRequest[] rest = breakdown.failing();
        if (rest != null) {
            failNow(future, rest, reason);
        }
        if (hold.heldBackSize() > 0 && !future.isDone()) {
            // or for one another thread's hold keeps back: its holder fails those once the hold ends, which it
            // ends once the breakdown has failed its opener, after this action
            failNow(future, hold.requests(), reason);
        }
    }

    /** Fails {@code requests} in order for {@link #failIfBrokenDown}, until {@code future} is done. */
    private void failNow(ResponseFuture<?> future, PendingRequest[] requests, CmapException reason) {
        for (PendingRequest other : requests) {
            if (future.isDone()) {
                return;
            }
            if (other.future != null) { // a stage waits for futures; a synchronous call's may be reused
                failNow(future, other, reason);
            }
        }
    }

    /** Fails {@code pending} for {@link #failIfBrokenDown}, unless it is done or a reader has its answer. */
    private void failNow(ResponseFuture<?> future, PendingRequest pending, CmapException reason) {
        if (pending.done) {
            return;
        }
        if (inFlight.isBeingRead(pending)) {
            return;
        }
        // its actions run on this thread, inside the joining action: those that join the next request
        // in turn nest, and a chain of them overflowed the stack (3,000: StackOverflowError, stages never
        // completed). Bounded as a join reading in an action is (readFor)
        int[] depth = BROKEN_JOIN_DEPTH.get();
        if (depth[0] >= Pipeline.MAX_NESTED_READS) {
            throw new CmapException(CsError.LIBRARY, future.context() + ": waited for " + Pipeline.MAX_NESTED_READS
                    + " deep in completion actions run by the breakdown of the connection");
        }
        depth[0]++;
        try {
            pipeline.complete(pending, null, Pipeline.brokenFor(reason, pending));
        } finally {
            depth[0]--;
        }
    }

    /** While a join reads in an action ({@link #readFor}): a request's future issued on its thread is watched too. */
    void watchIfJoining(ResponseFuture<?> future) {
        JoinWatch watch = joinWatch; // written only by the receive lock's holder, the only thread that goes on
        if (watch != null && pipeline.receiveLock.isHeldByCurrentThread()) {
            watch.futures.add(future);
        }
    }

}
