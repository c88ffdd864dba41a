package io.jcmap.client;

import io.jcmap.protocol.ipc.IpcConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * A whole handle ({@link ConnectedHandle} over {@link ScriptedCmapServer}s, whose answers to GET,
 * inc, delete and the iteration messages say which request they answer) in random scenarios of the
 * calls {@link RandomHandleScenariosTest} does not make: one or two issuing threads call get (any
 * type, of short and of long values, of missing keys, of the wrong type), inc, dec, delete, their
 * asynchronous faces (alone or in a batch, with completion actions making such calls or
 * iterating), iterate (to the end, or closing early), add trackings whose listeners call the
 * handle, delete them, and make the server pause for 1 to 50 ms; a request timeout of 1 to 40 ms
 * (often 1 to 5) or none (decision 0033); interrupts of the issuing and dispatching threads at
 * random moments (decision 0035); connections that select the map or not; and an end: a close, or
 * a loss (found first by dispatch or by requests) without or with a reconnect whose
 * {@link ReconnectListener} callbacks (onDisconnected, onReconnectFailed after failed attempts,
 * onReconnected) get, iterate, dispatch, add trackings, join a getAsync, interrupt their own thread
 * or close the handle, and in onReconnected lose the new connection too (the next round then
 * reconnects to a third).
 *
 * <p>Within {@link #SCENARIO_SECONDS} each: every call returns its own answer (the value or the
 * NOT_EXIST or INVALID_PARAM the scripted map gives for its key) or fails with a code the docs
 * allow there (BAD_HANDLE once closed, TIMEOUT with a request timeout, INTERRUPT on an interrupted
 * issuing or dispatching thread, its status kept, LIBRARY after a loss or from an iterator whose
 * fetch failed, TRY_AGAIN from iterate); an iterator's close and a trackDelete are not ended by an
 * interrupt and leave the status as it was; an iteration lists its prefix's keys in order, all of
 * them unless it failed; every future and stage completes; the reconnect listener's callbacks
 * return and the handle reconnects; the threads and close() return. With a close as the end, the
 * handle first still answers a last get of its own, and the server is left with no iterator
 * (decision 0033 finalizes one made after a timeout). {@code -Djcmap.randomCalls.seed=N} runs one
 * seed ({@code jcmap.randomCalls.firstSeed} and {@code jcmap.randomCalls.tries} run others,
 * {@code jcmap.randomCalls.repeatSeed=N} runs seed N that many times); a seed fixes the plan, not
 * the threads' timing.
 *
 * <p>In about half the seeds ({@code -Djcmap.randomCalls.flow=true} or {@code false} forces it;
 * drawn from a random of its own, so a seed's plan is the same either way) the server's request
 * channel is full at random moments for random stretches (decision 0011), with some seeds it also
 * raises flow control, holds its answers back for stretches, takes requests in runs (decision
 * 0027), has a room for answers of 20,000 to 70,000 bytes (decision 0019), and has each pause
 * followed by a burst of up to 320 asynchronous requests, towards the window. Then each GET, inc,
 * dec and delete carries a tag naming its thread and place there, and besides the above: the
 * server never drops an answer for want of room; each request is sent at most once (a long value's
 * get twice), in its thread's issue order; one that failed with TRY_AGAIN was not sent; TRY_AGAIN
 * is allowed for any call once flow control was raised, and an iterator whose close it refused
 * may be left on the server.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RandomHandleCallsTest {
    private static final int TRIES = 100;
    private static final long SCENARIO_SECONDS = 5;
    private static final long INTERRUPT_BOUND_MILLIS = 1000;
    private static final int MAX_FAILURES_REPORTED = 3;
    private static final int MAX_REQUESTS_WITH_ACTIONS = 30;
    private static final String TRACKED = "k.tracked";

    private enum End { CLOSE, LOSS, LOSS_RECONNECT }

    private static final String[] CALLS = {"getUint32", "get", "getString", "inc", "delete", "iterate", "getInt32",
        "dec"};
    private static final String[] ASYNC = {"getAsync", "incAsync", "deleteAsync", "decAsync"};
    private static final RandomScenarioRuns.Tally DONE = new RandomScenarioRuns.Tally();

    @Test
    void everyCallGetsItsOwnAnswerOrADocumentedFailureAndEverythingEnds() {
        RandomScenarioRuns.Run run = RandomScenarioRuns.run("jcmap.randomCalls", TRIES, MAX_FAILURES_REPORTED,
                seed -> new Scenario(Long.getLong("jcmap.randomCalls.repeatSeed", seed)).run());
        System.out.println("RandomHandleCallsTest, seeds " + run.first() + " to " + run.last() + ": " + DONE);
        run.assertNoFailure();
    }

    /** A random synchronous call: its kind and key (or prefix), and for an iteration how many keys it takes. */
    private static String call(Random r) {
        String kind = CALLS[r.nextInt(CALLS.length)];
        int n = r.nextInt(40);
        return switch (kind) {
            case "getUint32" -> kind + " " + new String[] {"g.", "g.", "g.", "none.", "s."}[r.nextInt(5)] + n;
            case "getInt32" -> kind + " g." + n; // a uint32 key: INVALID_PARAM, from the answer's type
            case "dec" -> kind + " i." + n;
            case "get" -> kind + " " + new String[] {"g.", "s.", "none."}[r.nextInt(3)] + n;
            case "getString" -> kind + " s." + n;
            case "inc" -> kind + " i." + n;
            case "delete" -> kind + " d." + n;
            default -> kind + " it." + n + ". " + (r.nextInt(3) == 0 ? r.nextInt(6) : 99);
        };
    }

    private static final class Scenario {
        final long seed;
        final Random random;
        final End end;
        final boolean reconnects;
        /** Each connection first selects the map (SET_CURRENT_MAP), as {@code Cmap.initializeMap} does. */
        final boolean selectsMap;
        /** The loss is found first by dispatch (the server hangs up before it ends requests), then a gap. */
        final boolean lossSeenFirstByDispatch;
        final int lossGapMillis;
        final int failedAttempts;
        final int timeoutMillis;
        final int interrupts;
        final DispatchType dispatcherType;
        final List<List<String>> plans = new ArrayList<>();
        final Map<String, List<String>> callbackPlans = new java.util.HashMap<>();
        final ScriptedCmapServer first = new ScriptedCmapServer(0x1000);
        final ScriptedCmapServer second = new ScriptedCmapServer(0x2000);
        /** The connection after a second loss, made by a listener in onReconnected ("loseAgain"). */
        final ScriptedCmapServer third = new ScriptedCmapServer(0x3000);
        final AtomicInteger reconnections = new AtomicInteger();
        /** How many reconnections the end waits for: 2 once a listener lost the second connection. */
        final AtomicInteger reconnectionsDue = new AtomicInteger(1);
        final List<CompletableFuture<?>> futures = new CopyOnWriteArrayList<>();
        /** What each future is, for the report of those left. */
        final Map<CompletableFuture<?>, String> named = new java.util.concurrent.ConcurrentHashMap<>();
        final List<String> oddities = new CopyOnWriteArrayList<>();
        final RandomScenarioRuns.Threads threads;
        final List<Thread> issuers = new CopyOnWriteArrayList<>();
        final List<Long> trackHandles = new CopyOnWriteArrayList<>();
        /** The issuers and the dispatcher: the interrupter's targets. */
        final List<Thread> interruptible = new CopyOnWriteArrayList<>();
        final AtomicInteger withActions = new AtomicInteger();
        final AtomicInteger stepsDone = new AtomicInteger();
        final AtomicInteger callbacksRunning = new AtomicInteger();
        /** When each issuing thread was last interrupted (nanoTime), by thread id. */
        final Map<Long, AtomicLong> interruptedAt = new java.util.concurrent.ConcurrentHashMap<>();
        volatile boolean lossStarted;
        volatile boolean secondLost;
        /** The ender waits for the issuers and futures before its close. */
        volatile boolean closing;
        /** Opened once every thread is in the lists that name them: a thread must not start before. */
        final java.util.concurrent.CountDownLatch listed = new java.util.concurrent.CountDownLatch(1);
        /** Set on a reconnect thread by a callback's "interrupt", until that callback returns. */
        final ThreadLocal<Boolean> interruptedItself = ThreadLocal.withInitial(() -> false);
        final int endAt;
        /**
         * Flow: the server refuses sends for want of room at random moments for random stretches, and
         * with {@link #flowControlToo} raises flow control now and then; it may hold its answers back for
         * stretches ({@link #delays}), take requests in runs, and have little room for answers. Drawn from
         * a random of its own, so that a seed's plan is the same with and without.
         */
        final boolean flow;
        final boolean flowControlToo;
        final boolean delays;
        final boolean runs;
        final long responseRoom;
        /** In a flow scenario, how many asynchronous requests a pause's issuer sends while answers are held. */
        final int burst;
        volatile boolean stutterStop;
        Thread stutter;
        /** The kind of call each tagged key was made for. */
        final Map<String, String> tagged = new java.util.concurrent.ConcurrentHashMap<>();
        /** Tagged keys whose call failed with TRY_AGAIN. */
        final java.util.Set<String> triedAgain = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final ThreadLocal<int[]> issued = ThreadLocal.withInitial(() -> new int[1]);
        /**
         * Iterator closes that flow control failed with TRY_AGAIN: a close is sent once, and corosync
         * keeps such an iterator until the connection ends ({@link CmapIterator#close}).
         */
        final AtomicInteger finalizesRefused = new AtomicInteger();
        ConnectedHandle handle;

        Scenario(long seed) {
            this.seed = seed;
            this.random = new Random(seed);
            End[] ends = End.values();
            end = ends[random.nextInt(ends.length)];
            reconnects = end == End.LOSS_RECONNECT || end == End.CLOSE && random.nextBoolean();
            failedAttempts = random.nextInt(3);
            selectsMap = random.nextBoolean();
            lossSeenFirstByDispatch = random.nextBoolean();
            lossGapMillis = random.nextInt(3);
            timeoutMillis = random.nextBoolean() ? 0
                    : random.nextBoolean() ? 1 + random.nextInt(5) : 2 + random.nextInt(39);
            interrupts = random.nextInt(3) == 0 ? 1 + random.nextInt(4) : 0;
            dispatcherType = random.nextBoolean() ? DispatchType.BLOCKING : DispatchType.ALL;
            int steps = 0;
            for (int t = 1 + random.nextInt(2); t > 0; t--) {
                List<String> plan = new ArrayList<>();
                for (int i = 4 + random.nextInt(10); i > 0; i--) {
                    plan.add(step(random));
                }
                steps += plan.size();
                plans.add(plan);
            }
            for (String callback : List.of("onDisconnected", "onReconnectFailed", "onReconnected")) {
                List<String> acts = new ArrayList<>();
                for (int i = random.nextInt(3); i > 0; i--) {
                    acts.add(callbackAct(random, callback));
                }
                callbackPlans.put(callback, acts);
            }
            endAt = random.nextInt(steps + 1);
            threads = new RandomScenarioRuns.Threads(seed, oddities, e -> e instanceof CmapException);
            // mixed: java.util.Random's first draws from neighbouring seeds are alike (its first nextBoolean
            // was the same for seeds 1 to 100)
            java.util.SplittableRandom f = new java.util.SplittableRandom(seed ^ 0xF10C0DEL);
            String forced = System.getProperty("jcmap.randomCalls.flow", "");
            flow = forced.isEmpty() ? f.nextBoolean() : Boolean.parseBoolean(forced);
            flowControlToo = flow && f.nextInt(3) == 0;
            delays = flow && f.nextBoolean();
            runs = flow && f.nextBoolean();
            responseRoom = flow && f.nextBoolean() ? new long[] {20_000, 40_000, 70_000}[f.nextInt(3)] : Long.MAX_VALUE;
            burst = flow && f.nextBoolean() ? 20 + f.nextInt(300) : 0;
            if (flow) {
                for (ScriptedCmapServer server : List.of(first, second, third)) {
                    server.runs = runs;
                    server.responseRoom = responseRoom;
                }
            }
        }

        /** {@code key} with a tag naming this request (its thread and place there), in a flow scenario. */
        private String tag(String kind, String key) {
            if (!flow) {
                return key;
            }
            String name = Thread.currentThread().getName().replace(' ', '_').replace('~', '_').replace('#', '_');
            String tagged = key + "~" + name + "#" + issued.get()[0]++;
            this.tagged.put(tagged, kind);
            return tagged;
        }

        private void noteFailure(String key, Object got) {
            if (got instanceof CmapException e && e.error() == CsError.TRY_AGAIN && key.contains("~")) {
                triedAgain.add(key);
            }
        }

        /** Refusals, flow control and held-back answers at random moments, until {@link #stutterStop}. */
        private void stutter() {
            Random r = new Random(seed ^ 0x57077E5L);
            while (!stutterStop) {
                ScriptedCmapServer server = server();
                int what = r.nextInt(10);
                if (flowControlToo && what == 0) {
                    server.raiseFlowControl();
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(r.nextInt(2000)));
                    server.flowControl = false;
                    DONE.count("flow control raised");
                } else if (delays && what <= 3) {
                    server.delaying = true;
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(r.nextInt(10000)));
                    server.delaying = false;
                    DONE.count("answers delayed");
                } else {
                    server.refusing = true;
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(r.nextInt(3000)));
                    server.refusing = false;
                    DONE.count("sends refused");
                }
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(r.nextInt(5000)));
            }
            for (ScriptedCmapServer server : List.of(first, second, third)) {
                server.refusing = false;
                server.flowControl = false;
                server.delaying = false;
            }
        }

        private void stopStutter() {
            stutterStop = true;
            if (stutter != null) {
                try {
                    stutter.join(TimeUnit.SECONDS.toMillis(1));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** What the servers were sent: no answer dropped, each tagged request at most once, in its thread's order. */
        private void checkSends() {
            java.util.Map<String, Integer> sends = new java.util.HashMap<>();
            for (ScriptedCmapServer server : List.of(first, second, third)) {
                if (server.dropped() > 0) {
                    oddities.add(server + " dropped " + server.dropped() + " answers for want of room ("
                            + responseRoom + " bytes): more answers due than it had room for");
                }
                java.util.Map<String, Integer> lastOf = new java.util.HashMap<>();
                for (String name : server.namesTaken()) {
                    int at = name.indexOf('~');
                    if (at < 0) {
                        continue;
                    }
                    if (sends.merge(name, 1, Integer::sum) > 1) {
                        continue; // a long value's second GET: issued after the first was answered
                    }
                    int hash = name.lastIndexOf('#');
                    String thread = name.substring(at + 1, hash);
                    int place = Integer.parseInt(name.substring(hash + 1));
                    Integer last = lastOf.put(thread, place);
                    if (last != null && last > place) {
                        oddities.add(server + ": " + name + " (" + tagged.get(name) + ") was sent after place " + last
                                + " of its thread (not in issue order); its thread's requests as sent: "
                                + server.namesTaken().stream().filter(n -> n.contains("~" + thread + "#"))
                                        .map(n -> n + " " + tagged.get(n)).toList());
                    }
                }
            }
            sends.forEach((name, count) -> {
                if (count > mostSends(name)) {
                    oddities.add(name + " (" + tagged.get(name) + ") was sent " + count + " times");
                }
            });
            for (String name : triedAgain) {
                int count = sends.getOrDefault(name, 0);
                if (count >= mostSends(name)) {
                    oddities.add(name + " (" + tagged.get(name) + ") failed with TRY_AGAIN but was sent " + count
                            + " times");
                }
            }
        }

        /** A get of a value longer than a first get reserves is sent twice; everything else once. */
        private int mostSends(String name) {
            String kind = tagged.getOrDefault(name, "");
            return kind.startsWith("get") && name.startsWith("s.") ? 2 : 1;
        }

        // ---- the plan --------------------------------------------------------------------------

        private static String step(Random r) {
            return switch (r.nextInt(12)) {
                case 0, 1, 2, 3 -> call(r);
                case 4, 5 -> ASYNC[r.nextInt(ASYNC.length)] + " " + asyncKey(r) + " | " + action(r);
                case 6 -> {
                    StringBuilder batch = new StringBuilder("batch");
                    for (int i = 1 + r.nextInt(3); i > 0; i--) {
                        batch.append(" ; ").append(ASYNC[r.nextInt(ASYNC.length)]).append(' ').append(asyncKey(r))
                                .append(" | ").append(action(r));
                    }
                    yield batch.toString();
                }
                case 7 -> "pause " + (1 + r.nextInt(50));
                case 8 -> "track | " + call(r);
                case 9 -> r.nextBoolean() ? "notify" : "untrack " + r.nextInt(4);
                default -> "iterate it." + r.nextInt(40) + ". " + (r.nextInt(3) == 0 ? r.nextInt(6) : 99);
            };
        }

        private static String asyncKey(Random r) {
            return new String[] {"g.", "s.", "i.", "d.", "none."}[r.nextInt(5)] + r.nextInt(40);
        }

        /** A completion action: nothing, a synchronous call (an iteration too), or a getAsync of its own. */
        private static String action(Random r) {
            return switch (r.nextInt(4)) {
                case 0 -> "nothing";
                case 1 -> "getAsync g." + r.nextInt(40);
                default -> call(r);
            };
        }

        private static String callbackAct(Random r, String callback) {
            return switch (r.nextInt(7)) {
                case 5 -> callback.equals("onReconnected") && r.nextBoolean() ? "loseAgain"
                        : "interrupt"; // its own thread: the round clears the status before its next attempt
                case 6 -> r.nextInt(4) == 0 ? "close" : "nothing";
                case 0 -> "dispatch " + (callback.equals("onReconnected")
                        ? new String[] {"ALL", "ONE_NONBLOCKING"}[r.nextInt(2)]
                        : DispatchType.values()[r.nextInt(DispatchType.values().length)].name());
                case 1 -> "trackAdd";
                case 2 -> "join getAsync g." + r.nextInt(40);
                default -> call(r);
            };
        }

        private String describe() {
            return "seed " + seed + " (end " + end + " after " + endAt + " steps" + (end == End.CLOSE ? ""
                    : ", found first by " + (lossSeenFirstByDispatch ? "dispatch" : "requests") + ", then "
                    + lossGapMillis + " ms") + ", selects map " + selectsMap + ", reconnects " + reconnects
                    + (reconnects ? " after " + failedAttempts + " failed attempts" : "") + ", request timeout "
                    + (timeoutMillis == 0 ? "none" : timeoutMillis + " ms") + ", " + interrupts
                    + " interrupts, dispatcher "
                    + dispatcherType + (flow ? ", flow: refusals" + (flowControlToo ? ", flow control" : "")
                    + (delays ? ", answers delayed" : "") + (runs ? ", runs" : "") + ", room for answers "
                    + responseRoom + (burst > 0 ? ", bursts of " + burst + " in pauses" : "") : "")
                    + ")\n  issuers: " + plans + "\n  reconnect listener: " + callbackPlans;
        }

        // ---- running ---------------------------------------------------------------------------

        String run() {
            handle = new ConnectedHandle(CmapMap.ICMAP, options(), selectsMap, connector());
            List<Thread> started = new ArrayList<>();
            for (int i = 0; i < plans.size(); i++) {
                List<String> plan = plans.get(i);
                Thread issuer = threads.start("issuer-" + i, () -> issue(plan));
                issuers.add(issuer);
                interruptible.add(issuer);
                started.add(issuer);
            }
            Thread dispatcher = threads.start("dispatcher", this::dispatchAll);
            interruptible.add(dispatcher);
            started.add(dispatcher);
            if (interrupts > 0) {
                started.add(threads.start("interrupter", this::interruptIssuers));
            }
            listed.countDown();
            if (flow) {
                stutter = threads.start("stutter", this::stutter);
            }
            Thread ender = threads.start("ender", this::end);
            List<String> failures = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SCENARIO_SECONDS);
            if (!RandomScenarioRuns.joined(ender, deadline)) {
                failures.add("the ender had not returned (its end: " + end + ")");
            }
            stopStutter();
            if (failures.isEmpty()) {
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SCENARIO_SECONDS);
                if (!threads.closes(handle::close, deadline, TimeUnit.SECONDS.toNanos(SCENARIO_SECONDS))) {
                    failures.add("close() from the test had not returned after " + SCENARIO_SECONDS + " s");
                }
            }
            if (failures.isEmpty()) {
                failures.addAll(RandomScenarioRuns.Threads.notReturned(started, deadline, "after close()"));
                RandomScenarioRuns.awaitUntil(() -> futures.stream().allMatch(CompletableFuture::isDone), deadline);
                long left = futures.stream().filter(future -> !future.isDone()).count();
                if (left > 0) {
                    failures.add(left + " of " + futures.size() + " futures and stages never completed after close(): "
                            + left());
                }
            }
            if (flow && failures.isEmpty()) {
                checkSends();
            }
            String stacks = failures.isEmpty() ? "" : RandomScenarioRuns.stacksOfAllThreads(
                    name -> threads.named(name) || name.startsWith("jcmap-"));
            failures.addAll(oddities);
            if (failures.isEmpty()) {
                return null;
            }
            handle.close();
            first.close();
            second.close();
            third.close();
            return RandomScenarioRuns.failure(describe(), failures, stacks);
        }

        private CmapOptions options() {
            CmapOptions.Builder options = CmapOptions.builder();
            if (timeoutMillis > 0) {
                options.requestTimeout(Duration.ofMillis(timeoutMillis));
            }
            if (reconnects) {
                options.reconnect(new ReconnectPolicy(Duration.ofMillis(1), Duration.ofMillis(1), listener()));
            }
            return options.build();
        }

        /** The first connection, then {@link #failedAttempts} failed attempts, then the second. */
        private Function<CmapOptions, IpcConnection> connector() {
            AtomicInteger attempts = new AtomicInteger();
            return options -> {
                int attempt = attempts.getAndIncrement();
                if (attempt == 0) {
                    return first;
                }
                if (attempt <= failedAttempts) {
                    throw new CmapException(CsError.LIBRARY, "scripted: corosync not back yet");
                }
                return second.isConnected() && !secondLost ? second : third;
            };
        }

        private ReconnectListener listener() {
            return new ReconnectListener() {
                @Override
                public void onDisconnected(CmapException cause) {
                    inCallback("onDisconnected");
                }

                @Override
                public void onReconnectFailed(int attempt, CmapException cause, Duration nextDelay) {
                    inCallback("onReconnectFailed");
                }

                @Override
                public void onReconnected(int attempts) {
                    inCallback("onReconnected");
                    reconnections.incrementAndGet();
                }
            };
        }

        /** The callback's acts; one that takes over {@link #SCENARIO_SECONDS} is reported. */
        private void inCallback(String callback) {
            callbacksRunning.incrementAndGet();
            long start = System.nanoTime();
            try {
                for (String act : callbackPlans.get(callback)) {
                    DONE.count(callback + " " + act.split(" ")[0]);
                    callbackAct(act, callback);
                }
            } finally {
                interruptedItself.set(false);
                callbacksRunning.decrementAndGet();
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            if (millis > TimeUnit.SECONDS.toMillis(SCENARIO_SECONDS)) {
                oddities.add(callback + " took " + millis + " ms");
            }
        }

        private void callbackAct(String act, String callback) {
            String where = "in " + callback + ": " + act;
            boolean lost = !callback.equals("onReconnected");
            String[] words = act.split(" ");
            try {
                switch (words[0]) {
                    case "dispatch" -> handle.dispatch(DispatchType.valueOf(words[1]));
                    case "trackAdd" -> handle.trackAdd(TRACKED, EnumSet.of(TrackEvent.DELETE), (h, n) -> { });
                    case "interrupt", "close", "nothing", "loseAgain" -> {
                        if (words[0].equals("loseAgain")) {
                            loseAgain();
                        } else if (words[0].equals("interrupt")) {
                            interruptedItself.set(true);
                            Thread.currentThread().interrupt();
                        } else if (words[0].equals("close")) {
                            handle.close();
                        }
                        return;
                    }
                    case "join" -> {
                        CompletableFuture<CmapValue> future = handle.getAsync(words[2]);
                        add(future, where);
                        Object got;
                        try {
                            got = future.join();
                        } catch (java.util.concurrent.CompletionException e) {
                            got = e.getCause();
                        }
                        check(where, got, "getAsync", words[2], false);
                        return;
                    }
                    default -> {
                        checkCall(where, act, false);
                        return;
                    }
                }
                if (lost && !words[0].equals("dispatch")) {
                    oddities.add(where + " succeeded while the connection was lost");
                }
            } catch (CmapException e) {
                CsError error = e.error();
                boolean allowed = error == CsError.BAD_HANDLE && handle.isClosed()
                        || (lost || secondLost) && (error == CsError.LIBRARY
                                || words[0].equals("dispatch") && error == CsError.TRY_AGAIN)
                        || !lost && error == CsError.TIMEOUT && timeoutMillis > 0
                        || words[0].equals("dispatch") && error == CsError.TRY_AGAIN
                        || error == CsError.TRY_AGAIN && flowControlRaised()
                        || error == CsError.INTERRUPT && interruptedItself.get();
                if (!allowed) {
                    oddities.add(where + " failed with " + e);
                }
            }
        }

        private void issue(List<String> plan) {
            awaitListed();
            try {
                for (String step : plan) {
                    issueStep(step);
                    // an application that handled an INTERRUPT goes on; only here: an action that cleared
                    // the status would hide it from the call it ran inside
                    Thread.interrupted();
                    stepsDone.incrementAndGet();
                }
            } finally {
                Thread.interrupted(); // the interrupter may come after the last call
            }
        }

        private void issueStep(String step) {
            String[] words = step.split(" ");
            switch (words[0]) {
                case "getAsync", "incAsync", "decAsync", "deleteAsync" -> async(handle, step, "the issuer");
                case "batch" -> batch(step);
                case "pause" -> {
                    pause(Integer.parseInt(words[1]));
                    burst(Integer.parseInt(words[1]));
                }
                case "track" -> track(step.substring("track | ".length()));
                case "untrack" -> untrack(Integer.parseInt(words[1]));
                case "notify" -> server().change(TRACKED);
                default -> checkCall("the issuer: " + step, step, true);
            }
        }

        /** {@link #burst} asynchronous gets and incs, piling up towards the window while answers are held. */
        private void burst(int n) {
            for (int i = 0; i < burst; i++) {
                int key = (n + i) % 40;
                async(handle, (i % 3 == 0 ? "incAsync i." : i % 5 == 0 ? "getAsync s." : "getAsync g.") + key,
                        "the burst");
            }
            if (burst > 0) {
                DONE.count("bursts");
            }
        }

        private void batch(String step) {
            try (CmapBatch batch = handle.batch()) {
                for (String request : step.substring("batch ; ".length()).split(" ; ")) {
                    async(batch, request, "a batch");
                }
            } catch (CmapException e) {
                expectFailure("the issuer's " + step, e, true, false);
            }
        }

        /** An asynchronous request "KIND KEY | ACTION" through {@code target}; its outcome and action checked. */
        private void async(CmapAsync target, String request, String by) {
            String[] parts = request.split(" \\| ");
            String[] words = parts[0].split(" ");
            String what = by + ": " + parts[0];
            CompletableFuture<?> future;
            String key = tag(words[0], words[1]);
            try {
                future = switch (words[0]) {
                    case "getAsync" -> target.getAsync(key);
                    case "incAsync" -> target.incAsync(key);
                    case "decAsync" -> target.decAsync(key);
                    default -> target.deleteAsync(key);
                };
            } catch (CmapException e) {
                noteFailure(key, e);
                expectFailure(what, e, true, false);
                return;
            }
            add(future, what);
            add(future.handle((value, failure) -> {
                noteFailure(key, failure != null ? unwrap(failure) : value);
                check(what, failure != null ? unwrap(failure) : value, words[0], words[1], false);
                return null;
            }), "the check of " + what);
            if (parts.length > 1 && !parts[1].equals("nothing")
                    && withActions.incrementAndGet() <= MAX_REQUESTS_WITH_ACTIONS) {
                String action = parts[1];
                add(future.handle((value, failure) -> {
                    DONE.count("action " + action.split(" ")[0]);
                    if (action.startsWith("getAsync")) {
                        async(handle, action, "the action of " + what);
                    } else {
                        checkCall("the action of " + what + ": " + action, action, false);
                    }
                    return null;
                }), "the action " + action + " of " + what);
            }
        }

        private void add(CompletableFuture<?> future, String what) {
            // a harness check: the close's wait takes "issuers returned, futures completed" for settled
            if (closing && !Thread.currentThread().getName().startsWith("jcmap-reconnect")
                    && issuers.stream().noneMatch(Thread::isAlive)
                    && futures.stream().allMatch(CompletableFuture::isDone)) {
                oddities.add("harness: " + what + " (done " + future.isDone() + ") made on "
                        + Thread.currentThread().getName()
                        + " after the issuers returned and every future completed: "
                        + java.util.Arrays.toString(new Throwable().getStackTrace()));
            }
            named.put(future, what);
            futures.add(future);
        }

        /** The futures not completed, named. */
        private String left() {
            return futures.stream().filter(future -> !future.isDone()).map(named::get).toList().toString();
        }

        private static Object unwrap(Throwable failure) {
            return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
        }

        /** Makes the synchronous call {@code call} and checks what it gave. */
        private void checkCall(String what, String call, boolean timed) {
            String[] words = call.split(" ");
            DONE.count("call " + words[0]);
            if (words[0].equals("iterate")) {
                iterate(what, words[1], Integer.parseInt(words[2]));
                return;
            }
            long start = System.nanoTime();
            Object got;
            String key = tag(words[0], words[1]);
            try {
                got = switch (words[0]) {
                    case "getUint32" -> handle.getUint32(key);
                    case "get" -> handle.get(key);
                    case "getString" -> handle.getString(key);
                    case "getInt32" -> handle.getInt32(key);
                    case "dec" -> {
                        handle.dec(key);
                        yield null;
                    }
                    case "inc" -> {
                        handle.inc(key);
                        yield null;
                    }
                    case "delete" -> {
                        handle.delete(key);
                        yield null;
                    }
                    default -> throw new IllegalStateException(call);
                };
            } catch (CmapException e) {
                got = e;
            }
            noteFailure(key, got);
            check(what, got, words[0], words[1], true);
            if (timed && got instanceof CmapException e && e.error() == CsError.INTERRUPT) {
                checkInterruptBound(what, start);
            }
        }

        /** An interrupted call ended within {@link #INTERRUPT_BOUND_MILLIS} of the interrupt or its start. */
        private void checkInterruptBound(String what, long start) {
            AtomicLong at = interruptedAt.get(Thread.currentThread().threadId());
            long from = Math.max(start, at == null ? start : at.get());
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - from);
            if (millis > INTERRUPT_BOUND_MILLIS) {
                oddities.add(what + ": failed with INTERRUPT " + millis + " ms after the interrupt");
            }
        }

        /** Checks {@code got} (a value or the CmapException) against the scripted map's answer to KIND KEY. */
        private void check(String what, Object got, String kind, String key, boolean sync) {
            Object expected = expected(kind, key);
            if (got instanceof CmapException e) {
                if (e.error() == CsError.NOT_EXIST && expected == CsError.NOT_EXIST) {
                    return;
                }
                if (e.error() == CsError.INVALID_PARAM && expected == CsError.INVALID_PARAM) {
                    return;
                }
                expectFailure(what + " (expected " + expected + ")", e, sync, false);
            } else if (got instanceof Throwable t) {
                oddities.add(what + " failed with " + t);
            } else if (!Objects.equals(got, expected)) {
                oddities.add(what + " gave " + got + ", expected " + expected + " (another request's answer?)");
            }
        }

        /** The value, null (a status call's OK), or the CsError the scripted map answers KIND KEY with. */
        private static Object expected(String kind, String key) {
            return switch (kind) {
                case "inc", "incAsync", "dec", "decAsync", "delete", "deleteAsync" ->
                        ScriptedCmapServer.exists(key) ? null : CsError.NOT_EXIST;
                default -> {
                    CmapValue value = ScriptedCmapServer.valueOf(key);
                    if (value == null) {
                        yield CsError.NOT_EXIST;
                    }
                    yield switch (kind) {
                        case "getUint32" -> value instanceof CmapValue.UInt32 u ? (Object) u.value()
                                : CsError.INVALID_PARAM;
                        case "getString" -> value instanceof CmapValue.Str s ? s.value() : CsError.INVALID_PARAM;
                        case "getInt32" -> CsError.INVALID_PARAM;
                        default -> value;
                    };
                }
            };
        }

        /** Whether a call may fail with {@code e} here; if not, an oddity. */
        private void expectFailure(String what, CmapException e, boolean sync, boolean iterating) {
            CsError error = e.error();
            boolean issuer = interruptible.contains(Thread.currentThread());
            boolean allowed = switch (error) {
                case BAD_HANDLE -> handle.isClosed();
                case TIMEOUT -> timeoutMillis > 0;
                case LIBRARY -> lossStarted || iterating && e.getCause() instanceof CmapException;
                case TRY_AGAIN -> iterating || flowControlRaised();
                case INTERRUPT -> sync && (issuer && interrupts > 0 || interruptedItself.get());
                default -> false;
            };
            if (!allowed) {
                oddities.add(what + " failed with " + e
                        + (e.getCause() != null ? " (cause " + e.getCause() + ")" : ""));
                return;
            }
            DONE.count("failed with " + error);
            if (error == CsError.INTERRUPT) {
                if (!Thread.currentThread().isInterrupted()) {
                    oddities.add(what + " failed with INTERRUPT and left the status clear");
                }
            }
        }

        /** Iterates over {@code prefix}, taking up to {@code take} keys: those of the prefix, in order. */
        private void iterate(String what, String prefix, int take) {
            List<String> expected = ScriptedCmapServer.keysUnder(prefix);
            List<String> listed = new ArrayList<>();
            CmapIterator keys = null;
            try {
                keys = handle.iterate(prefix);
                while (listed.size() < take && keys.hasNext()) {
                    listed.add(keys.next().name());
                }
                if (listed.size() < take && !listed.equals(expected)) {
                    oddities.add(what + " listed " + listed + ", expected " + expected);
                }
                DONE.count(listed.size() < take ? "iterations to the end" : "iterations closed early");
            } catch (CmapException e) {
                expectFailure(what + " (after " + listed.size() + " keys)", e, true, true);
            } finally {
                if (keys != null) {
                    letGo(what + ": its close()", keys::close);
                }
            }
            if (!expected.subList(0, Math.min(listed.size(), expected.size())).equals(listed)) {
                oddities.add(what + " listed " + listed + ", not the start of " + expected);
            }
        }

        private void track(String listenerCall) {
            try {
                trackHandles.add(handle.trackAdd(TRACKED, EnumSet.of(TrackEvent.DELETE),
                        (h, notification) -> checkCall("a listener: " + listenerCall, listenerCall, false)));
            } catch (CmapException e) {
                expectFailure("the issuer's trackAdd", e, true, false);
            }
        }

        /** A trackDelete of the {@code which}th tracking the issuers made, if any (BAD_HANDLE if deleted before). */
        private void untrack(int which) {
            List<Long> known = List.copyOf(trackHandles);
            if (!known.isEmpty()) {
                long trackHandle = known.get(which % known.size());
                letGo("the issuer: trackDelete " + trackHandle, () -> handle.trackDelete(trackHandle));
            }
        }

        /**
         * A call that lets go of what the server holds (an iterator's close, a trackDelete): not ended by an
         * interrupt, and the status left as it was (decision 0035).
         */
        private void letGo(String what, Runnable call) {
            boolean interrupted = Thread.currentThread().isInterrupted();
            try {
                call.run();
            } catch (CmapException e) {
                boolean deletedBefore = e.error() == CsError.BAD_HANDLE && what.contains("trackDelete");
                if (e.error() == CsError.TRY_AGAIN && what.endsWith("its close()")) {
                    finalizesRefused.incrementAndGet();
                }
                if (e.error() == CsError.INTERRUPT) {
                    oddities.add(what + " failed with " + e + " (an interrupt does not end it)");
                } else if (!deletedBefore) {
                    expectFailure(what, e, false, true);
                }
            }
            if (interrupted && !Thread.currentThread().isInterrupted()) {
                oddities.add(what + " cleared its thread's interrupt status");
            }
        }

        private void dispatchAll() {
            awaitListed();
            while (!handle.isClosed()) {
                try {
                    handle.dispatch(dispatcherType);
                    Thread.interrupted(); // a listener's call may have failed with it; ALL never does
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                } catch (CmapException e) {
                    if (e.error() == CsError.BAD_HANDLE || handle.isClosed()
                            || e.error() == CsError.LIBRARY && !reconnects) {
                        return;
                    }
                    if (e.error() == CsError.INTERRUPT) {
                        if (!Thread.currentThread().isInterrupted() || interrupts == 0) {
                            oddities.add("dispatch failed with " + e + ", its thread's status clear");
                        }
                        Thread.interrupted(); // handled: the dispatcher goes on
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
            }
        }

        private void awaitListed() {
            try {
                listed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the interrupter starts after the gate: not its
            }
        }

        /** Interrupts a random issuer now and then, while they run. */
        private void interruptIssuers() {
            Random r = new Random(seed ^ 0x5DEECE66DL);
            for (int i = 0; i < interrupts; i++) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(r.nextInt(8)));
                Thread target = interruptible.get(r.nextInt(interruptible.size()));
                interruptedAt.computeIfAbsent(target.threadId(), id -> new AtomicLong()).set(System.nanoTime());
                target.interrupt();
                DONE.count("interrupts");
            }
        }

        /** Whether a server raised flow control (TRY_AGAIN is then documented for any call). */
        private boolean flowControlRaised() {
            return first.flowControlRaised || second.flowControlRaised || third.flowControlRaised;
        }

        private ScriptedCmapServer server() {
            return reconnections.get() == 0 ? first : reconnections.get() == 1 ? second : third;
        }

        /** The server takes requests but answers none for {@code millis}. */
        private void pause(int millis) {
            ScriptedCmapServer server = server();
            server.withholdAnswers = true;
            threads.start("resuming", () -> {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
                server.withholdAnswers = false;
            });
        }

        /** The end once the issuers made {@link #endAt} steps (or stopped moving for 200 ms). */
        private void end() {
            RandomScenarioRuns.awaitProgress(stepsDone::get, endAt);
            switch (end) {
                case CLOSE -> lastCallsBeforeClose();
                case LOSS -> lose();
                case LOSS_RECONNECT -> {
                    lose();
                    // a listener's close ends the round: nothing reconnects then
                    RandomScenarioRuns.awaitUntil(
                            () -> reconnections.get() >= reconnectionsDue.get() || handle.isClosed(),
                            System.nanoTime() + TimeUnit.SECONDS.toNanos(SCENARIO_SECONDS - 1));
                    if (reconnections.get() < reconnectionsDue.get() && !handle.isClosed()) {
                        oddities.add("the handle had not reconnected after " + (SCENARIO_SECONDS - 1) + " s"
                                + RandomScenarioRuns.stacksOfAllThreads(name -> threads.named(name)
                                || name.startsWith("jcmap-")));
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20 + random.nextInt(50)));
                }
                default -> throw new IllegalStateException(end.toString());
            }
        }

        /** The second connection is lost too, once: the next round goes to the third. */
        private void loseAgain() {
            if (!secondLost) {
                secondLost = true;
                reconnectionsDue.set(2);
                second.endRequests();
                second.hangUp();
            }
        }

        private void lose() {
            lossStarted = true;
            first.lose(lossSeenFirstByDispatch, lossGapMillis);
        }

        /**
         * Once the issuers returned and the futures completed: a get of the ender's own still gets its answer
         * (a request timeout may expire it while the server is loaded: tried up to 5 times), and the server
         * is left with no iterator.
         */
        private void lastCallsBeforeClose() {
            closing = true;
            long start = System.nanoTime();
            long deadline = start + TimeUnit.SECONDS.toNanos(SCENARIO_SECONDS - 1);
            java.util.function.BooleanSupplier settled = () -> issuers.stream().noneMatch(Thread::isAlive)
                    && futures.stream().allMatch(CompletableFuture::isDone);
            // a slow machine may take long (936 futures took 2.1 s under flow control once): what fails is a
            // stall, nothing ending for 2 s, whose stacks are taken while it waits
            java.util.function.IntSupplier ended = () -> (int) (issuers.stream().filter(t -> !t.isAlive()).count()
                    + futures.stream().filter(CompletableFuture::isDone).count());
            if (!RandomScenarioRuns.awaitUnlessStalled(settled, ended, TimeUnit.SECONDS.toNanos(2), deadline)) {
                long stalledAfter = System.nanoTime() - start;
                int known = futures.size();
                String stacks = RandomScenarioRuns.stacksOfAllThreads(name -> threads.named(name)
                        || name.startsWith("jcmap-"));
                String alive = issuers.stream().filter(Thread::isAlive).map(Thread::getName).toList().toString();
                String left = left();
                RandomScenarioRuns.awaitUntil(settled, deadline);
                oddities.add("the issuers and futures had not ended " + TimeUnit.NANOSECONDS.toMillis(stalledAfter)
                        + " ms into the last calls, nothing ending for 2 s or the time up (issuers alive "
                        + alive + ", futures left " + left + " of " + known + "; after "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms: issuers alive "
                        + issuers.stream().filter(Thread::isAlive).map(Thread::getName).toList() + ", futures left "
                        + left() + " of " + futures.size() + "); the stacks then:" + stacks);
                return;
            }
            stopStutter(); // the last get is not refused, nor failed by flow control
            RandomScenarioRuns.awaitUntil(() -> !first.withholdAnswers, deadline);
            long n = seed % 1000;
            for (int attempt = 1; attempt <= 5; attempt++) {
                try {
                    long got = handle.getUint32("g." + n);
                    if (got != n) {
                        oddities.add("the last get of g." + n + " gave " + got);
                    }
                    break;
                } catch (CmapException e) {
                    if (e.error() != CsError.TIMEOUT || attempt == 5) {
                        oddities.add("the last get of g." + n + " failed with " + e);
                        return;
                    }
                }
            }
            // only an iterator whose close() flow control refused, as reported to its caller (CmapIterator#close)
            int mayBeLeft = finalizesRefused.get();
            RandomScenarioRuns.awaitUntil(() -> first.openIterators() <= mayBeLeft, deadline);
            if (first.openIterators() > mayBeLeft) {
                oddities.add("the server was left with " + first.openIterators() + " iterators not finalized ("
                        + finalizesRefused + " closes refused by flow control)");
            }
        }
    }
}
