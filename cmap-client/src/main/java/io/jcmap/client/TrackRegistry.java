package io.jcmap.client;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The trackings of one handle. The server echoes an instance number we choose in every
 * notification (libcmap does the same with its own handle), while the application knows a
 * tracking by the handle the server returned; both lead here to the listener.
 */
final class TrackRegistry {
    private final AtomicLong nextInstance = new AtomicLong(1);
    private final Map<Long, Registration> byInstance = new ConcurrentHashMap<>();
    private final Map<Long, Long> instanceByTrackHandle = new ConcurrentHashMap<>();

    /** A listener and, once the server answered, its track handle. */
    static final class Registration {
        final long instance;
        final CmapListener listener;
        volatile long trackHandle;

        Registration(long instance, CmapListener listener) {
            this.instance = instance;
            this.listener = listener;
        }
    }

    /** Registers a listener before the request leaves, so no notification can miss it. */
    Registration reserve(CmapListener listener) {
        Registration registration = new Registration(nextInstance.getAndIncrement(), listener);
        byInstance.put(registration.instance, registration);
        return registration;
    }

    void confirm(Registration registration, long trackHandle) {
        registration.trackHandle = trackHandle;
        instanceByTrackHandle.put(trackHandle, registration.instance);
    }

    void cancel(Registration registration) {
        byInstance.remove(registration.instance);
    }

    /** Forgets the tracking known to the application by {@code trackHandle}. */
    void remove(long trackHandle) {
        Long instance = instanceByTrackHandle.remove(trackHandle);
        if (instance != null) {
            byInstance.remove(instance);
        }
    }

    /** The registration a notification belongs to, or null when it was deleted meanwhile. */
    Registration byInstance(long instance) {
        return byInstance.get(instance);
    }

    /** The active registrations, for re-registration after a reconnect. */
    Iterable<Registration> all() {
        return byInstance.values();
    }

    void clear() {
        byInstance.clear();
        instanceByTrackHandle.clear();
    }
}
