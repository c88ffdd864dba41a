package io.jcmap.client.reliability;

import io.jcmap.client.CmapException;
import io.jcmap.client.ReconnectListener;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link ReconnectListener} that keeps every call it gets, in order, with the time it came. */
final class ReconnectLog implements ReconnectListener {
    /** One listener call; {@code attempt} and {@code nextDelay} are set where the call has them. */
    record Entry(Kind kind, int attempt, Duration nextDelay, CmapException cause, long atNanos) {
    }

    /** Which listener method was called. */
    enum Kind { DISCONNECTED, RECONNECT_FAILED, RECONNECTED }

    private final List<Entry> entries = new CopyOnWriteArrayList<>();

    @Override
    public void onDisconnected(CmapException cause) {
        entries.add(new Entry(Kind.DISCONNECTED, 0, null, cause, System.nanoTime()));
    }

    @Override
    public void onReconnectFailed(int attempt, CmapException cause, Duration nextDelay) {
        entries.add(new Entry(Kind.RECONNECT_FAILED, attempt, nextDelay, cause, System.nanoTime()));
    }

    @Override
    public void onReconnected(int attempts) {
        entries.add(new Entry(Kind.RECONNECTED, attempts, null, null, System.nanoTime()));
    }

    List<Entry> entries() {
        return List.copyOf(entries);
    }

    List<Entry> of(Kind kind) {
        return entries.stream().filter(e -> e.kind() == kind).toList();
    }

    int count(Kind kind) {
        return of(kind).size();
    }
}
