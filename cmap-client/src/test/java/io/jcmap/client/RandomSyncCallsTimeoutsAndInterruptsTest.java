package io.jcmap.client;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import io.jcmap.protocol.cmap.ResponseHeaderDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Synchronous calls, request timeouts and interrupts, in random scenarios over a bare pipeline
 * (SlowServer, its answers tagged with the request they answer): one or two threads issue
 * asynchronous requests, alone or in a batch, with completion actions, synchronous calls, calls
 * sent anyway (as trackDelete, maybe interrupted before) and iterations' starts (callHeld), so that
 * their own reading runs actions; actions make synchronous calls and calls sent anyway, start
 * iterations, issue requests and batches with actions of their own, interrupt their own thread,
 * join, get, or get with a short timeout a request or a stage of one; a request timeout of 1 to
 * 40 ms or none (decision 0033: the drainer expires asynchronous requests); interrupts of the
 * issuing threads at random moments (decision 0035); and an end: every answer released, a close
 * (its thread interrupted or not), a loss found by dispatch, by a send or by the reader, or an
 * answer with the wrong message id. Within {@link #SCENARIO_SECONDS}: every future and stage
 * completes (a CmapException, or an InterruptedException or TimeoutException of a get, count), the
 * threads and close() return, no answer is decoded for another request, a call failing with
 * INTERRUPT leaves the status set, a call sent anyway never fails with INTERRUPT and neither it
 * nor close() clears the status, and an interrupted synchronous call of an issuing thread ends
 * within {@link #INTERRUPT_BOUND_MILLIS} unless its thread joined meanwhile (join ignores
 * interrupts). {@code -Djcmap.randomInterrupts.seed=N} runs one seed
 * ({@code jcmap.randomInterrupts.firstSeed}, {@code jcmap.randomInterrupts.tries} run others;
 * {@code jcmap.randomInterrupts.stats=true} prints what happened); a seed fixes the plan, not the
 * threads' timing. Not covered: a whole handle (RandomHandleScenariosTest), interrupts of the
 * client's own threads.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RandomSyncCallsTimeoutsAndInterruptsTest {
    private static final int RESPONSE_ID = ScriptedConnection.RESPONSE_ID;
    private static final int LENGTH = ResponseHeaderDescriptor.LENGTH;
    /** Where a request carries its tag, past the request header; the server echoes it past the response header. */
    private static final int TAG_OFFSET = 16;
    private static final int TRIES = 150;
    private static final long SCENARIO_SECONDS = 5;
    private static final long INTERRUPT_BOUND_MILLIS = 1000;
    private static final int MAX_DEPTH = 2;
    private static final int MAX_REQUESTS_WITH_ACTIONS = 30;
    private static final int MAX_FAILURES_REPORTED = 5;

    /** What happened, counted over the seeds run, printed with {@code -Djcmap.randomInterrupts.stats=true}. */
    private static final RandomScenarioRuns.Tally STATS = new RandomScenarioRuns.Tally();

    private enum End { NONE, CLOSE, LOSS_FOUND_BY_DISPATCH, LOSS_FOUND_BY_READER, LOSS_FOUND_BY_SEND, WRONG_MESSAGE_ID }

    @Test
    void everyWaitEndsAndEveryAnswerGoesToItsRequest() {
        RandomScenarioRuns.Run run = RandomScenarioRuns.run("jcmap.randomInterrupts", TRIES, MAX_FAILURES_REPORTED,
                seed -> new Scenario(seed).run());
        if (Boolean.getBoolean("jcmap.randomInterrupts.stats")) {
            System.out.println("seeds " + run.first() + " to " + run.last() + ": " + STATS);
        }
        run.assertNoFailure();
    }

    /** SlowServer answering each request with its tag after the response header. */
    static final class TaggedServer extends SlowServer {
        final List<Integer> tags = new CopyOnWriteArrayList<>();
        /** The index of the answer sent with the wrong message id, from then on. */
        volatile int misansweredFrom = Integer.MAX_VALUE;
        private final MemorySegment tagged = Arena.ofAuto().allocate(LENGTH + 8);

        TaggedServer(boolean connectsOnFirstResponse, boolean takesRuns) {
            super(connectsOnFirstResponse, takesRuns);
            MemorySegment.copy(super.response(), 0, tagged, 0, LENGTH);
        }

        @Override
        public boolean sendWithoutNotifying(MemorySegment message, int length) {
            tags.add(message.get(JAVA_INT_UNALIGNED, TAG_OFFSET)); // before it counts as sent: a reader may take it
            return super.sendWithoutNotifying(message, length);
        }

        @Override
        public int receiveResponse(long timeoutNanos) {
            int length = super.receiveResponse(timeoutNanos);
            if (length >= 0) {
                int index = answered.get() - 1; // one reader at a time
                tagged.set(JAVA_INT_UNALIGNED, LENGTH, index < tags.size() ? tags.get(index) : -1);
                tagged.set(JAVA_INT_UNALIGNED, ResponseHeaderDescriptor.ID_OFFSET,
                        index >= misansweredFrom ? RESPONSE_ID + 1 : RESPONSE_ID);
            }
            return length;
        }

        @Override
        public MemorySegment response() {
            return tagged;
        }
    }

    private static final class Scenario {
        final long seed;
        final Random random;
        final TaggedServer server;
        final Pipeline pipeline;
        final End end;
        /** Whether the closing thread of the end, and that of the close after it all, are interrupted. */
        final boolean closeInterrupted;
        final boolean lastCloseInterrupted;
        final long timeoutMillis;
        final String config;
        final List<List<String>> workerPlans = new ArrayList<>();
        final List<String> serverPlan = new ArrayList<>();
        final List<Integer> interruptsAt = new ArrayList<>();
        final List<CompletableFuture<?>> futures = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<?>> stages = new CopyOnWriteArrayList<>();
        final List<String> oddities = new CopyOnWriteArrayList<>();
        final RandomScenarioRuns.Threads threads;
        final List<Thread> workers = new CopyOnWriteArrayList<>();
        final Map<Thread, Long> interruptedAt = new ConcurrentHashMap<>();
        final Map<Thread, Long> joinedAt = new ConcurrentHashMap<>();
        final AtomicInteger ids = new AtomicInteger();
        /** Per thread, how many times the test's own code cleared its interrupt status (a get's InterruptedException). */
        final Map<Thread, AtomicInteger> cleared = new ConcurrentHashMap<>();

        Scenario(long seed) {
            this.seed = seed;
            this.random = new Random(seed);
            threads = new RandomScenarioRuns.Threads(seed, oddities, e -> false);
            End[] kinds = End.values();
            end = kinds[random.nextInt(kinds.length)];
            boolean connectsOnFirstResponse = random.nextInt(4) == 0;
            boolean takesRuns = random.nextBoolean();
            server = new TaggedServer(connectsOnFirstResponse, takesRuns);
            server.looksWithoutSyscall = random.nextBoolean();
            closeInterrupted = random.nextBoolean();
            lastCloseInterrupted = random.nextBoolean();
            timeoutMillis = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(40);
            pipeline = new Pipeline(server, TimeUnit.MILLISECONDS.toNanos(timeoutMillis), reason -> { });
            config = "end " + end + ", request timeout " + timeoutMillis + " ms, server connects on first response "
                    + connectsOnFirstResponse + ", takes runs " + takesRuns + ", caller looks "
                    + server.looksWithoutSyscall + ", closes interrupted " + closeInterrupted + " "
                    + lastCloseInterrupted;
            plan();
        }

        private void plan() {
            int workerCount = 1 + random.nextInt(2);
            String[] kinds = {"async", "async", "async", "sync", "sync", "held", "batch", "sent anyway", "pause"};
            for (int w = 0; w < workerCount; w++) {
                List<String> steps = new ArrayList<>();
                int count = 3 + random.nextInt(10);
                for (int i = 0; i < count; i++) {
                    steps.add(kinds[random.nextInt(kinds.length)]);
                }
                workerPlans.add(steps);
            }
            int interrupts = random.nextInt(8);
            for (int i = 0; i < interrupts; i++) {
                interruptsAt.add(random.nextInt(60));
            }
            interruptsAt.sort(null);
            int releases = random.nextInt(8);
            int at = 0;
            for (int i = 0; i < releases; i++) {
                at += random.nextInt(12);
                serverPlan.add("at " + at + " release " + random.nextInt(5));
            }
            at += random.nextInt(40);
            serverPlan.add("at " + at + (end == End.NONE ? " release all" : " end"));
        }

        private String describe() {
            return "seed " + seed + " (" + config + ")\n  workers: " + workerPlans + "\n  interrupts at ms: "
                    + interruptsAt + "\n  server: " + serverPlan;
        }

        String run() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SCENARIO_SECONDS);
            for (int w = 0; w < workerPlans.size(); w++) {
                List<String> plan = workerPlans.get(w);
                long workerSeed = random.nextLong();
                workers.add(threads.start("worker " + w, () -> work(plan, new Random(workerSeed))));
            }
            Thread interrupter = threads.start("interrupter", this::interrupt);
            Thread serverSide = threads.start("server side", this::serve);
            List<Thread> first = new ArrayList<>(workers);
            first.add(interrupter);
            first.add(serverSide);
            List<String> failures = new ArrayList<>(RandomScenarioRuns.Threads.notReturned(first, deadline, ""));
            if (failures.isEmpty()) {
                RandomScenarioRuns.awaitUntil(this::allDone, deadline);
                failures.addAll(unfinished());
            }
            if (failures.isEmpty()) {
                failures.addAll(threads.firstNotReturned(deadline));
            }
            return threads.closeAndReport(failures, () -> close(lastCloseInterrupted), deadline, this::stacks,
                    this::outcomes, () -> {
                        server.close();
                        pipeline.breakDown(new CmapException(CsError.LIBRARY, "scenario abandoned"));
                    }, this::describe);
        }

        private void work(List<String> plan, Random r) {
            for (String step : plan) {
                Thread.interrupted(); // each step starts afresh; one in it may be interrupted
                switch (step) {
                    case "async" -> issue(r, 0, "async");
                    case "batch" -> batch(r, 0, "batch");
                    case "sync" -> timed(() -> sync(r, "sync"));
                    case "sent anyway" -> {
                        if (r.nextBoolean()) {
                            Thread.currentThread().interrupt();
                        }
                        sentAnyway(r, "sent anyway");
                    }
                    case "held" -> timed(() -> held(r, "held"));
                    case "pause" -> LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(r.nextInt(20)));
                    default -> throw new IllegalStateException(step);
                }
            }
            Thread.interrupted();
        }

        /** Runs a synchronous call of a worker and checks how long it went on once interrupted. */
        private void timed(Runnable call) {
            Thread me = Thread.currentThread();
            long started = System.nanoTime();
            call.run();
            long ended = System.nanoTime();
            Long interrupted = interruptedAt.get(me);
            Long joined = joinedAt.get(me);
            boolean interruptedInCall = interrupted != null && interrupted - started > 0;
            if (interruptedInCall) {
                long millis = TimeUnit.NANOSECONDS.toMillis(ended - interrupted);
                STATS.count("worker's call interrupted, ended within " + (millis < 20 ? "20" : millis < 120 ? "120"
                        : millis < 500 ? "500" : "more than 500") + " ms");
            }
            if (interruptedInCall && (joined == null || joined - started < 0)
                    && ended - interrupted > TimeUnit.MILLISECONDS.toNanos(INTERRUPT_BOUND_MILLIS)) {
                oddities.add(me.getName() + ": a synchronous call ended " + TimeUnit.NANOSECONDS.toMillis(ended
                        - interrupted) + " ms after its interrupt");
            }
        }

        /** close() is not ended by interrupts, and keeps the status (decision 0035). */
        private void close(boolean interrupted) {
            Thread me = Thread.currentThread();
            if (interrupted) {
                me.interrupt();
            }
            AtomicInteger clearedHere = cleared.computeIfAbsent(me, thread -> new AtomicInteger());
            int clearedBefore = clearedHere.get();
            pipeline.close(new CmapException(CsError.BAD_HANDLE, "handle closed"), false);
            // the actions it runs may clear it themselves (a get's InterruptedException)
            if (interrupted && !me.isInterrupted() && clearedHere.get() == clearedBefore) {
                oddities.add("close() by an interrupted thread cleared its status");
            }
        }

        private void interrupt() {
            long start = System.nanoTime();
            Random r = new Random(seed ^ 0x5DEECE66DL);
            for (int at : interruptsAt) {
                long due = start + TimeUnit.MILLISECONDS.toNanos(at);
                while (System.nanoTime() - due < 0) {
                    LockSupport.parkNanos(due - System.nanoTime());
                }
                Thread target = workers.get(r.nextInt(workers.size()));
                interruptedAt.put(target, System.nanoTime());
                target.interrupt();
                STATS.count("interrupt delivered");
            }
        }

        private void serve() {
            long start = System.nanoTime();
            for (String step : serverPlan) {
                String[] words = step.split(" ");
                long due = start + TimeUnit.MILLISECONDS.toNanos(Integer.parseInt(words[1]));
                while (System.nanoTime() - due < 0) {
                    LockSupport.parkNanos(due - System.nanoTime());
                }
                switch (words[2]) {
                    case "release" -> {
                        if (words[3].equals("all")) {
                            server.allowed.set(Integer.MAX_VALUE);
                        } else {
                            server.allowed.addAndGet(Integer.parseInt(words[3]));
                        }
                    }
                    case "end" -> {
                        switch (end) {
                            case CLOSE -> {
                                threads.start("closing", () -> close(closeInterrupted));
                            }
                            case LOSS_FOUND_BY_DISPATCH -> threads.start("dispatching", () -> pipeline.breakDown(
                                    new CmapException(CsError.LIBRARY, "connection lost, seen by dispatch")));
                            case LOSS_FOUND_BY_READER -> server.close();
                            case LOSS_FOUND_BY_SEND -> {
                                server.vanishOnSend = new io.jcmap.protocol.ErrnoException(107, "gone");
                                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                                server.close(); // nobody sent: a reader finds it
                            }
                            case WRONG_MESSAGE_ID -> {
                                server.misansweredFrom = server.answered.get();
                                server.allowed.set(Integer.MAX_VALUE);
                            }
                            default -> throw new IllegalStateException(end.toString());
                        }
                    }
                    default -> throw new IllegalStateException(step);
                }
            }
        }

        private Pipeline.Encoder encoder(int id) {
            return buffer -> {
                buffer.set(JAVA_INT_UNALIGNED, TAG_OFFSET, id);
                return LENGTH;
            };
        }

        private <T> Pipeline.Decoder<T> decoder(int id, T value) {
            return (response, length) -> {
                int tag = response.get(JAVA_INT_UNALIGNED, LENGTH);
                if (tag != id) {
                    oddities.add("the answer to #" + tag + " was decoded for #" + id);
                }
                return value;
            };
        }

        /** An asynchronous request, maybe with an action; its future. */
        private CompletableFuture<Object> issue(Random r, int depth, String what) {
            int id = ids.getAndIncrement();
            CompletableFuture<Object> future = pipeline.callAsync("get", "k" + id, RESPONSE_ID, LENGTH, encoder(id),
                    decoder(id, (Object) ("v" + id)));
            futures.add(future);
            if (id < MAX_REQUESTS_WITH_ACTIONS && depth <= MAX_DEPTH && r.nextInt(10) < 7) {
                long actionSeed = r.nextLong();
                String name = "the action of #" + id + " (" + what + ")";
                CompletableFuture<Object> action = r.nextBoolean()
                        ? future.thenApply(value -> act(new Random(actionSeed), depth + 1, name))
                        : future.handle((value, failure) -> act(new Random(actionSeed), depth + 1, name));
                stages.add(action);
            }
            return future;
        }

        /** A batch of asynchronous requests, maybe with actions, sent at once. */
        private Object batch(Random r, int depth, String what) {
            RequestBatch batch = new RequestBatch();
            int size = 1 + r.nextInt(4);
            List<CompletableFuture<Object>> added = new ArrayList<>();
            List<Long> actionSeeds = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                int id = ids.getAndIncrement();
                CompletableFuture<Object> future = batch.add("get", "k" + id, RESPONSE_ID, LENGTH, encoder(id),
                        decoder(id, (Object) ("v" + id)));
                added.add(future); // listed once flushed: a join of one in an unflushed batch waits for its flush
                if (id < MAX_REQUESTS_WITH_ACTIONS && depth <= MAX_DEPTH && r.nextInt(10) < 5) {
                    long actionSeed = r.nextLong();
                    String name = "the action of #" + id + " (" + what + ")";
                    stages.add(future.handle((value, failure) -> act(new Random(actionSeed), depth + 1, name)));
                }
            }
            try {
                pipeline.sendBatch(batch);
            } catch (CmapException e) {
                STATS.count("batch failed " + e.error() + inAction(what));
            } catch (RuntimeException e) {
                oddities.add(what + " threw " + e);
            }
            futures.addAll(added);
            return added.getFirst();
        }

        /**
         * A call sent anyway (trackDelete, an iterator's finalize): not ended by interrupts, its wait keeps the
         * status aside and sets it again (decision 0035).
         */
        private Object sentAnyway(Random r, String what) {
            int id = ids.getAndIncrement();
            Thread me = Thread.currentThread();
            boolean interrupted = me.isInterrupted();
            int clearedBefore = cleared.computeIfAbsent(me, thread -> new AtomicInteger()).get();
            try {
                Object value = pipeline.call(new Pipeline.Call<>("track delete", "k" + id, RESPONSE_ID, LENGTH,
                        encoder(id), decoder(id, "v" + id), null, true));
                STATS.count("sent anyway answered" + (interrupted ? ", interrupted" : "") + inAction(what));
                return value;
            } catch (CmapException e) {
                STATS.count("sent anyway failed " + e.error() + (interrupted ? ", interrupted" : "") + inAction(what));
                if (e.error() == CsError.INTERRUPT) {
                    oddities.add(what + " #" + id + ", sent anyway, failed with INTERRUPT");
                }
                return e;
            } catch (RuntimeException e) {
                oddities.add(what + " #" + id + " threw " + e);
                return e;
            } finally {
                if (interrupted && !me.isInterrupted() && cleared.get(me).get() == clearedBefore) {
                    oddities.add(what + " #" + id + ", sent anyway by an interrupted thread, lost its status");
                }
            }
        }

        private Object sync(Random r, String what) {
            int id = ids.getAndIncrement();
            try {
                Object value = pipeline.call("get", "k" + id, RESPONSE_ID, LENGTH, encoder(id), decoder(id, "v" + id));
                STATS.count("sync call answered" + inAction(what));
                return value;
            } catch (CmapException e) {
                STATS.count("sync call failed " + e.error() + inAction(what));
                checkInterruptStatus(e, what + " #" + id);
                return e;
            } catch (RuntimeException e) {
                oddities.add(what + " #" + id + " threw " + e);
                return e;
            }
        }

        private Object held(Random r, String what) {
            int id = ids.getAndIncrement();
            int count = 1 + r.nextInt(3);
            Pipeline.Call<String> opener = new Pipeline.Call<>("iter init", null, RESPONSE_ID, LENGTH, encoder(id),
                    decoder(id, "opened"));
            int nextId = ids.getAndIncrement();
            try {
                Pipeline.Held<String, String> held = pipeline.callHeld(opener, answer -> new Pipeline.Call<>(
                        "iter next", null, RESPONSE_ID, LENGTH, encoder(nextId), decoder(nextId, "next")), count);
                STATS.count("iteration start " + (held.failure() == null ? "answered" : "failed next " + held.failure().error())
                        + inAction(what));
                if (held.failure() != null) {
                    checkInterruptStatus(held.failure(), what + " #" + nextId);
                }
                return held;
            } catch (CmapException e) {
                STATS.count("iteration start failed " + e.error() + inAction(what));
                checkInterruptStatus(e, what + " #" + id);
                return e;
            } catch (RuntimeException e) {
                oddities.add(what + " #" + id + " threw " + e);
                return e;
            }
        }

        private static String inAction(String what) {
            return what.contains(":") ? " in an action on " + Thread.currentThread().getName().replaceAll("[ -][0-9]+$", "")
                    : "";
        }

        /** Decision 0035: the status is never cleared by jcmap on the caller's thread. */
        private void checkInterruptStatus(CmapException e, String what) {
            if (e.error() == CsError.INTERRUPT && !Thread.currentThread().isInterrupted()) {
                oddities.add(what + " on " + Thread.currentThread().getName()
                        + " failed with INTERRUPT, its thread's interrupt status cleared");
            }
        }

        /** What an action does. */
        private Object act(Random r, int depth, String what) {
            return switch (r.nextInt(12)) {
                case 11 -> sentAnyway(r, what + ": a call sent anyway");
                case 0, 1 -> sync(r, what + ": a synchronous call");
                case 9 -> {
                    // an action leaving the status set (decision 0035: the client's own threads clear it)
                    Thread.currentThread().interrupt();
                    STATS.count("action interrupts its thread" + inAction(what + ":"));
                    yield r.nextBoolean() ? sync(r, what + ": a synchronous call, interrupted") : null;
                }
                case 10 -> depth <= MAX_DEPTH ? batch(r, depth, what + ": a batch") : null;
                case 2 -> depth <= MAX_DEPTH ? held(r, what + ": an iteration's start") : null;
                case 3 -> wait(r, depth, what, 0);
                case 4 -> wait(r, depth, what, 1);
                case 5, 6 -> wait(r, depth, what, 2);
                case 7 -> depth <= MAX_DEPTH ? issue(r, depth, what + ": a request") : null;
                default -> null;
            };
        }

        /** Joins (0), gets (1) or gets with a short timeout (2) a random request or stage of one. */
        private Object wait(Random r, int depth, String what, int kind) {
            CompletableFuture<?> stage = stage(r, depth);
            if (stage == null) {
                return null;
            }
            String how = new String[] {"join", "get", "get(timeout)"}[kind];
            try {
                return switch (kind) {
                    case 0 -> {
                        joinedAt.put(Thread.currentThread(), System.nanoTime());
                        yield stage.join();
                    }
                    case 1 -> stage.get();
                    default -> stage.get(r.nextInt(20), TimeUnit.MILLISECONDS);
                };
            } catch (CompletionException | ExecutionException e) {
                STATS.count(how + " failed" + (e.getCause() instanceof CmapException c ? " " + c.error() : ""));
                return e.getCause();
            } catch (InterruptedException | TimeoutException e) {
                if (e instanceof InterruptedException) {
                    cleared.computeIfAbsent(Thread.currentThread(), thread -> new AtomicInteger()).incrementAndGet();
                }
                STATS.count(how + " threw " + e.getClass().getSimpleName() + inAction(what)
                        + (stage.isDone() ? ", done at once" : ""));
                return e;
            } finally {
                if (kind == 0) {
                    joinedAt.put(Thread.currentThread(), System.nanoTime());
                }
            }
        }

        private CompletableFuture<?> stage(Random r, int depth) {
            List<CompletableFuture<?>> known = List.copyOf(futures);
            CompletableFuture<?> made = switch (r.nextInt(4)) {
                case 0 -> known.isEmpty() ? null : known.get(r.nextInt(known.size()));
                case 1 -> known.isEmpty() ? null : known.get(r.nextInt(known.size())).thenApply(value -> value + "'");
                case 2 -> depth <= MAX_DEPTH ? issue(r, depth, "joined") : null;
                default -> {
                    if (known.isEmpty() || depth > MAX_DEPTH) {
                        yield null;
                    }
                    long inner = r.nextLong();
                    yield known.get(r.nextInt(known.size())).handle((value, failure) -> act(new Random(inner),
                            depth + 1, "a handle"));
                }
            };
            if (made != null) {
                stages.add(made);
            }
            return made;
        }

        private boolean allDone() {
            return futures.stream().allMatch(CompletableFuture::isDone)
                    && stages.stream().allMatch(CompletableFuture::isDone);
        }

        private List<String> unfinished() {
            List<String> left = new ArrayList<>();
            long futuresLeft = futures.stream().filter(future -> !future.isDone()).count();
            long stagesLeft = stages.stream().filter(stage -> !stage.isDone()).count();
            if (futuresLeft > 0) {
                left.add(futuresLeft + " of " + futures.size() + " requests never completed");
            }
            if (stagesLeft > 0) {
                left.add(stagesLeft + " of " + stages.size() + " stages never completed");
            }
            if (!left.isEmpty()) {
                left.add("broken: " + pipeline.brokenReason());
            }
            return left;
        }

        private List<String> outcomes() {
            List<String> wrong = new ArrayList<>(oddities);
            for (CompletableFuture<?> future : futures) {
                STATS.count("request " + (failure(future) instanceof CmapException c ? "failed " + c.error() : "answered"));
                if (failure(future) instanceof Throwable failure && !(failure instanceof CmapException)) {
                    wrong.add("a request failed with " + failure);
                }
            }
            for (CompletableFuture<?> stage : stages) {
                if (failure(stage) instanceof Throwable failure && !(failure instanceof CmapException)) {
                    wrong.add("a stage ended with " + failure);
                }
            }
            return wrong;
        }

        /** The innermost cause of its failure, or null if it completed normally (its value may be a get's exception). */
        private static Throwable failure(CompletableFuture<?> future) {
            Throwable failure;
            try {
                future.join();
                return null;
            } catch (CompletionException e) {
                failure = e.getCause();
            } catch (RuntimeException e) {
                failure = e;
            }
            while ((failure instanceof CompletionException || failure instanceof ExecutionException)
                    && failure.getCause() != null) {
                failure = failure.getCause();
            }
            return failure;
        }

        /** The stacks of the scenario's threads and the pipeline's drainer. */
        private String stacks() {
            try {
                Thread drainer = PipelineThreads.drainer(pipeline);
                return threads.stacks(drainer != null ? List.of(drainer) : List.of());
            } catch (ReflectiveOperationException e) {
                return "\n  (no drainer: " + e + ')' + threads.stacks(List.of());
            }
        }
    }
}
