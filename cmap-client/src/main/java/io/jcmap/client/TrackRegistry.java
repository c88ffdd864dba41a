package io.jcmap.client;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;

/**
 * The trackings of one handle. The server echoes an instance number we choose in every
 * notification (libcmap does the same with its own handle) and gives us a track handle to
 * delete it with. The application keeps the first track handle the server gave: after a
 * reconnect the server gives a new one, which we use on the wire while the application's
 * stays valid.
 *
 * <p>A tracking is registered on one connection at a time ({@link Binding}). Confirming it,
 * binding it to a reconnect's new connection, forgetting it and the reconnect's snapshot of
 * what to register again are ordered by one lock, so that a trackAdd or trackDelete racing a
 * reconnect leaves every tracking the application holds on the new connection, and none it
 * deleted.
 */
final class TrackRegistry {
    /** How long a notification waits at a time for its TRACK_ADD's answer to be read. */
    private static final long SETTLE_WAIT_MILLIS = 100;
    /** How long {@link Registration#end} waits at a time for a running callback, between reads. */
    private static final long END_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private final AtomicLong nextInstance = new AtomicLong(1);
    private final Map<Long, Registration> byInstance = new ConcurrentHashMap<>();
    private final Map<Long, Registration> byUserHandle = new ConcurrentHashMap<>();
    /**
     * Orders {@link #confirm}, {@link #rebind}, {@link #remove} and {@link #confirmed}; nothing
     * else is locked while it is held.
     */
    private final Object bindings = new Object();

    /** Where a tracking is registered: a connection's pipeline, and the track handle its server gave. */
    record Binding(Pipeline pipeline, long handle) {
    }

    /** One tracking: what was asked, who listens, and its handles. */
    static final class Registration {
        final long instance;
        final String key;
        final int flags;
        final CmapListener listener;
        /** The handle the application holds (the server's first answer). */
        volatile long userHandle;
        /**
         * Where it is registered now: the connection its trackAdd went to, then each reconnect's;
         * null until confirmed. The pipeline and the handle go together: a handle means nothing
         * to another connection's server. Written under the registry's lock.
         */
        volatile Binding binding;
        /** Forgotten by {@link #remove}: a reconnect must not register it again. Under the registry's lock. */
        private boolean removed;
        /** The pipeline its first TRACK_ADD went to, set before it goes, until it is settled. */
        volatile Pipeline addedOn;
        /** The registry's lock, which orders {@link #confirm}. */
        private final Object bindings;
        /** Held while a callback runs, so that {@link #end} waits for it. */
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition settledOrEnded = lock.newCondition();
        /** The server answered the first TRACK_ADD, or it failed; set under {@link #lock}. */
        private volatile boolean settled;
        /** No callback may start any more; set under {@link #lock}, except by {@link #abandon}. */
        private volatile boolean ended;

        Registration(long instance, String key, int flags, CmapListener listener) {
            this(instance, key, flags, listener, new Object());
        }

        Registration(long instance, String key, int flags, CmapListener listener, Object bindings) {
            this.bindings = bindings;
            this.instance = instance;
            this.key = key;
            this.flags = flags;
            this.listener = listener;
        }

