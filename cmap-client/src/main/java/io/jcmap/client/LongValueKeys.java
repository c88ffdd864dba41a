package io.jcmap.client;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Keys whose value, at their last synchronous get, was longer than a first GET reserves. Their
 * next get reserves the longest value corosync stores at once: one round trip instead of two,
 * as libcmap's {@code cmap_get} takes with a buffer the size of the value (a get of a 1 KiB
 * binary value took 1.3-1.6 times libcmap's time with two, 2026-12-07).
 *
 * <p>A direct-mapped table: a key that loses its slot to another costs its two round trips
 * again, never a wrong answer, since every answer says what it holds. No allocation.
 */
final class LongValueKeys {
    private static final int SLOTS = 64;

    private final AtomicReferenceArray<String> slots = new AtomicReferenceArray<>(SLOTS);

    /** {@return whether {@code key}'s value was long when last read; false for null} */
    boolean holds(String key) {
        // a null key is refused by the request's encoder, with the code it owes the caller
        return key != null && key.equals(slots.get(slot(key)));
    }

    /** Remembers whether the value just read for {@code key} was long. */
    void note(String key, boolean longValue) {
        int slot = slot(key);
        String held = slots.get(slot);
        if (longValue) {
            if (!key.equals(held)) {
                slots.set(slot, key);
            }
        } else if (key.equals(held)) {
            slots.compareAndSet(slot, held, null);
        }
    }

    private static int slot(String key) {
        int hash = key.hashCode();
        return (hash ^ (hash >>> 16)) & (SLOTS - 1);
    }
}
