package io.jcmap.protocol.os;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Closes the shared arenas of closed socket connections ({@link MappingGenerations}), and so
 * unmaps their memory, on one background thread (SHM connections unmap their large rings
 * themselves: see decision 0007). Closing a shared arena is a handshake with every thread of the JVM (25 µs at the
 * median, up to 150 µs, measured), which the caller of {@code close()} need not wait for: a
 * closed connection lets no thread reach its memory any more, and the arena still makes sure,
 * when it closes, that none is touching it. The memory goes microseconds later instead of at
 * once; the files behind it are the server's, which unlinks them when we hang up.
 *
 * <p>At most {@link #MAX_PENDING} arenas wait; beyond that the caller closes its own, so a
 * program that closes connections faster than they can be unmapped does not pile mappings up.
 */
public final class Unmapper {
    private static final Logger LOG = LoggerFactory.getLogger(Unmapper.class);
    static final int MAX_PENDING = 64;
    private static final long AWAIT_SLICE_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final LinkedBlockingQueue<Object> QUEUE = new LinkedBlockingQueue<>();
    /** Queued to make the thread watch {@link MappingGenerations} for an idle generation. */
    private static final Object WATCH_IDLE = new Object();
    /** A watch is queued or running; cleared by the thread when there is nothing to watch. */
    private static final AtomicBoolean WATCHING = new AtomicBoolean();
    /** Handed over and not yet closed, including the one being closed. */
    private static final AtomicInteger PENDING = new AtomicInteger();
    private static final Object STARTING = new Object();
    private static volatile Thread thread;

    private Unmapper() {
    }

    /** Closes {@code arena} soon, off this thread (or now, when too many wait already). */
    public static void release(Arena arena) {
        if (PENDING.incrementAndGet() > MAX_PENDING) {
            PENDING.decrementAndGet();
            close(arena);
            return;
        }
        start();
        QUEUE.add(arena);
    }

    /**
     * Waits until every arena handed over so far is closed: for a test that looks at the
     * process's mappings right after a close.
     *
     * @return false if some were still open after {@code timeoutNanos}
     */
    public static boolean awaitIdle(long timeoutNanos) {
        MappingGenerations.retireIfIdle();
        long deadline = System.nanoTime() + timeoutNanos;
        while (PENDING.get() > 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(AWAIT_SLICE_NANOS);
        }
        return true;
    }

    /** Makes the thread retire the current generation once it has been idle long enough. */
    static void watchIdleGeneration() {
        if (WATCHING.compareAndSet(false, true)) {
            start();
            QUEUE.add(WATCH_IDLE);
        }
    }

    private static void start() {
        if (thread != null) {
            return;
        }
        synchronized (STARTING) {
            if (thread == null) {
                Thread started = Thread.ofPlatform().daemon().name("jcmap-unmapper").unstarted(Unmapper::run);
                started.start();
                thread = started;
            }
        }
    }

    private static void run() {
        long watchAt = 0;
        while (true) {
            Object item;
            try {
                item = watchAt == 0 ? QUEUE.take()
                        : QUEUE.poll(Math.max(0, watchAt - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                continue; // nobody may stop it: mappings would stay behind
            }
            if (item == WATCH_IDLE) {
                if (watchAt == 0) {
                    watchAt = System.nanoTime() + MappingGenerations.IDLE_NANOS;
                }
            } else if (item != null) {
                close((Arena) item);
                PENDING.decrementAndGet();
            }
            if (watchAt != 0 && System.nanoTime() - watchAt >= 0) {
                // cleared first: a close that finds it clear queues a new watch, never lost
                WATCHING.set(false);
                watchAt = MappingGenerations.idleCheck(System.nanoTime());
                if (watchAt != 0) {
                    WATCHING.set(true);
                }
            }
        }
    }

    private static void close(Arena arena) {
        try {
            arena.close();
        } catch (RuntimeException e) {
            // a thread still inside the memory (IllegalStateException): it stays mapped, as it must
            LOG.warn("shared memory of a closed connection stays mapped: {}", e.toString());
        }
    }
}
