package io.jcmap.client;

import java.lang.ref.WeakReference;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The future of an asynchronous request, or of a stage derived from one ({@link #thenApply} and
 * the like). A completion action runs on the thread reading the handle's responses, which keeps
 * the reading for as long as the action runs: a {@code join} or {@code get} there, on a future
 * whose answer is still to be read, would wait for a reader that is itself. Such a wait reads
 * for itself instead ({@link JoinsInActions#readFor}), as a synchronous call inside an action does;
 * on any other thread it waits as every future does.
 *
 * @param <T> the value it completes with
 */
final class ResponseFuture<T> extends CompletableFuture<T> {
    /** The first wait before a look again ({@link #readOrLook}): what it waits for usually goes out at once. */
    private static final long FIRST_LOOK_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    /** The longest: a wait that lasts costs a wake-up every 10 ms meanwhile. */
    private static final long LONGEST_LOOK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /**
     * Where its request went, for a derived stage as its request's future knew it when the stage
     * was made; null while it waits in an unflushed batch. Weakly: a future kept after its handle
     * closed must not keep the pipeline, its connection and buffers, and through its breakdown
     * callback the handle. It is read for only by a thread holding the pipeline's receive lock,
     * whose frames keep the pipeline.
     */
    private volatile WeakReference<Pipeline> pipeline;
    /**
     * Its own request until it completes (a future kept long after must not keep it); null for a
     * derived stage.
     */
    private volatile PendingRequest pending;
    /**
     * For a derived stage, the request's own future that its chain of stages began with; null for
     * that one. Not the stage it was made from: a chain built in a loop
     * ({@code f = f.thenCompose(...)}) would keep every stage reachable from the last. Weakly: a
     * kept stage must not keep that future's value, as a stage of a plain future does not.
     * Until that future completes, its request refers to it from the pipeline (or the batch);
     * after, a join reads for the stage as for any ({@link JoinsInActions#readFor}), without it.
     */
    private final WeakReference<ResponseFuture<?>> root;
    /** For a request's own future: the one {@link #root} its stages share, made with the first. */
    private volatile WeakReference<ResponseFuture<?>> shared;
    /**
     * A thread that does not read waits for it, or for a stage derived from it, in a {@code join}
     * or {@code get}: a thread reading inside a completion action while it waits for another
     * thread completes it at once rather than after its action ({@link Pipeline#readIfReading}),
     * since the thread waiting for it may be the one it waits for.
     */
    private volatile boolean awaitedElsewhere;
    /**
     * The application's handle until the answer came: the pipeline holds this future until then,
     * so a request in flight keeps its handle from being closed as dropped (decision 0036), and
     * the close from failing it and running its actions on the cleaner's thread. Not volatile: a
     * store seen late only keeps the handle while the application keeps the future.
     */
    private Object keptHandle;

    private ResponseFuture(WeakReference<Pipeline> pipeline, PendingRequest pending,
                           WeakReference<ResponseFuture<?>> root) {
        this.pipeline = pipeline;
        this.pending = pending;
        this.root = root;
    }

    /** The future of {@code pending}, a request to be sent on {@code pipeline} (null: not yet known). */
    static <T> ResponseFuture<T> of(Pipeline pipeline, PendingRequest pending) {
        return new ResponseFuture<>(pipeline == null ? null : pipeline.reference(), pending, null);
    }

    /** Its batch was flushed onto {@code pipeline}. */
    void sentOn(Pipeline pipeline) {
        this.pipeline = pipeline.reference();
    }

    /** Its own request while it waits for the answer; null for a derived stage. */
    PendingRequest pending() {
        return pending;
    }

    /** What a failure to wait for it says it was: its request, or the request it is derived from. */
    String context() {
        ResponseFuture<?> origin = root();
        PendingRequest request = origin == null ? null : origin.pending;
        return request != null ? request.context() : "a completed request's stage";
    }

    /**
     * {@code future}, which keeps {@code handle} until it completes ({@link #keptHandle}).
     *
     * @return {@code future}
     */
    static <T> CompletableFuture<T> keepingUntilDone(CompletableFuture<T> future, Object handle) {
        if (future instanceof ResponseFuture<T> response) {
            response.keptHandle = handle;
            if (response.isDone()) {
                response.keptHandle = null; // answered already: a completion may have cleared it before the store
            }
        }
        return future;
    }

    @Override
    public boolean complete(T value) {
        boolean completed = super.complete(value);
        pending = null;
        keptHandle = null;
        return completed;
    }

    @Override
    public boolean completeExceptionally(Throwable failure) {
        boolean completed = super.completeExceptionally(failure);
        pending = null;
        keptHandle = null;
        return completed;
    }

    /** The request's own future that it is, or is derived from; null once that one is gone. */
    private ResponseFuture<?> root() {
        return root == null ? this : root.get();
    }

    /** Where its request went: its request's future may know it, where it did not when this stage was made. */
    private WeakReference<Pipeline> pipelineOf(ResponseFuture<?> origin) {
        WeakReference<Pipeline> known = origin == null ? null : origin.pipeline;
        return known != null ? known : pipeline;
    }

    /** What its stages refer to its request's future by. */
    private WeakReference<ResponseFuture<?>> rootReference() {
        if (root != null) {
            return root;
        }
        WeakReference<ResponseFuture<?>> reference = shared;
        if (reference == null) {
            reference = new WeakReference<>(this); // two stages made at once may make one each: either serves
            shared = reference;
        }
        return reference;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new ResponseFuture<>(pipelineOf(root()), null, rootReference());
    }

    @Override
    public T join() {
        boolean elsewhere;
        try {
            elsewhere = readOrLook(Long.MAX_VALUE, false);
        } catch (CmapException e) {
            throw new CompletionException(e);
        }
        countWaitElsewhere(elsewhere, 1);
        try {
            return super.join();
        } finally {
            countWaitElsewhere(elsewhere, -1);
        }
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        boolean elsewhere;
        try {
            elsewhere = readOrLook(Long.MAX_VALUE, true);
        } catch (CmapException e) {
            throw new ExecutionException(e);
        }
        countWaitElsewhere(elsewhere, 1);
        try {
            return super.get();
        } finally {
            countWaitElsewhere(elsewhere, -1);
        }
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        long started = System.nanoTime();
        long timeoutNanos = unit.toNanos(timeout);
        boolean elsewhere;
        try {
            elsewhere = readOrLook(timeoutNanos, true);
        } catch (CmapException e) {
            throw new ExecutionException(e);
        }
        countWaitElsewhere(elsewhere, 1);
        try {
            return super.get(Math.max(0, timeoutNanos - (System.nanoTime() - started)), TimeUnit.NANOSECONDS);
        } finally {
            countWaitElsewhere(elsewhere, -1);
        }
    }

    /**
     * Reads for it if the thread runs a completion action ({@link #readInAction}), and goes on
     * looking while only this thread could read what it waits for: while it reads the pipeline
     * (the action runs on the reading thread), or while its request waits in a batch not yet
     * flushed. Waiting as any future does there waited for good once what it waits for went on
     * the wire later: a batch another thread flushed, a request issued on another thread once an
     * earlier stage completed there, requests held back by a hold that ended; nobody else reads.
     * So it waits in slices growing from {@link #FIRST_LOOK_NANOS} to {@link #LONGEST_LOOK_NANOS}
     * (a completion ends a slice at once) and reads for it again after each, until it is done,
     * the thread no longer reads for it, or the time is up. An interrupt ends it for a
     * {@code get} (whose wait then throws), and is kept for after it for a {@code join}.
     *
     * @return what {@link #readInAction} returned the last time
     */
    private boolean readOrLook(long timeoutNanos, boolean interruptible) {
        long started = System.nanoTime();
        long slice = FIRST_LOOK_NANOS;
        boolean interrupted = false;
        try {
            while (true) {
                long left = timeoutNanos == Long.MAX_VALUE ? timeoutNanos
                        : Math.max(0, timeoutNanos - (System.nanoTime() - started));
                boolean elsewhere = readInAction(left, interruptible);
                if (isDone() || left == 0 || !(inUnflushedBatch() || readsItsPipeline())) {
                    return elsewhere;
                }
                // an interrupt already set ends the wait at once, as one that comes during it
                if (waitAtMost(Math.min(slice, left))) {
                    if (interruptible) {
                        Thread.currentThread().interrupt();
                        return elsewhere;
                    }
                    interrupted = true;
                }
                slice = Math.min(2 * slice, LONGEST_LOOK_NANOS);
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Waits for the completion {@code nanos} at most; whether an interrupt, set before or during
     * the wait, ended it (its status cleared).
     */
    private boolean waitAtMost(long nanos) {
        try {
            super.get(nanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException | CancellationException e) {
            return false; // the time is up, or it is done: the loop looks
        } catch (InterruptedException e) {
            return true;
        }
        return false;
    }

    /** Whether this thread reads the pipeline its request went to: it runs a completion action. */
    private boolean readsItsPipeline() {
        Pipeline where = pipelineOrNull(root());
        return where != null && where.readsOnThisThread();
    }

    /** The pipeline its request went to ({@link #pipelineOf}), or null: not known yet, or gone. */
    private Pipeline pipelineOrNull(ResponseFuture<?> origin) {
        WeakReference<Pipeline> reference = pipelineOf(origin);
        return reference == null ? null : reference.get();
    }

    /** Whether the request it is, or is derived from, waits in a batch not yet flushed. */
    private boolean inUnflushedBatch() {
        ResponseFuture<?> origin = root();
        return origin != null && !origin.isDone() && pipelineOf(origin) == null;
    }

    /**
     * A listener's wait for another thread is counted while it lasts
     * ({@link DeferredCompletions#waitingElsewhere}).
     */
    private static void countWaitElsewhere(boolean elsewhere, int delta) {
        if (elsewhere) {
            DeferredCompletions.waitingElsewhere(delta);
        }
    }

    /**
     * Reads for this future if the thread runs a completion action ({@link JoinsInActions#readFor}).
     * {@code interruptible}: an interrupt ends the reading, and the wait that follows throws
     * {@link InterruptedException}, as {@code CompletableFuture.get} does (decision 0035);
     * {@code join} ignores interrupts, as it does there.
     *
     * @return whether this thread runs a listener and does not read for it: it then waits for
     *     another thread, which it tells of the wait ({@link DeferredCompletions#waitingElsewhere}),
     *     whatever the pipeline: what a stage waits for may be on another (thenCompose's inner
     *     request, issued on another handle, or after a reconnect)
     */
    private boolean readInAction(long timeoutNanos, boolean interruptible) {
        if (isDone()) {
            return false;
        }
        boolean listening = Pipeline.LISTENING.get()[0] > 0;
        ResponseFuture<?> origin = root();
        Pipeline where = pipelineOrNull(origin);
        if (where == null) {
            return listening;
        }
        boolean elsewhere = !where.readsOnThisThread();
        if (origin != null && elsewhere) {
            origin.awaitedElsewhere = true;
        }
        where.readFor(this, origin, timeoutNanos, interruptible);
        // a stage may wait for requests it does not name (thenCompose's inner one, thenCombine's other)
        // only in a listener: the thread reading may wait for that one (trackDelete, a dispatch)
        return elsewhere && listening;
    }

    /** Whether a thread that does not read waits for it ({@link #awaitedElsewhere}). */
    boolean awaitedElsewhere() {
        return awaitedElsewhere;
    }
}
