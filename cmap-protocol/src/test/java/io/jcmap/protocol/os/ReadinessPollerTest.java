package io.jcmap.protocol.os;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JVM's epoll thread: a virtual thread waiting for a descriptor is woken when it turns
 * ready and costs nothing meanwhile; long waits of sockets and of SHM notifications use it
 * (decision 0024).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadinessPollerTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final SocketPairs sockets = new SocketPairs();
    private final Arena arena = sockets.arena();

    @AfterEach
    void release() {
        sockets.close();
    }

    private static ReadinessPoller poller() {
        ReadinessPoller poller = ReadinessPoller.get();
        assertNotNull(poller, "epoll is available on Linux");
        return poller;
    }

    private UnixSocket[] pair() {
        return sockets.pair(true);
    }

    private void sendOneByte(UnixSocket socket) {
        MemorySegment one = arena.allocate(1);
        one.set(JAVA_BYTE, 0, (byte) 1);
        assertEquals(1, socket.send(one, 1));
    }

    @Test
    void aWaitEndsWhenTheDescriptorTurnsReadable() throws Exception {
        UnixSocket[] pair = pair();
        CompletableFuture<Long> endedAt = new CompletableFuture<>();
        Thread waiter = Thread.ofVirtual().start(() -> {
            assertTrue(poller().await(pair[1].fd(), UnixSocket.READABLE, 30 * SECOND));
            endedAt.complete(System.nanoTime());
        });
        awaitParked(waiter);
        assertFalse(endedAt.isDone(), "nothing to read yet");
        long sentAt = System.nanoTime();
        sendOneByte(pair[0]);
        long late = endedAt.get(10, TimeUnit.SECONDS) - sentAt;
        assertTrue(late < SECOND, "woken " + late / 1_000_000 + " ms after the send, not at the end of 30 s");
    }

    @Test
    void aWaitEndsWithItsTimeAndAShutdownEndsItEarly() throws Exception {
        UnixSocket[] pair = pair();
        long start = System.nanoTime();
        assertTrue(poller().await(pair[1].fd(), UnixSocket.READABLE, TimeUnit.MILLISECONDS.toNanos(100)));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(100), "waited its time");
        Thread waiter = Thread.ofVirtual().start(() -> poller().await(pair[1].fd(), UnixSocket.READABLE, 30 * SECOND));
        awaitParked(waiter);
        pair[1].shutdown(); // as a close does: our own threads' waits end
        assertTrue(waiter.join(Duration.ofSeconds(10)), "the shutdown ended the 30 s wait");
    }

    @Test
    void aSecondWaiterOnTheSameDescriptorIsTurnedAwayAndAClosedOneToo() throws Exception {
        UnixSocket[] pair = pair();
        Thread first = Thread.ofVirtual().start(() -> poller().await(pair[1].fd(), UnixSocket.READABLE, 30 * SECOND));
        awaitParked(first);
        assertFalse(poller().await(pair[1].fd(), UnixSocket.READABLE, 30 * SECOND), "one waiter per descriptor");
        sendOneByte(pair[0]);
        first.join();
        UnixSocket[] closed = UnixSocket.pair(true);
        closed[0].close();
        int fd = closed[0].fd();
        closed[1].close();
        assertFalse(poller().await(fd, UnixSocket.READABLE, 30 * SECOND), "epoll refuses a closed descriptor");
    }

    /**
     * 50 virtual threads wait on quiet sockets, and as many on semaphores with a doorbell, for a
     * second: the carriers stay idle. Looking every millisecond they spent 708 ms of CPU in
     * that second (measured); waiting in epoll, 0 ms.
     */
    @Test
    void longWaitsOfVirtualThreadsCostTheCarriersNothing() throws Exception {
        List<Thread> waiters = new ArrayList<>();
        List<UnixSocket[]> pairs = new ArrayList<>();
        List<SharedSemaphore> semaphores = new ArrayList<>();
        List<UnixSocket[]> bells = new ArrayList<>();
        AtomicInteger drains = new AtomicInteger();
        for (int i = 0; i < 50; i++) {
            UnixSocket[] pair = pair();
            pairs.add(pair);
            waiters.add(Thread.ofVirtual().start(() -> pair[1].receiveWithin(arena.allocate(16), 16, 30 * SECOND)));
            UnixSocket[] bell = pair();
            bells.add(bell);
            SharedSemaphore semaphore = SharedSemaphore.initialize(arena.allocate(SharedSemaphore.SIZE, 8));
            semaphore.doorbell(bell[1], drains::incrementAndGet);
            semaphores.add(semaphore);
            waiters.add(Thread.ofVirtual().start(() -> semaphore.acquire(30 * SECOND)));
        }
        Thread.sleep(300); // past the first millisecond of looks
        long spent = carrierCpuOver(SECOND);
        assertTrue(spent < TimeUnit.MILLISECONDS.toNanos(100),
                "carriers spent " + spent / 1_000_000 + " ms of CPU in 1 s of 100 idle waits");
        assertTrue(drains.get() >= 50, "each doorbell wait drained first");
        for (int i = 0; i < 50; i++) {
            sendOneByte(pairs.get(i)[0]);
            semaphores.get(i).post(); // as libqb's server does: the post, then the byte
            sendOneByte(bells.get(i)[0]);
        }
        for (Thread waiter : waiters) {
            assertTrue(waiter.join(Duration.ofSeconds(10)), "every waiter woke up (the wait was 30 s)");
        }
    }

    /** Waits until {@code thread} parks: here, in the poller's wait. */
    static void awaitParked(Thread thread) {
        long deadline = System.nanoTime() + 10 * SECOND;
        while (thread.getState() != Thread.State.TIMED_WAITING) {
            assertTrue(System.nanoTime() - deadline < 0, "the waiter parked");
            Thread.onSpinWait();
        }
    }

    private static long carrierCpuOver(long nanos) throws InterruptedException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long before = carrierCpu(threads);
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(nanos));
        return carrierCpu(threads) - before;
    }

    private static long carrierCpu(ThreadMXBean threads) {
        long total = 0;
        for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("ForkJoinPool")) {
                total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }
}
