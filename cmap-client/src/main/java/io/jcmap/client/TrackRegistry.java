package io.jcmap.client;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The trackings of one handle. The server echoes an instance number we choose in every
 * notification (libcmap does the same with its own handle) and gives us a track handle to
 * delete it with. The application keeps the first track handle the server gave: after a
 * reconnect the server gives a new one, which we use on the wire while the application's
 * stays valid.
 */
final class TrackRegistry {
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

        Registration(long instance, String key, int flags, CmapListener listener) {
            this.instance = instance;
            this.key = key;
            this.flags = flags;
            this.listener = listener;
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
    }

    void cancel(Registration registration) {
        byInstance.remove(registration.instance);
    }

    /** The registration the application knows as {@code userHandle}, or null. */
    Registration byUserHandle(long userHandle) {
        return byUserHandle.get(userHandle);
    }

    void remove(Registration registration) {
        byUserHandle.remove(registration.userHandle);
        byInstance.remove(registration.instance);
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
        byInstance.clear();
        byUserHandle.clear();
    }
}
