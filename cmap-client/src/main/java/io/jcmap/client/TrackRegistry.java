package io.jcmap.client;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * The trackings of one handle. The server echoes an instance number we choose in every
 * notification (libcmap does the same with its own handle) and gives us a track handle to
 * delete it with. The application keeps the first track handle the server gave: after a
 * reconnect the server gives a new one, which we use on the wire while the application's
 * stays valid.
 */
final class TrackRegistry {
    /** How long a notification waits at a time for its TRACK_ADD's answer to be read. */
    private static final long SETTLE_WAIT_MILLIS = 100;
    private final AtomicLong nextInstance = new AtomicLong(1);
    private final Map<Long, Registration> byInstance = new ConcurrentHashMap<>();
    private final Map<Long, Registration> byUserHandle = new ConcurrentHashMap<>();

    /** One tracking: what was asked, who listens, and its handles. */
    static final class Registration {
        final long instance;
        final String key;
        final int flags;
        final CmapListener listener;
        /** The handle the application holds (the server's first answer). */
        volatile long userHandle;
        /** The handle of the current connection's server. */
        volatile long serverHandle;
        /** The server answered the first TRACK_ADD, or it failed; guarded by this. */
        private boolean settled;
        /** No callback may start any more; set under this registration's lock, except by {@link #abandon}. */
        private volatile boolean ended;

        Registration(long instance, String key, int flags, CmapListener listener) {
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
         * travel on different channels): it waits for that answer, which carries the handle.
         *
         * @return whether the listener ran
         */
        synchronized boolean runListener(CmapHandle handle, LongFunction<CmapNotification> build) {
            boolean interrupted = false;
            while (!settled && !ended) {
                try {
                    wait(SETTLE_WAIT_MILLIS);
                } catch (InterruptedException e) {
                    interrupted = true; // kept, not obeyed, as dispatch does: the answer is on its way
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (ended) {
                return false;
            }
            listener.onNotification(handle, build.apply(userHandle));
            return true;
        }

        private synchronized void settle(boolean ok) {
            settled = true;
            ended |= !ok;
            notifyAll();
        }

        /** No callback starts after this returns; one running on another thread has finished. */
        private synchronized void end() {
            ended = true;
            settled = true;
            notifyAll();
        }

        /** No callback starts after this returns; one running may go on (the handle is closing). */
        private void abandon() {
            ended = true;
        }
    }

    /** Registers a listener before the request leaves, so no notification can miss it. */
    Registration reserve(String key, int flags, CmapListener listener) {
        Registration registration = new Registration(nextInstance.getAndIncrement(), key, flags, listener);
        byInstance.put(registration.instance, registration);
        return registration;
    }

    void confirm(Registration registration, long trackHandle) {
        registration.userHandle = trackHandle;
        registration.serverHandle = trackHandle;
        byUserHandle.put(trackHandle, registration);
        registration.settle(true);
    }

    void cancel(Registration registration) {
        byInstance.remove(registration.instance);
        registration.settle(false);
    }

    /** The registration the application knows as {@code userHandle}, or null. */
    Registration byUserHandle(long userHandle) {
        return byUserHandle.get(userHandle);
    }

    void remove(Registration registration) {
        byUserHandle.remove(registration.userHandle);
        byInstance.remove(registration.instance);
        registration.end();
    }

    /** The registration a notification belongs to, or null when it was deleted meanwhile. */
    Registration byInstance(long instance) {
        return byInstance.get(instance);
    }

    /** The confirmed registrations, for re-registration after a reconnect. */
    List<Registration> confirmed() {
        return List.copyOf(byUserHandle.values());
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
