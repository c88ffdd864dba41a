package io.jcmap.client;

import io.jcmap.protocol.ipc.IpcConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * A whole handle ({@link ConnectedHandle} over {@link ScriptedCmapServer}s) in random scenarios: an
 * issuing thread makes asynchronous requests (alone or in a batch) with completion actions,
 * synchronous sets, trackings, trackDeletes and notifications; a dispatching thread runs the
 * listeners with a random {@link DispatchType}; actions and listeners make synchronous calls, join
 * or get the handle's futures (or stages of them: thenApply, thenCompose issuing a request),
 * dispatch with any type, add trackings, delete a tracking (a listener its own), issue requests
 * with actions of their own, and make the server notify again. The scenario ends with a close from
 * the test's thread, from a listener or from an action, or a loss, with or without a reconnect.
 *
 * <p>Within {@link #SCENARIO_SECONDS} of the end: every future and stage completes, normally or
 * with a {@link CmapException} (a TRY_AGAIN or LIBRARY a call documents counts as completing);
 * the issuing and dispatching threads return; close() returns; no listener starts after a
 * trackDelete of its tracking returned (decision 0020). After a loss without reconnect, all that
 * happens before any close. A failure names its seed, its plan and the threads' stacks:
 * {@code -Djcmap.randomHandle.seed=N} runs that one alone ({@code jcmap.randomHandle.firstSeed}
 * and {@code jcmap.randomHandle.tries} run others). A seed fixes the plan, not the threads'
 * timing. Not generated: allOf/anyOf (decision 0034 leaves those out), joins of stages whose
 * functions block (an application's own cycle), iterations, timeouts, interrupts (those, with get,
 * inc, delete and reconnect listeners that call the handle, are {@link RandomHandleCallsTest}'s).
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RandomHandleScenariosTest {
    private static final int TRIES = 150;
    private static final long SCENARIO_SECONDS = 5;
    private static final String KEY = "k.tracked";
    private static final int MAX_FAILURES_REPORTED = 3;
    /** How many times the server may be made to notify (listeners notifying again). */
    private static final int NOTIFY_BUDGET = 40;
    /** Requests issued in actions and listeners get no action of their own past this many. */
    private static final int MAX_REQUESTS_WITH_ACTIONS = 40;

    private enum End { CLOSE, CLOSE_IN_LISTENER, CLOSE_IN_ACTION, LOSS, LOSS_RECONNECT }

    private static final DispatchType[] TYPES = DispatchType.values();
    /** What the scenarios did, for the summary printed at the end: act or event, and how often. */
    private static final RandomScenarioRuns.Tally DONE = new RandomScenarioRuns.Tally();

    @Test
    void everyFutureThreadAndCloseEndsAndNoListenerRunsAfterItsTrackDelete() {
        RandomScenarioRuns.Run run = RandomScenarioRuns.run("jcmap.randomHandle", TRIES, MAX_FAILURES_REPORTED,
                seed -> new Scenario(seed).run());
        System.out.println("RandomHandleScenariosTest, seeds " + run.first() + " to " + run.last() + ": " + DONE);
        run.assertNoFailure();
    }

    /** What an action or a listener does; made at plan time. */
    private record Act(String kind, String detail, long seed, List<Act> nested) {
        @Override
        public String toString() {
            return kind + (detail.isEmpty() ? "" : " " + detail) + (nested.isEmpty() ? "" : " " + nested);
        }
    }

    /** One of the scenario's trackings. */
    private static final class Tracking {
        final String name;
        final List<Act> acts;
        volatile long handle = -1;
        final AtomicInteger runs = new AtomicInteger();
        /** A trackDelete of it returned normally. */
        volatile boolean deleted;

        Tracking(String name, List<Act> acts) {
            this.name = name;
            this.acts = acts;
        }
    }

    private static final class Scenario {
        final long seed;
        final Random random;
        final End end;
        final boolean reconnects;
        final DispatchType dispatcherType;
        final int endAt;
        final List<String> issuerPlan = new ArrayList<>();
        final List<Object> steps = new ArrayList<>();
        final ScriptedCmapServer first = new ScriptedCmapServer(0x1000);
        final ScriptedCmapServer second = new ScriptedCmapServer(0x2000);
        final CountDownLatch reconnected = new CountDownLatch(1);
        final List<CompletableFuture<?>> requests = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<?>> stages = new CopyOnWriteArrayList<>();
        final List<Tracking> trackings = new CopyOnWriteArrayList<>();
        final List<String> oddities = new CopyOnWriteArrayList<>();
        /** Their ends with a CmapException are a call's documented end. */
        final RandomScenarioRuns.Threads threads;
        final AtomicInteger issuerProgress = new AtomicInteger();
        final AtomicInteger notifies = new AtomicInteger();
        final AtomicInteger withActions = new AtomicInteger();
        final AtomicBoolean closeArmed = new AtomicBoolean();
        final AtomicBoolean closeTaken = new AtomicBoolean();
        volatile String closedBy = "nobody";
        final boolean lossSeenFirstByDispatch;
        final int lossGapMillis;
        ConnectedHandle handle;

        Scenario(long seed) {
            this.seed = seed;
            this.random = new Random(seed);
            threads = new RandomScenarioRuns.Threads(seed, oddities, e -> e instanceof CmapException);
            End[] ends = End.values();
            end = ends[random.nextInt(ends.length)];
            reconnects = end == End.LOSS_RECONNECT || end != End.LOSS && random.nextBoolean();
            dispatcherType = TYPES[random.nextInt(TYPES.length)];
            int count = 4 + random.nextInt(9);
            for (int i = 0; i < count; i++) {
                Object step = step(i == 0 ? 3 : random.nextInt(9));
                steps.add(step);
                issuerPlan.add(step.toString());
            }
            endAt = random.nextInt(count + 1);
            lossSeenFirstByDispatch = random.nextBoolean();
            lossGapMillis = random.nextInt(3);
        }

        // ---- the plan ----------------------------------------------------------------------------------

        private Object step(int kind) {
            return switch (kind) {
                case 0, 1 -> List.of("async", act(random, 0, false));
                case 2 -> {
                    List<Act> inBatch = new ArrayList<>();
                    for (int i = 1 + random.nextInt(3); i > 0; i--) {
                        inBatch.add(act(random, 0, false));
                    }
                    yield List.of("batch", inBatch);
                }
                case 3, 4 -> List.of("track", listenerActs(random, 0));
                case 5 -> List.of("untrack", random.nextInt(4));
                case 6 -> List.of("notify", "");
                case 7 -> List.of("set", "");
                default -> List.of("pause", 1 + random.nextInt(20));
            };
        }

        private List<Act> listenerActs(Random r, int depth) {
            List<Act> acts = new ArrayList<>();
            for (int i = 1 + r.nextInt(3); i > 0; i--) {
                acts.add(act(r, depth, true));
            }
            return acts;
        }

        /** A random act; in a listener, or in a completion action. */
        private Act act(Random r, int depth, boolean inListener) {
            int kinds = depth >= 2 ? 6 : 9;
            long seed = r.nextLong();
            return switch (r.nextInt(kinds)) {
                case 0 -> new Act("nothing", "", seed, List.of());
                case 1 -> new Act("set", "", seed, List.of());
                case 2 -> new Act("join", new String[] {"join", "get", "get30"}[r.nextInt(3)] + " of "
                        + new String[] {"a request", "a thenApply", "a new setAsync", "a thenCompose"}[r.nextInt(4)],
                        seed, List.of());
                case 3 -> new Act("dispatch", TYPES[r.nextInt(TYPES.length)].toString(), seed, List.of());
                case 4 -> new Act("trackDelete", inListener && r.nextBoolean() ? "own" : "any", seed, List.of());
                case 5 -> new Act("notify", "", seed, List.of());
                case 6 -> new Act("async", "", seed, List.of(act(r, depth + 1, false)));
                case 7 -> new Act("trackAdd", "", seed, listenerActs(r, depth + 1));
                default -> new Act("join", "join of a new setAsync", seed, List.of());
            };
        }

        private String describe() {
            return "seed " + seed + " (end " + end + " at step " + endAt + (end.name().startsWith("LOSS")
                    ? ", found first by " + (lossSeenFirstByDispatch ? "dispatch" : "requests") + ", then "
                    + lossGapMillis + " ms" : "") + ", reconnects " + reconnects
                    + ", dispatcher " + dispatcherType + ", closed by " + closedBy + ")\n  issuer: " + issuerPlan;
        }

        // ---- running -----------------------------------------------------------------------------------

        String run() {
            AtomicInteger attempts = new AtomicInteger();
            Function<CmapOptions, IpcConnection> connector = options -> attempts.getAndIncrement() == 0 ? first
                    : second;
            CmapOptions.Builder options = CmapOptions.builder();
            if (reconnects) {
                options.reconnect(new ReconnectPolicy(Duration.ofMillis(1), Duration.ofMillis(1),
                        new ReconnectListener() {
                            @Override
                            public void onReconnected(int attempts) {
                                reconnected.countDown();
                            }
                        }));
            }
            handle = new ConnectedHandle(CmapMap.ICMAP, options.build(), false, connector);
            Thread issuer = threads.start("issuer", this::issue);
            Thread dispatcher = threads.start("dispatcher", this::dispatchAll);
            Thread ender = threads.start("ender", this::end);
            List<String> failures = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SCENARIO_SECONDS);
            if (!RandomScenarioRuns.joined(ender, deadline)) {
                failures.add("the ender had not returned (its end: " + end + ")");
            }
            if (failures.isEmpty() && end == End.LOSS) {
                // no reconnect: every call fails, dispatch reports the loss; all ends without a close
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SCENARIO_SECONDS);
                failures.addAll(unfinished(List.of(issuer, dispatcher), deadline, "after the loss, before any close"));
            }
            if (failures.isEmpty()) {
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SCENARIO_SECONDS);
                if (!threads.closes(handle::close, deadline, TimeUnit.SECONDS.toNanos(SCENARIO_SECONDS))) {
                    failures.add("close() from the test had not returned after " + SCENARIO_SECONDS + " s");
                }
            }
            if (failures.isEmpty()) {
                failures.addAll(unfinished(List.of(issuer, dispatcher), deadline, "after close()"));
            }
            String stacks = failures.isEmpty() ? "" : stacks();
            failures.addAll(oddities);
            if (failures.isEmpty()) {
                return null;
            }
            // let the threads left waiting go
            handle.close();
            first.close();
            second.close();
            return RandomScenarioRuns.failure(describe(), failures, stacks);
        }

        /** What had not ended by {@code deadline}: the threads, then the futures and stages. */
        private List<String> unfinished(List<Thread> mustEnd, long deadline, String when) {
            List<String> left = new ArrayList<>(RandomScenarioRuns.Threads.notReturned(mustEnd, deadline, when));
            RandomScenarioRuns.awaitUntil(this::allDone, deadline);
            long requestsLeft = requests.stream().filter(future -> !future.isDone()).count();
            long stagesLeft = stages.stream().filter(future -> !future.isDone()).count();
            if (requestsLeft > 0) {
                left.add(requestsLeft + " of " + requests.size() + " requests' futures never completed " + when);
            }
            if (stagesLeft > 0) {
                left.add(stagesLeft + " of " + stages.size() + " stages never completed " + when);
            }
            return left;
        }

        private boolean allDone() {
            return requests.stream().allMatch(CompletableFuture::isDone)
                    && stages.stream().allMatch(CompletableFuture::isDone);
        }

        private ScriptedCmapServer server() {
            return reconnected.getCount() == 0 ? second : first;
        }

        @SuppressWarnings("unchecked")
        private void issue() {
            for (Object step : steps) {
                List<Object> parts = (List<Object>) step;
                try {
                    switch ((String) parts.get(0)) {
                        case "async" -> async((Act) parts.get(1), "the issuer");
                        case "batch" -> {
                            List<CompletableFuture<?>> inBatch = new ArrayList<>();
                            try (CmapBatch batch = handle.batch()) {
                                for (Act act : (List<Act>) parts.get(1)) {
                                    CompletableFuture<Void> future = batch.setAsync("k.batch", CmapValue.uint32(1));
                                    inBatch.add(future);
                                    withAction(future, act, "a batch's", false);
                                }
                            } finally {
                                requests.addAll(inBatch); // flushed now: joins may name them
                            }
                        }
                        case "track" -> track((List<Act>) parts.get(1), "T" + trackings.size());
                        case "untrack" -> untrack((Integer) parts.get(1));
                        case "notify" -> notifyAgain();
                        case "set" -> handle.set("k.set", CmapValue.uint32(1));
                        case "pause" -> pause((Integer) parts.get(1));
                        default -> throw new IllegalStateException(parts.toString());
                    }
                } catch (CmapException e) {
                    // the end came, or the call documents it
                }
                issuerProgress.incrementAndGet();
            }
        }

        private void dispatchAll() {
            while (!handle.isClosed()) {
                try {
                    handle.dispatch(dispatcherType);
                    if (dispatcherType == DispatchType.ALL) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                    }
                } catch (CmapException e) {
                    if (e.error() == CsError.BAD_HANDLE || handle.isClosed()) {
                        return;
                    }
                    if (e.error() == CsError.LIBRARY && !reconnects) {
                        return; // the loss, reported
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // TRY_AGAIN, or reconnecting
                }
            }
        }

        /** The end, once the issuer reached its step (or stopped moving for 200 ms). */
        private void end() {
            RandomScenarioRuns.awaitProgress(issuerProgress::get, endAt);
            switch (end) {
                case CLOSE -> closeBy("the test's ender");
                case CLOSE_IN_LISTENER, CLOSE_IN_ACTION -> {
                    closeArmed.set(true);
                    notifyAgain(); // a listener, and the actions of the requests it makes, run
                    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
                    while (!closeTaken.get() && System.nanoTime() - until < 0) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                    }
                    closeBy("the test's ender, no " + (end == End.CLOSE_IN_LISTENER ? "listener" : "action")
                            + " having run in 300 ms");
                }
                case LOSS -> lose();
                case LOSS_RECONNECT -> {
                    lose();
                    try {
                        // the round starts once the loss's completion actions have returned
                        if (!reconnected.await(SCENARIO_SECONDS - 1, TimeUnit.SECONDS)) {
                            oddities.add("the handle had not reconnected after " + (SCENARIO_SECONDS - 1) + " s");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    // a while on the new connection
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20 + random.nextInt(50)));
                }
                default -> throw new IllegalStateException(end.toString());
            }
        }

        private void lose() {
            first.lose(lossSeenFirstByDispatch, lossGapMillis);
        }

        /** The server takes requests but answers none for {@code millis} (a corosync busy elsewhere). */
        private void pause(int millis) {
            ScriptedCmapServer server = server();
            server.withholdAnswers = true;
            threads.start("resuming", () -> {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
                server.withholdAnswers = false;
            });
        }

        private void closeBy(String who) {
            if (closeTaken.compareAndSet(false, true)) {
                closedBy = who;
                DONE.count("closed by " + who.replaceAll(" on .*", ""));
                handle.close();
            }
        }

        /** A close from a listener or an action, once the end is armed. */
        private void maybeClose(boolean inListener) {
            if (closeArmed.get() && (end == End.CLOSE_IN_LISTENER) == inListener) {
                closeBy(inListener ? "a listener on " + Thread.currentThread().getName()
                        : "a completion action on " + Thread.currentThread().getName());
            }
        }

        private void notifyAgain() {
            if (notifies.incrementAndGet() <= NOTIFY_BUDGET) {
                server().change(KEY);
            }
        }

        private CompletableFuture<Void> async(Act act, String by) {
            CompletableFuture<Void> future = handle.setAsync("k.async", CmapValue.uint32(1));
            withAction(future, act, by, true);
            return future;
        }

        private void withAction(CompletableFuture<Void> future, Act act, String by, boolean joinable) {
            if (joinable) {
                requests.add(future);
            }
            if (withActions.incrementAndGet() > MAX_REQUESTS_WITH_ACTIONS) {
                return;
            }
            boolean onlyOnSuccess = (act.seed() & 1) == 0;
            String what = by + " request's action " + act;
            stages.add(onlyOnSuccess
                    ? future.thenApply(value -> {
                        maybeClose(false);
                        return perform(act, what, null);
                    })
                    : future.handle((value, failure) -> {
                        maybeClose(false);
                        return perform(act, what, null);
                    }));
        }

        private void track(List<Act> acts, String name) {
            Tracking tracking = new Tracking(name, acts);
            trackings.add(tracking);
            tracking.handle = handle.trackAdd(KEY, EnumSet.of(TrackEvent.DELETE), (h, notification) -> {
                if (tracking.deleted) {
                    oddities.add("a listener of " + tracking.name + " (" + tracking.handle + ") started on "
                            + Thread.currentThread().getName() + " after a trackDelete of it had returned");
                }
                int run = tracking.runs.getAndIncrement();
                maybeClose(true);
                if (run < tracking.acts.size()) {
                    perform(tracking.acts.get(run), "the listener of " + tracking.name + ", run " + run, tracking);
                }
            });
        }

        private void untrack(int which) {
            List<Tracking> known = trackings.stream().filter(tracking -> tracking.handle != -1).toList();
            if (known.isEmpty()) {
                return;
            }
            deleteTracking(known.get(which % known.size()));
        }

        private void deleteTracking(Tracking tracking) {
            handle.trackDelete(tracking.handle);
            tracking.deleted = true;
        }

        /** Does {@code act}; what it returned, or the CmapException it ended with. */
        private Object perform(Act act, String what, Tracking own) {
            Random r = new Random(act.seed());
            DONE.count((own != null ? "listener " : "action ") + act.kind() + " " + act.detail());
            try {
                return switch (act.kind()) {
                    case "nothing" -> "nothing";
                    case "set" -> {
                        handle.set("k.act", CmapValue.uint32(1));
                        yield "set";
                    }
                    case "join" -> join(act.detail(), r, what);
                    case "dispatch" -> handle.dispatch(DispatchType.valueOf(act.detail()));
                    case "trackDelete" -> {
                        List<Tracking> known = trackings.stream().filter(tracking -> tracking.handle != -1).toList();
                        Tracking target = act.detail().equals("own") && own != null ? own
                                : known.isEmpty() ? null : known.get(r.nextInt(known.size()));
                        if (target != null) {
                            deleteTracking(target);
                        }
                        yield "deleted";
                    }
                    case "notify" -> {
                        notifyAgain();
                        yield "notified";
                    }
                    case "async" -> async(act.nested().get(0), what + ", nested");
                    case "trackAdd" -> {
                        track(act.nested(), "T" + trackings.size() + " (added by " + what + ")");
                        yield "tracked";
                    }
                    default -> throw new IllegalStateException(act.kind());
                };
            } catch (CmapException e) {
                DONE.count((own != null ? "listener " : "action ") + act.kind() + " ended with " + e.error());
                return e;
            }
        }

        private Object join(String detail, Random r, String what) {
            String[] words = detail.split(" ");
            CompletableFuture<?> target = switch (detail.substring(words[0].length() + " of ".length())) {
                case "a request" -> pick(r);
                case "a thenApply" -> pick(r).thenApply(value -> "applied");
                case "a new setAsync" -> fresh();
                case "a thenCompose" -> pick(r).thenCompose(value -> fresh());
                default -> throw new IllegalStateException(detail);
            };
            stages.add(target);
            try {
                return switch (words[0]) {
                    case "join" -> target.join();
                    case "get" -> target.get();
                    default -> target.get(30, TimeUnit.SECONDS);
                };
            } catch (CompletionException | ExecutionException e) {
                if (!(e.getCause() instanceof CmapException)) {
                    oddities.add(what + ": " + detail + " failed with " + e.getCause());
                }
                return e.getCause();
            } catch (InterruptedException | TimeoutException e) {
                oddities.add(what + ": " + detail + " " + e);
                return e;
            }
        }

        private CompletableFuture<Void> fresh() {
            CompletableFuture<Void> future = handle.setAsync("k.fresh", CmapValue.uint32(1));
            requests.add(future);
            return future;
        }

        private CompletableFuture<?> pick(Random r) {
            List<CompletableFuture<?>> known = List.copyOf(requests);
            return known.isEmpty() ? fresh() : known.get(r.nextInt(known.size()));
        }

        /** The stacks of every thread named after the seed, and of the client's own. */
        private String stacks() {
            return RandomScenarioRuns.stacksOfAllThreads(name -> threads.named(name) || name.startsWith("jcmap-"));
        }
    }
}