        /**
         * Runs the listener with the notification {@code build} makes from the application's
         * handle, unless the tracking ended. Under this registration's lock, so that
         * {@link #end} waits for a callback running on another thread and none starts after
         * it. A notification may come before the answer to TRACK_ADD has been read (they
         * travel on different channels): it waits for that answer, which carries the handle,
         * running {@code whileWaiting} between waits: a dispatch inside a completion action
         * holds the receive lock, and only its thread can read that answer. Once the pipeline the
         * TRACK_ADD went to has broken down unconfirmed, the answer will never confirm it, and the
         * trackAdd fails: the notification is dropped, as once it has. The thread that broke it
         * down may be this one, running a completion action that dispatches: it fails the
         * TRACK_ADD only once that action has returned.
         *
         * @return whether the listener ran
         */
        boolean runListener(CmapHandle handle, LongFunction<CmapNotification> build, Runnable whileWaiting) {
            lock.lock();
            try {
                boolean interrupted = false;
                boolean refused = false;
                while (!settled && !ended) {
                    whileWaiting.run();
                    if (settled || ended) {
                        break;
                    }
                    if (neverConfirmed()) {
                        refused = true; // the interrupt status is restored below all the same
                        break;
                    }
                    try {
                        settledOrEnded.await(SETTLE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        interrupted = true; // kept, not obeyed: the answer is on its way, and the notification must not be lost
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                if (ended || refused) {
                    return false;
                }
                int[] listening = Pipeline.LISTENING.get();
                listening[0]++;
                try {
                    listener.onNotification(handle, build.apply(userHandle));
                } finally {
                    listening[0]--;
                }
                return true;
            } finally {
                lock.unlock();
            }
        }

        /** Unconfirmed, and on a pipeline broken down: {@link #confirm} refuses it, now and later. */
        private boolean neverConfirmed() {
            Pipeline pipeline = addedOn;
            synchronized (bindings) {
                return binding == null && pipeline != null && pipeline.brokenReason() != null;
            }
        }

        private void settle(boolean ok) {
            lock.lock();
            try {
                addedOn = null; // looked at only until settled: kept, it kept a lost pipeline after a reconnect
                settled = true;
                ended |= !ok;
                settledOrEnded.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /**
         * No callback starts after this returns; one running on another thread has finished.
         * While it waits for that one, {@code whileWaiting} runs between short waits: the
         * callback may be making a call whose answer only this thread can read (it holds the
         * receive lock, running a completion action), or that this thread's hold on the wire
         * keeps waiting (the action runs while it starts an iteration), and would otherwise wait
         * for ever.
         * Uninterruptible, as the wait for a running callback always was.
         */
        private void end(Runnable whileWaiting) {
            boolean interrupted = false;
            while (true) {
                try {
                    if (lock.tryLock(END_WAIT_NANOS, TimeUnit.NANOSECONDS)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                    continue;
                }
                whileWaiting.run();
            }
            try {
                ended = true;
                settled = true;
                settledOrEnded.signalAll();
            } finally {
                lock.unlock();
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** No callback starts after this returns; one running may go on (the handle is closing). */
        private void abandon() {
            ended = true;
        }
    }

    /** Registers a listener before the request leaves, so no notification can miss it. */
    Registration reserve(String key, int flags, CmapListener listener) {
        Registration registration = new Registration(nextInstance.getAndIncrement(), key, flags, listener, bindings);
        byInstance.put(registration.instance, registration);
        return registration;
    }

    /**
     * Makes {@code registration} known by the server's answer to its first TRACK_ADD, read from
     * {@code pipeline}; the thread that read the answer does, before the caller's wait returns
     * (Pipeline.Call#answered). Only the first confirmation counts. Not two confirmers: one that
     * looked before the other settled would write, and lock, after it (decision 0020).
     *
     * <p>Refused, changing nothing, once {@code pipeline} has broken down: a reconnect, started
     * by the breakdown, may have taken its snapshot of the trackings to register again
     * ({@link #confirmed}) already, and would leave this one on no connection. The caller then
     * fails, as the loss failed the calls whose answers it had not read yet.
     *
     * @return false if refused
     */
    boolean confirm(Registration registration, Pipeline pipeline, long trackHandle) {
        if (registration.settled) {
            return true;
        }
        synchronized (bindings) {
            if (pipeline.brokenReason() != null) {
                return false;
            }
            registration.userHandle = trackHandle;
            registration.binding = new Binding(pipeline, trackHandle);
            byUserHandle.put(trackHandle, registration);
        }
        registration.settle(true);
        return true;
    }

    /**
     * Records that a reconnect registered {@code registration} again, at {@code where}; false,
     * changing nothing, if it was forgotten meanwhile ({@link #remove}): nobody else will delete
     * that registration, so the caller does.
     */
    boolean rebind(Registration registration, Binding where) {
        synchronized (bindings) {
            if (registration.removed) {
                return false;
            }
            registration.binding = where;
            return true;
        }
    }

    void cancel(Registration registration) {
        byInstance.remove(registration.instance);
        registration.settle(false);
    }

    /** The registration the application knows as {@code userHandle}, or null. */
    Registration byUserHandle(long userHandle) {
        return byUserHandle.get(userHandle);
    }

    /**
     * Forgets {@code registration}; returns once no callback of it runs. {@code whileWaiting}
     * runs between short waits for a callback running on another thread ({@link Registration#end}).
     *
     * @return where it was registered when forgotten: a reconnect may have registered it again
     *     after the caller's track_delete went out, and then nobody else deletes it there
     */
    Binding remove(Registration registration, Runnable whileWaiting) {
        Binding last;
        synchronized (bindings) {
            registration.removed = true;
            byUserHandle.remove(registration.userHandle);
            byInstance.remove(registration.instance);
            last = registration.binding;
        }
        registration.end(whileWaiting);
        return last;
    }

    /** The registration a notification belongs to, or null when it was deleted meanwhile. */
    Registration byInstance(long instance) {
        return byInstance.get(instance);
    }

    /**
     * The confirmed registrations, for re-registration after a reconnect. Taken once the lost
     * connection's pipeline has broken down, after which {@link #confirm} refuses its answers:
     * none confirmed on it is missing.
     */
    List<Registration> confirmed() {
        synchronized (bindings) {
            return List.copyOf(byUserHandle.values());
        }
    }

    /** Whether nothing is tracked or being registered. */
    boolean isEmpty() {
        return byInstance.isEmpty();
    }

    void clear() {
        byInstance.values().forEach(Registration::abandon);
        byInstance.clear();
        byUserHandle.clear();
    }
}
