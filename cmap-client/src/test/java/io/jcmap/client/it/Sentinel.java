package io.jcmap.client.it;

import io.jcmap.client.CmapHandle;
import io.jcmap.client.CmapValue;
import io.jcmap.client.TrackEvent;

import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Proves that every notification sent so far has been delivered, without waiting for silence.
 * corosync sends a handle's notifications in the order the changes happened, so once the
 * notification of a fresh change of the sentinel key has been dispatched, every notification
 * caused before it has been dispatched too.
 */
final class Sentinel {
    private final CmapHandle handle;
    private final String key;
    private final AtomicLong seen = new AtomicLong(-1);
    private long written;

    /** Tracks {@code key} (which no other track of the test may cover) on {@code handle}. */
    Sentinel(CmapHandle handle, String key) {
        this.handle = handle;
        this.key = key;
        handle.trackAdd(key, EnumSet.of(TrackEvent.ADD, TrackEvent.MODIFY),
                (h, notification) -> seen.set(((CmapValue.UInt64) notification.newValue()).bits()));
    }

    /** Changes the sentinel through {@code writer} and dispatches until its notification arrived. */
    void sync(CmapHandle writer) {
        long value = ++written;
        writer.setUint64(key, value);
        Await.dispatchUntil(handle, () -> seen.get() == value, CorosyncScenarios.TIMEOUT,
                () -> "the sentinel " + key + " = " + value + " is delivered");
    }

    /** As {@link #sync}, for a handle another thread dispatches. */
    void awaitDelivered(CmapHandle writer) {
        long value = ++written;
        writer.setUint64(key, value);
        Await.until(() -> seen.get() == value, CorosyncScenarios.TIMEOUT,
                () -> "the sentinel " + key + " = " + value + " is delivered");
    }
}
