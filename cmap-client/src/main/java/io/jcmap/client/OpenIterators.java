package io.jcmap.client;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The iterators open on a handle, by their {@link KeysAhead}, told of each key the handle stored
 * or deleted, so that the keys they fetched ahead show the handle's own writes as libcmap's
 * iterator shows them (corosync walks its map as it is at each iter_next; decision 0004). Held
 * weakly: an iterator dropped unclosed is not kept alive for this.
 */
final class OpenIterators {
    private volatile List<WeakReference<KeysAhead>> open = List.of();

    /** Whether any iterator may be open: a write tells them only then, and costs nothing else. */
    boolean any() {
        return !open.isEmpty();
    }

    synchronized void add(KeysAhead iterator) {
        List<WeakReference<KeysAhead>> next = new ArrayList<>(live(keys -> true));
        next.add(new WeakReference<>(iterator));
        open = List.copyOf(next);
    }

    synchronized void remove(KeysAhead iterator) {
        open = List.copyOf(live(keys -> keys != iterator));
    }

    /** Lets go of the iterators of {@code lost}: the server iterators went with its connection. */
    synchronized void forget(Pipeline lost) {
        open = List.copyOf(live(keys -> keys.pipeline() != lost));
    }

    /** {@code key} now holds a value of {@code type}, {@code length} bytes as corosync keeps it. */
    void stored(String key, CmapType type, long length) {
        tell(iterator -> iterator.stored(key, type, length));
    }

    /** {@code key} is gone. */
    void deleted(String key) {
        tell(iterator -> iterator.deleted(key));
    }

    private void tell(Consumer<KeysAhead> write) {
        for (WeakReference<KeysAhead> reference : open) {
            KeysAhead iterator = reference.get();
            if (iterator == null) {
                forgetDropped();
            } else {
                write.accept(iterator);
            }
        }
    }

    /** Lets go of iterators dropped unclosed, so that {@link #any} says no again once none is left. */
    private synchronized void forgetDropped() {
        open = List.copyOf(live(keys -> true));
    }

    /** The iterators still reachable that {@code keep} keeps. */
    private List<WeakReference<KeysAhead>> live(Predicate<KeysAhead> keep) {
        List<WeakReference<KeysAhead>> kept = new ArrayList<>(open.size());
        for (WeakReference<KeysAhead> reference : open) {
            KeysAhead iterator = reference.get();
            if (iterator != null && keep.test(iterator)) {
                kept.add(reference);
            }
        }
        return kept;
    }
}
