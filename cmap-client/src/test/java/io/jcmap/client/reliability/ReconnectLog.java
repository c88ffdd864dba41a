package io.jcmap.client.reliability;

import io.jcmap.client.CmapException;
import io.jcmap.client.ReconnectListener;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link ReconnectListener} that keeps every call it gets, in order, with the time it came. */
final class ReconnectLog implements ReconnectListener {
    /** One listener call; {@code attempt} and {@code nextDelay} are set where the call has them. */
    record Entry(Kind kind, int attempt, Duration nextDelay, CmapException cause, long atNanos) {
    }

    /** Which listener method was called. */
    enum Kind { DISCONNECTED, RECONNECT_FAILED, RECONNECTED }

    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final Map<Kind, Runnable> actions = new EnumMap<>(Kind.class);

    /** Makes each call of {@code kind} run {@code action} once noted, as an application's listener would; before use. */
    ReconnectLog then(Kind kind, Runnable action) {
        actions.put(kind, action);
        return this;
    }

    @Override
    public void onDisconnected(CmapException cause) {
        note(new Entry(Kind.DISCONNECTED, 0, null, cause, System.nanoTime()));
    }

    @Override
    public void onReconnectFailed(int attempt, CmapException cause, Duration nextDelay) {
        note(new Entry(Kind.RECONNECT_FAILED, attempt, nextDelay, cause, System.nanoTime()));
    }

    @Override
    public void onReconnected(int attempts) {
        note(new Entry(Kind.RECONNECTED, attempts, null, null, System.nanoTime()));
    }

    private void note(Entry entry) {
        entries.add(entry);
        Runnable action = actions.get(entry.kind());
        if (action != null) {
            action.run();
        }
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
