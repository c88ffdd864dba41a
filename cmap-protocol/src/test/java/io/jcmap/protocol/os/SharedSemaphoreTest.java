package io.jcmap.protocol.os;

import io.jcmap.protocol.fake.ShmTempDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** glibc's process-shared sem_t in memory we own, driven across threads and mappings. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SharedSemaphoreTest {
    private final Arena arena = Arena.ofShared();
    private final SharedSemaphore semaphore = SharedSemaphore.initialize(arena.allocate(32, 8));

    @AfterEach
    void release() {
        arena.close();
    }

    @Test
    void postAndTryAcquireCount() {
        assertEquals(0, semaphore.value());
        assertFalse(semaphore.tryAcquire());
        semaphore.post();
        semaphore.post();
        assertEquals(2, semaphore.value());
        assertTrue(semaphore.tryAcquire());
        assertTrue(semaphore.acquire(0));
        assertFalse(semaphore.tryAcquire());
        assertEquals(0, semaphore.value());
    }

    @Test
    void acquireTimesOutAfterTheGivenTime() {
        long start = System.nanoTime();
        assertFalse(semaphore.acquire(TimeUnit.MILLISECONDS.toNanos(150)));
        long elapsed = System.nanoTime() - start;
        assertTrue(elapsed >= TimeUnit.MILLISECONDS.toNanos(140), "returned after " + elapsed + " ns");
        assertTrue(elapsed < TimeUnit.SECONDS.toNanos(5), "returned after " + elapsed + " ns");
    }

    @Test
    void subSecondTimeoutsCarryIntoTheSecondsField() {
        // many short waits: the nanosecond field overflows into seconds at some point
        for (int i = 0; i < 20; i++) {
            assertFalse(semaphore.acquire(TimeUnit.MILLISECONDS.toNanos(3) + 999_999));
        }
    }

    @Test
    void acquireWakesUpForAPostFromAnotherThread() throws Exception {
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> semaphore.acquire(TimeUnit.SECONDS.toNanos(20)));
        long start = System.nanoTime();
        semaphore.post();
        assertTrue(waiter.get(10, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
        assertEquals(0, semaphore.value());
    }

    @Test
    void hugeTimeoutsMeanWaitingLong() throws Exception {
        semaphore.post();
        assertTrue(semaphore.acquire(Long.MAX_VALUE));
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> semaphore.acquire(Long.MAX_VALUE));
        semaphore.post();
        assertTrue(waiter.get(10, TimeUnit.SECONDS));
    }

    @Test
    void producerAndConsumerThreadsAgreeOnTheCount() throws Exception {
        int count = 20_000;
        CompletableFuture<Integer> consumer = CompletableFuture.supplyAsync(() -> {
            int taken = 0;
            while (taken < count && semaphore.acquire(TimeUnit.SECONDS.toNanos(10))) {
                taken++;
            }
            return taken;
        });
        for (int i = 0; i < count; i++) {
            semaphore.post();
        }
        assertEquals(count, consumer.get(20, TimeUnit.SECONDS));
        assertEquals(0, semaphore.value());
    }

    @Test
    void semaphoreInASharedFileWorksAcrossTwoMappings() throws Exception {
        try (ShmTempDirectory dir = ShmTempDirectory.create("jcmap-sem-")) {
            Path file = dir.file("sem", 4096);
            try (SharedMapping a = SharedMapping.open(Path.of("/dev/shm"), file.toString(), 4096);
                 SharedMapping b = SharedMapping.open(Path.of("/dev/shm"), file.toString(), 4096)) {
                MemorySegment atA = a.segment().asSlice(64);
                SharedSemaphore poster = SharedSemaphore.initialize(atA);
                SharedSemaphore waiter = new SharedSemaphore(b.segment().asSlice(64));
                CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(
                        () -> waiter.acquire(TimeUnit.SECONDS.toNanos(20)));
                poster.post();
                assertTrue(waiting.get(10, TimeUnit.SECONDS));
                assertEquals(0, poster.value());
            }
        }
    }
}
