package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The scaffolding shared by the seeded random scenario tests ({@link RandomJoinsInActionsTest},
 * {@link RandomHandleScenariosTest}, {@link RandomSyncCallsTimeoutsAndInterruptsTest},
 * {@link RandomHandleCallsTest}): the run of
 * seeds chosen by the system properties {@code PREFIX.seed}, {@code PREFIX.firstSeed} and
 * {@code PREFIX.tries}, each run {@code PREFIX.repeat} times (default 1), with the failures of the first few scenarios and their seeds; and, per
 * scenario, {@link Threads}: its daemon threads, what they threw, joins against a deadline, a close
 * on a thread of its own and the stacks of the threads left. Each test keeps its own plan,
 * generator and checks; a failure is its plan, what failed and the stacks ({@link #failure}).
 */
final class RandomScenarioRuns {
    private RandomScenarioRuns() {
    }

    /** The seeds run and the failures found, at most as many as asked. */
    record Run(long first, int tries, List<String> failures) {
        long last() {
            return first + tries - 1;
        }

        void assertNoFailure() {
            assertTrue(failures.isEmpty(), () -> failures.size() + " failing scenario(s) of seeds " + first + " to "
                    + last() + ":\n\n" + String.join("\n\n", failures));
        }
    }

    /**
     * Runs {@code scenario} (what failed, or null) for each seed: {@code PREFIX.seed} alone if set, else
     * {@code PREFIX.tries} (default {@code defaultTries}) seeds from {@code PREFIX.firstSeed} (default 1),
     * stopping at {@code maxFailures} failures.
     */
    static Run run(String prefix, int defaultTries, int maxFailures, LongFunction<String> scenario) {
        String single = System.getProperty(prefix + ".seed");
        long first = single != null ? Long.parseLong(single) : Long.getLong(prefix + ".firstSeed", 1);
        int tries = single != null ? 1 : Integer.getInteger(prefix + ".tries", defaultTries);
        // a seed fixes the plan, not the threads' timing: a failure may need many runs to show again
        int repeat = Integer.getInteger(prefix + ".repeat", 1);
        List<String> failures = new ArrayList<>();
        for (long seed = first; seed < first + tries && failures.size() < maxFailures; seed++) {
            for (int run = 0; run < repeat && failures.size() < maxFailures; run++) {
                String failure = scenario.apply(seed);
                if (failure != null) {
                    failures.add(failure);
                }
            }
        }
        return new Run(first, tries, failures);
    }

    /** A failing scenario's report: its plan, what failed, one a line, and the stacks. */
    static String failure(String plan, List<String> failures, String stacks) {
        return plan + "\n  " + String.join("\n  ", failures) + stacks;
    }

    /** Waits, a millisecond at a time, until {@code done} or the deadline. */
    static void awaitUntil(BooleanSupplier done, long deadline) {
        while (System.nanoTime() - deadline < 0 && !done.getAsBoolean()) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** What a test's scenarios did, act or event, and how often: printed with the run's seeds. */
    static final class Tally {
        private final Map<String, AtomicInteger> counts = new ConcurrentSkipListMap<>();

        void count(String what) {
            counts.computeIfAbsent(what, key -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public String toString() {
            return counts.toString();
        }
    }

    /**
     * Waits, a millisecond at a time, until {@code done}, the deadline, or {@code progress} has not
     * moved for {@code stallNanos}: a slow machine may take long, a stall is what a hang looks like.
     * Returns whether it is done.
     */
    static boolean awaitUnlessStalled(BooleanSupplier done, IntSupplier progress, long stallNanos, long deadline) {
        long lastMove = System.nanoTime();
        int seen = progress.getAsInt();
        while (!done.getAsBoolean()) {
            long now = System.nanoTime();
            if (now - deadline >= 0 || now - lastMove >= stallNanos) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            int moved = progress.getAsInt();
            if (moved != seen) {
                seen = moved;
                lastMove = System.nanoTime();
            }
        }
        return true;
    }

    /** Waits, a millisecond at a time, until {@code progress} reaches {@code target} or stops moving for 200 ms. */
    static void awaitProgress(IntSupplier progress, int target) {
        long stall = TimeUnit.MILLISECONDS.toNanos(200);
        long lastMove = System.nanoTime();
        int seen = progress.getAsInt();
        while (progress.getAsInt() < target && System.nanoTime() - lastMove < stall) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            if (progress.getAsInt() != seen) {
                seen = progress.getAsInt();
                lastMove = System.nanoTime();
            }
        }
    }

    /** Whether {@code thread} ended by {@code deadline} (false if this thread is interrupted, its status set again). */
    static boolean joined(Thread thread, long deadline) {
        try {
            return thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The stacks of the live threads of the JVM whose name {@code named} accepts, each with its state. */
    static String stacksOfAllThreads(Predicate<String> named) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<Thread, StackTraceElement[]> entry : Thread.getAllStackTraces().entrySet()) {
            String name = entry.getKey().getName();
            if (named.test(name)) {
                append(out, name + " (" + entry.getKey().getState() + ")", entry.getValue());
            }
        }
        return out.toString();
    }

    private static void append(StringBuilder out, String thread, StackTraceElement[] frames) {
        out.append("\n  thread ").append(thread).append(':');
        for (StackTraceElement frame : frames) {
            out.append("\n    at ").append(frame);
        }
    }

    /**
     * A scenario's threads: daemons named after the seed, whatever they throw (but an ordinary end)
     * recorded as an oddity.
     */
    static final class Threads {
        private final String suffix;
        private final List<String> oddities;
        private final Predicate<Throwable> ordinaryEnd;
        private final List<Thread> started = new CopyOnWriteArrayList<>();

        /**
         * @param oddities where a thread's throw is recorded, as "NAME threw E"
         * @param ordinaryEnd what a thread may end with without it counting
         */
        Threads(long seed, List<String> oddities, Predicate<Throwable> ordinaryEnd) {
            this.suffix = " " + seed;
            this.oddities = oddities;
            this.ordinaryEnd = ordinaryEnd;
        }

        /** Starts a daemon thread named {@code name} and the seed. */
        Thread start(String name, Runnable body) {
            Thread thread = Thread.ofPlatform().daemon().name(name + suffix).start(() -> {
                try {
                    body.run();
                } catch (Throwable e) {
                    if (!ordinaryEnd.test(e)) {
                        oddities.add(Thread.currentThread().getName() + " threw " + e);
                    }
                }
            });
            started.add(thread);
            return thread;
        }

        /** Whether {@code name} is that of one of these threads (or one named alike by the scenario). */
        boolean named(String name) {
            return name.endsWith(suffix);
        }

        /**
         * Joins each of {@code threads} until the deadline; "the NAME thread had not returned" (then {@code when})
         * for each left running.
         */
        static List<String> notReturned(Collection<Thread> threads, long deadline, String when) {
            List<String> left = new ArrayList<>();
            for (Thread thread : threads) {
                if (!joined(thread, deadline)) {
                    left.add("the " + thread.getName() + " thread had not returned"
                            + (when.isEmpty() ? "" : " " + when));
                }
            }
            return left;
        }

        /** Joins every thread started so far until the deadline, up to the first left running: that one, reported. */
        List<String> firstNotReturned(long deadline) {
            for (Thread thread : started) {
                if (!joined(thread, deadline)) {
                    return List.of("the " + thread.getName() + " thread had not returned");
                }
            }
            return List.of();
        }

        /**
         * Runs {@code close} on a thread "closing"; whether it returned within the time left to the deadline,
         * but at least {@code atLeastNanos}.
         */
        boolean closes(Runnable close, long deadline, long atLeastNanos) {
            CompletableFuture<Object> closed = new CompletableFuture<>();
            start("closing", () -> {
                close.run();
                closed.complete("closed");
            });
            try {
                closed.get(Math.max(atLeastNanos, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                return true;
            } catch (Exception e) {
                return false;
            }
        }

        /**
         * The end of a scenario over a bare pipeline, after the joins and waits that made {@code failures}: if
         * none, {@code close} on a thread of its own within the time left to the deadline (at least 1 s), then
         * the {@code outcomes} checked. Null if nothing failed; else, once {@code abandon} let the threads left
         * waiting go, the report: {@code plan}, the failures and the {@code stacks} taken before any outcome.
         */
        String closeAndReport(List<String> failures, Runnable close, long deadline, Supplier<String> stacks,
                Supplier<List<String>> outcomes, Runnable abandon, Supplier<String> plan) {
            if (failures.isEmpty() && !closes(close, deadline, TimeUnit.SECONDS.toNanos(1))) {
                failures.add("close() had not returned");
            }
            String stacksTaken = failures.isEmpty() ? "" : stacks.get();
            if (failures.isEmpty()) {
                failures.addAll(outcomes.get());
            }
            if (failures.isEmpty()) {
                return null;
            }
            abandon.run();
            return failure(plan.get(), failures, stacksTaken);
        }

        /** The stacks of these threads and of {@code others}, those alive. */
        String stacks(List<Thread> others) {
            StringBuilder out = new StringBuilder();
            List<Thread> all = new ArrayList<>(started);
            all.addAll(others);
            for (Thread thread : all) {
                if (thread.isAlive()) {
                    append(out, thread.getName(), thread.getStackTrace());
                }
            }
            return out.toString();
        }
    }
}
