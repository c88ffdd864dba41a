package io.jcmap.protocol.os;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

class MappingGenerationsTest {
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private static void awaitClosed(Arena arena) {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (arena.scope().isAlive()) {
            assertTrue(System.nanoTime() - deadline < 0, "arena closed in time");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    @Test
    void consecutiveConnectionsShareAnArenaThatGoesWhenTheLastOfAFullGenerationCloses() {
        List<MappingGenerations.Lease> first = new ArrayList<>();
        for (int i = 0; i < MappingGenerations.CONNECTIONS_PER_ARENA; i++) {
            first.add(MappingGenerations.lease());
        }
        Arena shared = first.getFirst().arena();
        first.forEach(lease -> assertSame(shared, lease.arena()));
        MappingGenerations.Lease next = MappingGenerations.lease();
        assertNotSame(shared, next.arena(), "a full generation takes no more connections");

        for (int i = 1; i < first.size(); i++) {
            first.get(i).release();
        }
        LockSupport.parkNanos(2 * MappingGenerations.IDLE_NANOS);
        assertTrue(shared.scope().isAlive(), "one open connection keeps its generation mapped");
        first.getFirst().release();
        awaitClosed(shared);

        next.release();
        awaitClosed(next.arena()); // idle for IDLE_NANOS: retired
    }

    @Test
    void aReleaseTwiceCountsOnce() {
        MappingGenerations.Lease a = MappingGenerations.lease();
        MappingGenerations.Lease b = MappingGenerations.lease();
        a.release();
        a.release();
        LockSupport.parkNanos(2 * MappingGenerations.IDLE_NANOS);
        assertTrue(b.arena().scope().isAlive(), "b is still open");
        b.release();
        assertTrue(Unmapper.awaitIdle(WAIT_NANOS));
        assertFalse(b.arena().scope().isAlive(), "awaitIdle retires an idle generation at once");
    }
}
