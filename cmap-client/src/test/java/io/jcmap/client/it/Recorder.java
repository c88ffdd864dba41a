package io.jcmap.client.it;

import io.jcmap.client.CmapHandle;
import io.jcmap.client.CmapListener;
import io.jcmap.client.CmapNotification;

import java.util.ArrayList;
import java.util.List;

/** A listener that keeps every notification, and the handle it was given, in arrival order. */
final class Recorder implements CmapListener {
    private final List<CmapNotification> events = new ArrayList<>();
    private final List<CmapHandle> handles = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    @Override
    public synchronized void onNotification(CmapHandle handle, CmapNotification notification) {
        events.add(notification);
        handles.add(handle);
        threads.add(Thread.currentThread());
    }

    synchronized List<CmapNotification> events() {
        return List.copyOf(events);
    }

    synchronized List<CmapHandle> handles() {
        return new ArrayList<>(handles);
    }

    synchronized List<Thread> threads() {
        return new ArrayList<>(threads);
    }

    synchronized int size() {
        return events.size();
    }

    synchronized void clear() {
        events.clear();
        handles.clear();
        threads.clear();
    }
}
