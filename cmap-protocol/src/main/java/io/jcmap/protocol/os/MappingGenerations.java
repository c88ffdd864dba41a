package io.jcmap.protocol.os;

import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;

/**
 * Shared arenas lent to consecutive socket connections, up to {@link #CONNECTIONS_PER_ARENA}
 * each. Closing a shared arena is a handshake with every thread of the JVM (65–85 µs measured),
 * and a socket connection maps little (a control page and a lazily backed landing area), so the
 * mappings of one generation of connections go together, in one close on the {@link Unmapper}'s
 * thread: once the generation is full and its last connection has closed, or once it has had
 * no open connection for {@link #IDLE_NANOS}.
 *
 * <p>The arena's guarantee is unchanged: nothing is unmapped while a thread may touch it. What
 * changes is that a closed connection's memory stays mapped until its generation goes.
 */
public final class MappingGenerations {
    static final int CONNECTIONS_PER_ARENA = 32;
    static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final Object LOCK = new Object();
    /** The generation new connections join; guarded by {@link #LOCK}. */
    private static Generation current;

    private MappingGenerations() {
    }

    /** An arena to map a new connection's memory into; {@link Lease#release} it at close. */
    public static Lease lease() {
        synchronized (LOCK) {
            if (current == null || current.leased == CONNECTIONS_PER_ARENA) {
                Generation full = current;
                current = new Generation();
                if (full != null && full.live == 0) {
                    Unmapper.release(full.arena);
                }
            }
            current.leased++;
            current.live++;
            current.lastChange = System.nanoTime();
            return new Lease(current);
        }
    }

    /**
     * Unmaps (on the unmapper's thread) the generation new connections join, if none of its
     * connections is open: what closed connections left mapped then goes.
     */
    static void retireIfIdle() {
        synchronized (LOCK) {
            if (current != null && current.live == 0) {
                Unmapper.release(current.arena);
                current = null;
            }
        }
    }

    /**
     * The unmapper's idle check: retires the current generation if it has had no open
     * connection for {@link #IDLE_NANOS}.
     *
     * @return when to look again, or 0 when there is nothing to watch (a later close asks again)
     */
    static long idleCheck(long now) {
        synchronized (LOCK) {
            if (current == null || current.live > 0) {
                return 0;
            }
            long due = current.lastChange + IDLE_NANOS;
            if (now - due >= 0) {
                retireIfIdle();
                return 0;
            }
            return due;
        }
    }

    /** One connection's share of a generation. */
    public static final class Lease {
        private final Generation generation;
        private boolean released;

        private Lease(Generation generation) {
            this.generation = generation;
        }

        /** The arena to map into; open at least until {@link #release}. */
        public Arena arena() {
            return generation.arena;
        }

        /** The connection no longer touches its memory: no thread is inside it, none will be. */
        public void release() {
            boolean watchIdle = false;
            synchronized (LOCK) {
                if (released) {
                    return;
                }
                released = true;
                Generation g = generation;
                g.live--;
                g.lastChange = System.nanoTime();
                if (g.live > 0) {
                    return;
                }
                if (g != current) {
                    Unmapper.release(g.arena); // full, and now empty
                } else {
                    watchIdle = true;
                }
            }
            if (watchIdle) {
                Unmapper.watchIdleGeneration();
            }
        }
    }

    private static final class Generation {
        final Arena arena = Arena.ofShared();
        int leased;
        int live;
        long lastChange;
    }
}
