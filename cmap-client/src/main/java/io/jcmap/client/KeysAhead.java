package io.jcmap.client;

import java.util.Map;
import java.util.TreeMap;

/**
 * The keys an iterator has fetched and not handed out, changed in the order the pipeline reads
 * the answers that change them: corosync's iter_next answers ({@link #walked}) and the answers to
 * the handle's own sets and deletes ({@link #stored}, {@link #deleted}), both applied by the
 * decoder on the reading thread. That order is corosync's: a key fetched ahead is as the map was
 * after every write answered before it, and a write answered after it is applied over it, so the
 * keys show the handle's writes as libcmap's iterator, asking for one key at a time, finds them
 * (decision 0004). Applied later, on the iterating thread, a burst read before a write's answer
 * went in after the write was told and hid it; and two threads' writes of one key were told in
 * whichever order their threads ran.
 *
 * <p>Locks a private object: the application may synchronize on its iterator, and a reader that
 * needs this lock must not wait for it.
 */
final class KeysAhead {
    private final String prefix;
    /** The pipeline of the connection on which the server's iterator lives. */
    private final Pipeline pipeline;
    private final Object lock = new Object();
    /** In key order, which is corosync's walk order: it walks a trie of ASCII names. */
    private final TreeMap<String, CmapKeyInfo> keys = new TreeMap<>();
    /** The last key handed out, or null. */
    private String lastHandedOut;
    /** The last key of the prefix corosync's walk gave, or null. */
    private String walkedTo;
    /** Whether corosync's walk has ended: past the prefix, or at its end. */
    private boolean walkEnded;
    /** Whether the iterator let go of its keys; nothing changes them after. */
    private boolean dropped;
    /**
     * Whether an answer of the walk was lost (failed, or read after its caller gave up): keys
     * after it would follow a hole, so the walk gives no more (decision 0032).
     */
    private boolean broken;

    KeysAhead(String prefix, Pipeline pipeline) {
        this.prefix = prefix;
        this.pipeline = pipeline;
    }

    String prefix() {
        return prefix;
    }

    Pipeline pipeline() {
        return pipeline;
    }

    /** corosync's walk gave {@code key}, or null for its end. */
    void walked(CmapKeyInfo key) {
        synchronized (lock) {
            if (dropped || walkEnded || broken) {
                return;
            }
            if (key == null || beyondPrefix(key.name())) {
                walkEnded = true;
                return;
            }
            String name = key.name();
            // a write that splits the trie node the walk stands on makes corosync give that key again
            if (!name.startsWith(prefix) || handedOut(name)) {
                return;
            }
            keys.put(name, key); // given again: the newer answer
            if (walkedTo == null || name.compareTo(walkedTo) > 0) {
                walkedTo = name;
            }
        }
    }

    /** An answer of the walk was lost: the keys read before it stay, none after it is taken. */
    void lostAnswer() {
        synchronized (lock) {
            broken = true;
        }
    }

    /** This handle stored {@code name}: shown as it now is if corosync's walk passed it unseen. */
    void stored(String name, CmapType type, long length) {
        synchronized (lock) {
            if (passedUnseen(name)) {
                keys.put(name, new CmapKeyInfo(name, type, length));
            }
        }
    }

    /** This handle deleted {@code name}: left out if corosync's walk passed it unseen. */
    void deleted(String name) {
        synchronized (lock) {
            if (passedUnseen(name)) {
                keys.remove(name);
            }
        }
    }

    /** The next key, or null if none is fetched. */
    CmapKeyInfo handOut() {
        synchronized (lock) {
            Map.Entry<String, CmapKeyInfo> next = keys.pollFirstEntry();
            if (next == null) {
                return null;
            }
            lastHandedOut = next.getKey();
            return next.getValue();
        }
    }

    boolean isEmpty() {
        synchronized (lock) {
            return keys.isEmpty();
        }
    }

    boolean walkEnded() {
        synchronized (lock) {
            return walkEnded;
        }
    }

    /** Takes the walk as ended: nothing more is fetched. */
    void endWalk() {
        synchronized (lock) {
            walkEnded = true;
        }
    }

    /** Lets go of the keys: the iteration is over. */
    void drop() {
        synchronized (lock) {
            dropped = true;
            keys.clear();
        }
    }

    /**
     * Whether {@code name} is of the prefix, after the keys handed out and not after corosync's
     * walk: a key beyond it, the walk still reaches as it now is.
     */
    private boolean passedUnseen(String name) {
        return !dropped && name.startsWith(prefix) && !handedOut(name)
                && (walkEnded || (walkedTo != null && name.compareTo(walkedTo) <= 0));
    }

    private boolean handedOut(String name) {
        return lastHandedOut != null && name.compareTo(lastHandedOut) <= 0;
    }

    /**
     * Whether {@code name} sorts after every key under the prefix. corosync's iterator walks its
     * trie in key order below the node the prefix led to at the first iter_next; a key created
     * beside the prefix meanwhile can split that node, and the walk then goes on through the
     * new sibling keys (libcmap lists them). None of the prefix can follow such a key.
     */
    private boolean beyondPrefix(String name) {
        return !name.startsWith(prefix) && name.compareTo(prefix) > 0;
    }
}
