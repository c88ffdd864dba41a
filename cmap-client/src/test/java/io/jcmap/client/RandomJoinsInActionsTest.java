package io.jcmap.client;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.cmap.ResponseHeaderDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Joins and gets inside completion actions (decision 0034), in random scenarios: a pipeline with
 * requests answered, withheld, in a batch flushed later, or held back while another thread starts
 * an iteration; actions joining a random stage of other requests (thenApply, thenCompose issuing a
 * request, thenCombine, joins nested in a stage's function); and a random breakdown (a close, a
 * loss found by dispatch, by a send or by the reader, an answer with the wrong message id), or
 * none, with every answer released. Each review of the fixes found another wait for itself one by
 * one; this looks for the rest. Within {@link #SCENARIO_SECONDS}, every future and stage
 * completes, normally or with a {@link CmapException}, close() returns, no action runs twice, an
 * answer read is not dropped, and the actions of requests nobody joins run in issue order.
 * A failure names its seed and the threads' stacks: {@code -Djcmap.randomJoins.seed=N} runs that one
 * alone ({@code jcmap.randomJoins.firstSeed} and {@code jcmap.randomJoins.tries} run others). A seed
 * fixes the plan, not the threads' timing: a failure may need a few runs to show again. Not covered:
 * a whole handle (listeners, dispatch, reconnects), synchronous calls and timeouts in actions
 * ({@link RandomSyncCallsTimeoutsAndInterruptsTest} has those, and interrupts), allOf/anyOf
 * (decision 0034 leaves those out).
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RandomJoinsInActionsTest {
    private static final int RESPONSE_ID = ScriptedConnection.RESPONSE_ID;
    private static final int LENGTH = ResponseHeaderDescriptor.LENGTH;
    private static final int TRIES = 200;
    private static final long SCENARIO_SECONDS = 5;
    /** How long the server's side waits for the issuing thread to reach its point, at most: it may wait in an action. */
    private static final long PROGRESS_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int MAX_DEPTH = 3;
    /** Requests issued in actions get no action of their own past this many requests. */
    private static final int MAX_REQUESTS_WITH_ACTIONS = 40;
    private static final int MAX_FAILURES_REPORTED = 5;

    private enum Breakdown { NONE, CLOSE, LOSS_FOUND_BY_DISPATCH, LOSS_FOUND_BY_SEND, LOSS_FOUND_BY_READER, WRONG_MESSAGE_ID }

    @Test
    void everyFutureAndStageCompletesAndTheBreakdownEnds() {
        RandomScenarioRuns.run("jcmap.randomJoins", TRIES, MAX_FAILURES_REPORTED, seed -> new Scenario(seed).run())
                .assertNoFailure();
    }

    /** One request, with what happened to it. */
    private static final class Request {
        final int id;
        /** "plain" (issued by the issuing thread), "batch", "action", "trigger". */
        final String origin;
        final AtomicInteger decoded = new AtomicInteger();
        final AtomicInteger actionRuns = new AtomicInteger();
        final AtomicInteger recorded = new AtomicInteger();
        volatile CompletableFuture<Object> future;
        /** The action runs only for an answer (thenApply), not for a failure (handle). */
        volatile boolean onlyOnSuccess;
        volatile boolean hasAction;
        /** A stage was made from it, or a join named it: its completion may come early. */
        volatile boolean referenced;
        /** Completed before its order could be recorded (failed at once, or while its recorder was attached). */
        volatile boolean unordered;
        volatile Thread registeringOn;

        Request(int id, String origin) {
            this.id = id;
            this.origin = origin;
        }

        @Override
        public String toString() {
            return "#" + id + "(" + origin + ")";
        }
    }

    private static final class Scenario {
        final long seed;
        final Random random;
        final SlowServer server;
        final Pipeline pipeline;
        final Breakdown breakdown;
        final List<String> issuerPlan = new ArrayList<>();
        final List<String> serverPlan = new ArrayList<>();
        final String config;
        final List<Request> requests = new CopyOnWriteArrayList<>();
        /** Those a stage may be made from: not waiting in an unflushed batch. */
        final List<Request> joinable = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<?>> stages = new CopyOnWriteArrayList<>();
        /** Ids of the requests completed, in order, with the thread completing each. */
        final Queue<Object[]> completionOrder = new ConcurrentLinkedQueue<>();
        final List<String> oddities = new CopyOnWriteArrayList<>();
        final RandomScenarioRuns.Threads threads;
        final AtomicInteger ids = new AtomicInteger();
        final AtomicInteger issuerProgress = new AtomicInteger();
        final CompletableFuture<Object> holderOutcome = new CompletableFuture<>();
        volatile boolean holding;
        volatile CompletableFuture<Object> misanswered;

        Scenario(long seed) {
            this.seed = seed;
            this.random = new Random(seed);
            threads = new RandomScenarioRuns.Threads(seed, oddities, e -> false);
            Breakdown[] kinds = Breakdown.values();
            breakdown = kinds[random.nextInt(kinds.length)];
            boolean connectsOnFirstResponse = random.nextInt(4) == 0;
            boolean takesRuns = random.nextBoolean();
            server = new SlowServer(connectsOnFirstResponse, takesRuns);
            server.looksWithoutSyscall = random.nextBoolean();
            pipeline = new Pipeline(server, 0, reason -> { });
            config = "breakdown " + breakdown + ", server connects on first response " + connectsOnFirstResponse
                    + ", takes runs " + takesRuns + ", caller looks " + server.looksWithoutSyscall;
            plan();
        }

        /** The issuing thread's steps, and the server's, each at a step of the issuer it waits for. */
        private void plan() {
            int plain = 3 + random.nextInt(8);
            int batched = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(4);
            int misanswered = breakdown == Breakdown.WRONG_MESSAGE_ID ? random.nextInt(plain) : -1;
            int hold = random.nextInt(3) == 0 ? random.nextInt(plain) : -1;
            List<String> steps = new ArrayList<>();
            for (int i = 0; i < plain; i++) {
                if (i == hold) {
                    steps.add("hold");
                }
                steps.add(i == misanswered ? "misanswered" : "issue");
            }
            for (int i = 0; i < batched; i++) {
                steps.add(random.nextInt(steps.size() + 1), "add to batch");
            }
            if (batched > 0) {
                int lastAdd = steps.lastIndexOf("add to batch");
                steps.add(lastAdd + 1 + random.nextInt(steps.size() - lastAdd), "flush");
            }
            issuerPlan.addAll(steps);
            int releases = random.nextInt(3);
            for (int i = 0; i < releases; i++) {
                serverPlan.add("at " + random.nextInt(steps.size() + 1) + " release " + random.nextInt(plain + 2));
            }
            if (breakdown != Breakdown.NONE) {
                serverPlan.add("at " + random.nextInt(steps.size() + 1) + " break down");
            }
            serverPlan.sort((a, b) -> Integer.compare(at(a), at(b)));
            serverPlan.add("at " + steps.size() + (breakdown == Breakdown.NONE ? " release all" : " end"));
        }

        private static int at(String step) {
            return Integer.parseInt(step.split(" ")[1]);
        }

        private String describe() {
            return "seed " + seed + " (" + config + ")\n  issuer: " + issuerPlan + "\n  server: " + serverPlan;
        }

        /** Runs the scenario and checks it; what failed, or null. */
        String run() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SCENARIO_SECONDS);
            Thread issuer = threads.start("issuer", this::issue);
            Thread serverSide = threads.start("server side", this::serve);
            List<String> failures = new ArrayList<>(
                    RandomScenarioRuns.Threads.notReturned(List.of(issuer, serverSide), deadline, ""));
            if (failures.isEmpty()) {
                RandomScenarioRuns.awaitUntil(this::allDone, deadline);
                failures.addAll(unfinished());
            }
            if (failures.isEmpty()) { // the holder, a closing or dispatching thread, a sending one
                failures.addAll(threads.firstNotReturned(deadline));
            }
            if (failures.isEmpty() && holding && !holderOutcome.isDone()) {
                failures.add("the holder's iteration had not returned");
            }
            return threads.closeAndReport(failures, () -> pipeline.close(new CmapException(CsError.BAD_HANDLE,
                    "handle closed"), false), deadline, this::stacks, this::outcomes, this::abandon, this::describe);
        }

        /** Lets the threads left waiting go. */
        private void abandon() {
            server.close();
            pipeline.breakDown(new CmapException(CsError.LIBRARY, "scenario abandoned"));
        }

        private void issue() {
            RequestBatch batch = new RequestBatch();
            List<Request> inBatch = new ArrayList<>();
            for (String step : issuerPlan) {
                switch (step) {
                    case "issue" -> issue("plain", random, false);
                    case "misanswered" -> issue("plain", random, true);
                    case "add to batch" -> inBatch.add(addTo(batch));
                    case "flush" -> {
                        joinable.addAll(inBatch); // flushed now: their futures know their pipeline
                        pipeline.sendBatch(batch);
                    }
                    case "hold" -> {
                        holding = true;
                        threads.start("holder", this::hold);
                        Waits.until(this::holdStarted, "the holder holds the wire");
                    }
                    default -> throw new IllegalStateException(step);
                }
                issuerProgress.incrementAndGet();
            }
        }

        /** Whether the holder holds the wire, or can no longer (a breakdown). */
        private boolean holdStarted() {
            return holderOutcome.isDone() || pipeline.brokenReason() != null || holder() != null;
        }

        private Thread holder() {
            try {
                return PipelineThreads.holder(pipeline);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The pipeline's response thread, or null. */
        private Thread drainer() {
            try {
                return PipelineThreads.drainer(pipeline);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Starts an iteration: the opener's answer comes only as the server releases it. */
        private void hold() {
            Pipeline.Call<String> opener = new Pipeline.Call<>("iter init", null, RESPONSE_ID, LENGTH,
                    buffer -> LENGTH, (response, length) -> "opened");
            try {
                holderOutcome.complete(pipeline.callHeld(opener, answer -> new Pipeline.Call<>("iter next", null,
                        RESPONSE_ID, LENGTH, buffer -> LENGTH, (response, length) -> "next"), 1));
            } catch (CmapException e) {
                holderOutcome.complete(e);
            }
        }

        private void serve() {
            for (String step : serverPlan) {
                long waitUntil = System.nanoTime() + PROGRESS_WAIT_NANOS;
                while (issuerProgress.get() < at(step) && System.nanoTime() - waitUntil < 0) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
                String[] words = step.split(" ");
                switch (words[2]) {
                    case "release" -> {
                        if (words[3].equals("all")) {
                            server.allowed.set(Integer.MAX_VALUE);
                        } else {
                            int more = Integer.parseInt(words[3]);
                            server.allowed.accumulateAndGet(more, (now, add) -> (int) Math.min(Integer.MAX_VALUE,
                                    (long) now + add));
                        }
                    }
                    case "break" -> breakDown();
                    case "end" -> { }
                    default -> throw new IllegalStateException(step);
                }
            }
        }

        private void breakDown() {
            switch (breakdown) {
                case CLOSE -> threads.start("closing", () -> pipeline.close(new CmapException(CsError.BAD_HANDLE,
                        "handle closed"), false));
                case LOSS_FOUND_BY_DISPATCH -> threads.start("dispatching", () -> pipeline.breakDown(new CmapException(
                        CsError.LIBRARY, "connection lost, seen by dispatch: hung up")));
                case LOSS_FOUND_BY_SEND -> {
                    server.vanishOnSend = new ErrnoException(107, "gone");
                    // on a thread of its own: the send may read answers and run their actions (caller looks)
                    threads.start("sending", () -> issue("trigger", new Random(seed), false));
                    long until = System.nanoTime() + PROGRESS_WAIT_NANOS;
                    while (pipeline.brokenReason() == null && System.nanoTime() - until < 0) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                    }
                    server.close(); // the trigger waited in the backlog, sent without a wake-up: a reader finds it
                }
                case LOSS_FOUND_BY_READER -> server.close();
                case WRONG_MESSAGE_ID -> {
                    // one answer at a time until the wrong one is read; none after it
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                    while (System.nanoTime() - until < 0
                            && (misanswered == null || !misanswered.isDone())) {
                        server.allowed.compareAndSet(server.answered.get(), server.answered.get() + 1);
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                    }
                    if (misanswered == null || !misanswered.isDone()) {
                        server.allowed.set(Integer.MAX_VALUE);
                    }
                }
                default -> throw new IllegalStateException(breakdown.toString());
            }
        }

        private Request addTo(RequestBatch batch) {
            Request request = new Request(ids.getAndIncrement(), "batch");
            request.future = batch.add("get", "k" + request.id, RESPONSE_ID, LENGTH, buffer -> LENGTH,
                    decoder(request));
            requests.add(request);
            attach(request, random);
            return request;
        }

        CompletableFuture<Object> issue(String origin, Random r, boolean misanswered) {
            Request request = new Request(ids.getAndIncrement(), origin);
            request.future = pipeline.callAsync("get", "k" + request.id, misanswered ? RESPONSE_ID + 1 : RESPONSE_ID,
                    LENGTH, buffer -> LENGTH, decoder(request));
            requests.add(request);
            if (misanswered) {
                this.misanswered = request.future;
            }
            if (request.future.isDone()) {
                request.unordered = true;
            }
            attach(request, r);
            joinable.add(request);
            return request.future;
        }

        private static Pipeline.Decoder<Object> decoder(Request request) {
            return (response, length) -> {
                request.decoded.incrementAndGet();
                return "v" + request.id;
            };
        }

        /**
         * Attaches an action joining a random stage (maybe), then a recorder of the completion's order.
         * In that order: a future runs the last one attached first.
         */
        private void attach(Request request, Random r) {
            CompletableFuture<Object> future = request.future;
            request.registeringOn = Thread.currentThread();
            if (request.id < MAX_REQUESTS_WITH_ACTIONS && r.nextInt(10) < 6) {
                long actionSeed = r.nextLong();
                request.hasAction = true;
                request.onlyOnSuccess = r.nextBoolean();
                String what = "the action of " + request;
                CompletableFuture<Object> action = request.onlyOnSuccess
                        ? future.thenApply(value -> {
                            request.actionRuns.incrementAndGet();
                            return act(new Random(actionSeed), 0, what);
                        })
                        : future.handle((value, failure) -> {
                            request.actionRuns.incrementAndGet();
                            return act(new Random(actionSeed), 0, what);
                        });
                stages.add(action);
            }
            future.whenComplete((value, failure) -> {
                if (request.registeringOn == Thread.currentThread()) {
                    request.unordered = true;
                }
                request.recorded.incrementAndGet();
                completionOrder.add(new Object[] {request.id, Thread.currentThread().getName()});
            });
            request.registeringOn = null;
        }

        /** Joins (or gets) a random stage; its value, or the cause of its failure. */
        private Object act(Random r, int depth, String what) {
            CompletableFuture<?> stage = stage(r, depth);
            try {
                return switch (r.nextInt(3)) {
                    case 0 -> stage.join();
                    case 1 -> stage.get();
                    default -> stage.get(30, TimeUnit.SECONDS);
                };
            } catch (CompletionException | ExecutionException e) {
                return e.getCause();
            } catch (InterruptedException | TimeoutException e) {
                oddities.add(what + ": " + e);
                return e;
            }
        }

        /** A random stage made of the requests issued so far, and of requests issued now. */
        private CompletableFuture<?> stage(Random r, int depth) {
            int kinds = depth >= MAX_DEPTH ? 3 : 7;
            CompletableFuture<?> made = switch (r.nextInt(kinds)) {
                case 0 -> pick(r);
                case 1 -> pick(r).thenApply(value -> value + "'");
                case 2 -> issue("action", r, false);
                case 3 -> {
                    long inner = r.nextLong();
                    yield stage(r, depth + 1).thenCompose(value -> issue("action", new Random(inner), false));
                }
                case 4 -> stage(r, depth + 1).thenCombine(stage(r, depth + 1), (a, b) -> a + "+" + b);
                case 5 -> {
                    long nested = r.nextLong();
                    yield stage(r, depth + 1).thenApply(value -> act(new Random(nested), depth + 1, "a thenApply"));
                }
                default -> {
                    long nested = r.nextLong();
                    yield stage(r, depth + 1).handle((value, failure) -> act(new Random(nested), depth + 1,
                            "a handle"));
                }
            };
            stages.add(made);
            return made;
        }

        /** A random request's future, not one of an unflushed batch. */
        private CompletableFuture<Object> pick(Random r) {
            List<Request> known = List.copyOf(joinable);
            if (known.isEmpty()) {
                return issue("action", r, false);
            }
            Request request = known.get(r.nextInt(known.size()));
            request.referenced = true;
            return request.future;
        }

        private boolean allDone() {
            for (Request request : requests) {
                // done, and its recorder run: a future is done before its dependents run, and a
                // completion nested in another's runs them in the other's order, so its action
                // (and what depends on that) may run before its recorder
                if (!request.future.isDone() || request.recorded.get() == 0) {
                    return false;
                }
            }
            for (CompletableFuture<?> stage : stages) {
                if (!stage.isDone()) {
                    return false;
                }
            }
            return !holding || holderOutcome.isDone();
        }

        private List<String> unfinished() {
            List<String> left = new ArrayList<>();
            List<Request> pending = requests.stream().filter(request -> !request.future.isDone()).toList();
            if (!pending.isEmpty()) {
                left.add("requests never completed: " + pending);
            }
            long stagesLeft = stages.stream().filter(stage -> !stage.isDone()).count();
            if (stagesLeft > 0) {
                left.add(stagesLeft + " of " + stages.size() + " stages never completed");
            }
            if (!left.isEmpty()) {
                left.add("broken: " + pipeline.brokenReason());
            }
            return left;
        }

        /** What the completed futures and actions say. */
        private List<String> outcomes() {
            List<String> wrong = new ArrayList<>(oddities);
            for (Request request : requests) {
                CompletableFuture<Object> future = request.future;
                Object outcome = outcome(future);
                if (outcome instanceof Throwable failure && !(failure instanceof CmapException)) {
                    wrong.add(request + " failed with " + failure);
                }
                if (request.decoded.get() > 1) {
                    wrong.add(request + "'s answer decoded " + request.decoded.get() + " times");
                }
                if (request.decoded.get() == 1 && !("v" + request.id).equals(outcome)) {
                    wrong.add(request + "'s answer was read, yet it completed with " + outcome);
                }
                if (request.recorded.get() != 1) {
                    wrong.add(request + " completed " + request.recorded.get() + " times");
                }
                int runs = request.actionRuns.get();
                int expected = !request.hasAction || request.onlyOnSuccess && outcome instanceof Throwable ? 0 : 1;
                if (runs != expected) {
                    wrong.add(request + "'s action ran " + runs + " times");
                }
            }
            for (CompletableFuture<?> stage : stages) {
                Object outcome = outcome(stage);
                if (outcome instanceof Throwable failure && !(failure instanceof CmapException)) {
                    wrong.add("a stage ended with " + failure);
                }
            }
            wrong.addAll(order());
            return wrong;
        }

        /** Its value, or the innermost of the failures wrapping its failure. */
        private static Object outcome(CompletableFuture<?> future) {
            Object outcome;
            try {
                outcome = future.join();
            } catch (CompletionException e) {
                outcome = e.getCause();
            } catch (RuntimeException e) {
                outcome = e;
            }
            while (outcome instanceof CompletionException || outcome instanceof ExecutionException) {
                outcome = ((Throwable) outcome).getCause();
            }
            return outcome;
        }

        /**
         * The issuer's own requests that no stage or join names complete in issue order on each thread
         * (decision 0034: what a join does not wait for completes in the order read, or failed). Not
         * across threads: a reader's deferred answers complete once its action returns, while another
         * thread's breakdown fails later requests.
         */
        private List<String> order() {
            Map<String, List<Integer>> byThread = new TreeMap<>();
            for (Object[] completion : completionOrder) {
                int id = (Integer) completion[0];
                Request request = requests.stream().filter(candidate -> candidate.id == id).findFirst().orElse(null);
                if (request == null) {
                    continue; // recorded while being issued, before it was listed: failed at once
                }
                if (request.origin.equals("plain") && !request.referenced && !request.unordered) {
                    byThread.computeIfAbsent((String) completion[1], thread -> new ArrayList<>()).add(id);
                }
            }
            List<String> wrong = new ArrayList<>();
            byThread.forEach((thread, seen) -> {
                for (int i = 1; i < seen.size(); i++) {
                    if (seen.get(i) < seen.get(i - 1)) {
                        wrong.add("completion order, on " + thread + ", of requests nobody joins, by id: " + seen);
                        return;
                    }
                }
            });
            return wrong;
        }

        private String stacks() {
            Thread drainer = drainer();
            return threads.stacks(drainer != null ? List.of(drainer) : List.of());
        }
    }
}
