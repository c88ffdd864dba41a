package io.jcmap.bench;

import io.jcmap.client.Cmap;
import io.jcmap.client.CmapException;
import io.jcmap.client.CmapHandle;
import io.jcmap.client.DispatchType;
import io.jcmap.client.TrackEvent;

import java.util.EnumSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Notifications delivered per second: one handle tracks {@link BenchKeys#TRACK_PREFIX} and
 * dispatches on its own thread; another handle sets the tracked keys in a loop of synchronous
 * sets. A phase is timed from the first set to the arrival of the last notification in the
 * listener; {@link #open} runs warm-up phases of {@link RunPlan#trackWarmup} sets for
 * {@link RunPlan#trackWarmupNanos}.
 */
final class TrackSession implements AutoCloseable {
    /** How long the tracker may lag behind the last set before the run is declared short. */
    private static final long DRAIN_SECONDS = 10;
    private static final long JOIN_MILLIS = 5_000;

    private final CmapHandle tracker;
    private final CmapHandle setter;
    private final Thread dispatcher;
    private final AtomicReference<Phase> phase;
    private final AtomicReference<Throwable> dispatchFailure;
    /** Every set a new value: corosync notifies only changes. */
    private long base = System.nanoTime();

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

    private TrackSession(CmapHandle tracker, CmapHandle setter, AtomicReference<Phase> phase,
                         AtomicReference<Throwable> dispatchFailure, Thread dispatcher) {
        this.tracker = tracker;
        this.setter = setter;
        this.phase = phase;
        this.dispatchFailure = dispatchFailure;
        this.dispatcher = dispatcher;
    }

    /** Opens both handles, starts the dispatcher and warms up (RunPlan says why that long). */
    static TrackSession open(RunPlan plan) throws InterruptedException {
        AtomicReference<Phase> phase = new AtomicReference<>(new Phase(Long.MAX_VALUE));
        AtomicReference<Throwable> dispatchFailure = new AtomicReference<>();
        CmapHandle tracker = Cmap.initialize();
        CmapHandle setter = Cmap.initialize();
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
        TrackSession session = new TrackSession(tracker, setter, phase, dispatchFailure, dispatcher);
        long warmupEnd = System.nanoTime() + plan.trackWarmupNanos();
        do {
            session.phase(plan.trackWarmup());
        } while (System.nanoTime() - warmupEnd < 0);
        return session;
    }

    /** Sets {@code count} tracked keys; the time from the first set to the last notification. */
    long phase(int count) throws InterruptedException {
        Phase current = new Phase(count);
        phase.set(current);
        long first = System.nanoTime();
        for (int i = 0; i < count; i++) {
            setter.setUint32(BenchKeys.trackKey(i % BenchKeys.TRACK_KEYS), (base + i) & 0xFFFF_FFFFL);
        }
        base += count;
        if (!current.complete.await(DRAIN_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("tracking: " + current.delivered.get() + " of " + count
                    + " notifications within " + DRAIN_SECONDS + " s", dispatchFailure.get());
        }
        return current.lastNanos - first;
    }

    @Override
    public void close() throws InterruptedException {
        tracker.close();
        setter.close();
        dispatcher.join(JOIN_MILLIS);
    }
}
