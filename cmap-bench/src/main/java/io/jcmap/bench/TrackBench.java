package io.jcmap.bench;

import io.jcmap.client.Cmap;
import io.jcmap.client.CmapException;
import io.jcmap.client.CmapHandle;
import io.jcmap.client.DispatchType;
import io.jcmap.client.TrackEvent;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Notifications delivered per second: one handle tracks {@link BenchKeys#TRACK_PREFIX} and
 * dispatches on its own thread; another handle sets the tracked keys in a loop of synchronous
 * sets. Timed from the first set to the arrival of the last notification in the listener,
 * after warm-up phases of {@link RunPlan#trackWarmup} sets for {@link RunPlan#trackWarmupNanos}.
 * The timed phase also reports, for information, how often the setter was preempted per set
 * ({@link Preemptions}; about once where corosync shares its vCPU) and corosync's CPU time per
 * set ({@link ServerCpu}), as the C baseline does.
 */
final class TrackBench {
    /** How long the tracker may lag behind the last set before the run is declared short. */
    private static final long DRAIN_SECONDS = 10;
    private static final long JOIN_MILLIS = 5_000;

    private TrackBench() {
    }

    /** Counts notifications of the current phase and notes when the last one arrived. */
    private static final class Phase {
        final long target;
        final AtomicLong delivered = new AtomicLong();
        final CountDownLatch complete = new CountDownLatch(1);
        volatile long lastNanos;

        Phase(long target) {
            this.target = target;
        }

        void onNotification() {
            if (delivered.incrementAndGet() == target) {
                lastNanos = System.nanoTime();
                complete.countDown();
            }
        }
    }

    /** What the timed phase took, and the counts read around it. */
    private record Timed(long elapsedNanos, OptionalLong preempted, OptionalLong serverNanos) {
    }

    static List<BenchLine> run(ClientBench.Labels labels, RunPlan plan) throws InterruptedException {
        AtomicReference<Phase> phase = new AtomicReference<>(new Phase(Long.MAX_VALUE));
        AtomicReference<Throwable> dispatchFailure = new AtomicReference<>();
        try (CmapHandle tracker = Cmap.initialize(); CmapHandle setter = Cmap.initialize()) {
            tracker.trackAdd(BenchKeys.TRACK_PREFIX,
                    EnumSet.of(TrackEvent.ADD, TrackEvent.DELETE, TrackEvent.MODIFY, TrackEvent.PREFIX),
                    (handle, notification) -> phase.get().onNotification());
            Thread dispatcher = Thread.ofPlatform().daemon().name("bench-dispatch").start(() -> {
                try {
                    tracker.dispatch(DispatchType.BLOCKING);
                } catch (CmapException e) {
                    if (tracker.isOpen()) {
                        dispatchFailure.set(e);
                    }
                }
            });
            long base = System.nanoTime();
            // warm-up phases until both the count and the time are reached (RunPlan says why)
            long warmupEnd = System.nanoTime() + plan.trackWarmupNanos();
            do {
                runPhase(phase, setter, plan.trackWarmup(), base, dispatchFailure);
                base += plan.trackWarmup(); // every set a new value: corosync notifies only changes
            } while (System.nanoTime() - warmupEnd < 0);
            Timed timed = timedPhase(phase, setter, plan.trackNotifications(), base, dispatchFailure);
            tracker.close();
            dispatcher.join(JOIN_MILLIS);
            return lines(labels, plan.trackNotifications(), timed);
        }
    }

    private static Timed timedPhase(AtomicReference<Phase> current, CmapHandle setter, int count, long base,
                                    AtomicReference<Throwable> dispatchFailure) throws InterruptedException {
        OptionalLong preemptedBefore = Preemptions.ofThisThread();
        OptionalLong serverBefore = ServerCpu.nanosOfNamedServer();
        long elapsed = runPhase(current, setter, count, base, dispatchFailure);
        OptionalLong serverAfter = ServerCpu.nanosOfNamedServer();
        OptionalLong preemptedAfter = Preemptions.ofThisThread();
        return new Timed(elapsed, ServerCpu.growth(preemptedBefore, preemptedAfter),
                ServerCpu.growth(serverBefore, serverAfter));
    }

    private static List<BenchLine> lines(ClientBench.Labels labels, int count, Timed timed) {
        List<BenchLine> lines = new ArrayList<>();
        lines.add(labels.throughput("track_notify", count, timed.elapsedNanos()));
        timed.preempted().ifPresent(switches ->
                lines.add(labels.metric("track_setter_preempted", "per set", (double) switches / count)));
        timed.serverNanos().ifPresent(nanos ->
                lines.add(labels.metric("server_cpu_track_notify", "ns/op", (double) nanos / count)));
        return lines;
    }

    private static long runPhase(AtomicReference<Phase> current, CmapHandle setter, int count, long base,
                                 AtomicReference<Throwable> dispatchFailure) throws InterruptedException {
        Phase phase = new Phase(count);
        current.set(phase);
        long first = System.nanoTime();
        for (int i = 0; i < count; i++) {
            setter.setUint32(BenchKeys.trackKey(i % BenchKeys.TRACK_KEYS), (base + i) & 0xFFFF_FFFFL);
        }
        if (!phase.complete.await(DRAIN_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("tracking: " + phase.delivered.get() + " of " + count
                    + " notifications within " + DRAIN_SECONDS + " s", dispatchFailure.get());
        }
        return phase.lastNanos - first;
    }
}
