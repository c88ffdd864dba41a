package io.jcmap.client.reliability;

import io.jcmap.client.CmapHandle;
import io.jcmap.client.CmapListener;
import io.jcmap.client.CmapNotification;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link CmapListener} keeping every notification, for tests that wait for one. */
final class NotificationLog implements CmapListener {
    private final List<CmapNotification> received = new CopyOnWriteArrayList<>();

    @Override
    public void onNotification(CmapHandle handle, CmapNotification notification) {
        received.add(notification);
    }

    List<CmapNotification> received() {
        return List.copyOf(received);
    }

    /** Waits for a notification of {@code key} from {@code trackHandle} and returns it. */
    CmapNotification await(long trackHandle, String key, Duration timeout) {
        Conditions.await(() -> find(trackHandle, key) != null, timeout,
                () -> "a notification of " + key + " from track " + trackHandle + ", got " + received);
        return find(trackHandle, key);
    }

    boolean has(long trackHandle, String key) {
        return find(trackHandle, key) != null;
    }

    private CmapNotification find(long trackHandle, String key) {
        for (CmapNotification n : received) {
            if (n.trackHandle() == trackHandle && n.key().equals(key)) {
                return n;
            }
        }
        return null;
    }
}
