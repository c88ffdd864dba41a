package io.jcmap.client;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Keys whose value, at their last synchronous get, was longer than a first GET reserves, with
 * that length. Their next get reserves it at once, rounded up to a power of two: one round trip
 * instead of two, as libcmap's {@code cmap_get} takes with a buffer the size of the value (a get
 * of a 1 KiB binary value took 1.3-1.6 times libcmap's time with two, 2026-12-07). Not the
 * longest value corosync stores: corosync answers with the whole reservation, zeroed past the
 * value, and 16 KiB for a 1 KiB value made the get 1.16-1.19 times libcmap's at p99 on the
 * socket transport. A value that has grown past its reservation takes the second look again.
 *
 * <p>A direct-mapped table: a key that loses its slot to another costs its two round trips
 * again, never a wrong answer, since every answer says what it holds. No allocation while the
 * keys' lengths keep to their reservations.
 */
final class LongValueKeys {
    private static final int SLOTS = 64;

    /** A key and the value bytes its next get reserves. */
    private record Remembered(String key, long reserve) {
    }

    private final AtomicReferenceArray<Remembered> slots = new AtomicReferenceArray<>(SLOTS);

    /**
     * {@return the value bytes to reserve for {@code key}'s next get, or 0 when its value was not
     * long when last read; 0 for null}
     */
    long reserveFor(String key) {
        // a null key is refused by the request's encoder, with the code it owes the caller
        if (key == null) {
            return 0;
        }
        Remembered held = slots.get(slot(key));
        return held != null && key.equals(held.key()) ? held.reserve() : 0;
    }

    /**
     * Remembers the length of the value just read for {@code key} if it is longer than
     * {@code shortLength}, and forgets the key if not.
     */
    void note(String key, long length, long shortLength) {
        int slot = slot(key);
        Remembered held = slots.get(slot);
        boolean holdsKey = held != null && key.equals(held.key());
        if (length > shortLength) {
            long reserve = reserveOf(length);
            if (!holdsKey || held.reserve() != reserve) {
                slots.set(slot, new Remembered(key, reserve));
            }
        } else if (holdsKey) {
            slots.compareAndSet(slot, held, null);
        }
    }

    /** The power of two at or above {@code length}: room for a value that grows a little. */
    private static long reserveOf(long length) {
        return Long.highestOneBit(length - 1) << 1;
    }

    private static int slot(String key) {
        int hash = key.hashCode();
        return (hash ^ (hash >>> 16)) & (SLOTS - 1);
    }
}
