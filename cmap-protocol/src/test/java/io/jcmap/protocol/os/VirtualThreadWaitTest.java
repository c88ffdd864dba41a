package io.jcmap.protocol.os;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The three waits that block in the kernel (a semaphore, a timed receive, a poll) leave a virtual
 * thread's carrier free: with one waiting virtual thread per carrier, another virtual thread
 * still runs. Each waiter counts down before its wait and holds its carrier from there on, so
 * by the time the probe is submitted every carrier is taken by a waiter, in the wait or on the
 * way into it; a wait inside the system call kept them all for its whole length.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VirtualThreadWaitTest {
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(20);
    private static final long PROBE_MILLIS = 5_000;

    private final Arena arena = Arena.ofShared();
    private final List<UnixSocket> sockets = new ArrayList<>();
    private final ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void release() {
        virtual.shutdownNow();
        sockets.forEach(UnixSocket::close);
        arena.close();
    }

    private static int carriers() {
        return Integer.getInteger("jdk.virtualThreadScheduler.parallelism", Runtime.getRuntime().availableProcessors());
    }

    @Test
    void semaphoreWaitsLeaveTheCarriersFree() throws Exception {
        List<SharedSemaphore> semaphores = new ArrayList<>();
        for (int i = 0; i < carriers(); i++) {
            semaphores.add(SharedSemaphore.initialize(arena.allocate(SharedSemaphore.SIZE, 8)));
        }
        List<Future<Boolean>> waiters = whileWaiting(semaphores, s -> s.acquire(WAIT_NANOS));
        semaphores.forEach(SharedSemaphore::post);
        for (Future<Boolean> waiter : waiters) {
            assertTrue(waiter.get(PROBE_MILLIS, TimeUnit.MILLISECONDS), "the post ends the wait with the count");
        }
        semaphores.forEach(s -> assertEquals(0, s.value()));
    }

    @Test
    void timedReceivesLeaveTheCarriersFree() throws Exception {
        List<UnixSocket[]> pairs = new ArrayList<>();
        for (int i = 0; i < carriers(); i++) {
            pairs.add(UnixSocketTest.timedPair(sockets::add));
        }
        MemorySegment one = arena.allocate(1);
        one.set(JAVA_BYTE, 0, (byte) 7);
        List<Future<Long>> waiters = whileWaiting(pairs,
                p -> p[1].receiveWithin(Arena.ofAuto().allocate(16), 16, WAIT_NANOS));
        pairs.forEach(p -> assertEquals(1, p[0].send(one, 1)));
        for (Future<Long> waiter : waiters) {
            assertEquals(1, waiter.get(PROBE_MILLIS, TimeUnit.MILLISECONDS), "the datagram ends the wait");
        }
    }

    @Test
    void pollsLeaveTheCarriersFree() throws Exception {
        List<UnixSocket[]> pairs = pairs();
        List<Future<Integer>> waiters = whileWaiting(pairs, p -> p[1].poll(UnixSocket.READABLE, -1));
        pairs.forEach(p -> p[1].shutdown()); // as a close ends the waits of the client's own threads
        for (Future<Integer> waiter : waiters) {
            assertTrue((waiter.get(PROBE_MILLIS, TimeUnit.MILLISECONDS) & UnixSocket.READABLE) != 0,
                    "the shutdown ends the wait");
        }
    }

    /**
     * Our own shutdown ends a virtual thread's timed receive with 0, as it ends a blocking recv
     * (a close ends a dispatcher's wait so). A look after the shutdown gets EAGAIN from a
     * datagram socket, and the wait went on to its end: a close of a socket-transport handle
     * with a virtual dispatcher took 84 ms at the median (stress round 7).
     */
    @Test
    void ourShutdownEndsAVirtualThreadsReceiveAtOnce() throws Exception {
        UnixSocket[] pair = UnixSocketTest.timedPair(sockets::add);
        CompletableFuture<Long> received = new CompletableFuture<>();
        Thread waiter = Thread.ofVirtual().start(
                () -> received.complete(pair[1].receiveWithin(arena.allocate(16), 16, WAIT_NANOS)));
        ReadinessPollerTest.awaitParked(waiter); // in a pause or the poller's wait
        pair[1].shutdown();
        assertEquals(0, received.get(PROBE_MILLIS, TimeUnit.MILLISECONDS), "the shutdown ends the wait with 0");
    }

    @Test
    void aTimedOutWaitSaysSoAndKeepsTheInterruptStatus() throws Exception {
        SharedSemaphore semaphore = SharedSemaphore.initialize(arena.allocate(SharedSemaphore.SIZE, 8));
        UnixSocket[] pair = UnixSocketTest.timedPair(sockets::add);
        Future<String> outcome = virtual.submit(() -> {
            Thread.currentThread().interrupt();
            long start = System.nanoTime();
            boolean acquired = semaphore.acquire(TimeUnit.MILLISECONDS.toNanos(100));
            long received = pair[1].receiveWithin(arena.allocate(16), 16, TimeUnit.MILLISECONDS.toNanos(100));
            int ready = pair[1].poll(UnixSocket.READABLE, 100);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            return acquired + " " + received + " " + ready + " " + (millis >= 290) + " " + Thread.interrupted();
        });
        assertEquals("false " + UnixSocket.WOULD_BLOCK + " 0 true true", outcome.get(PROBE_MILLIS, TimeUnit.MILLISECONDS),
                "acquired, received, ready, waited the whole time, still interrupted");
    }

    /**
     * Starts one virtual thread per carrier, each waiting through {@code wait} on its own thing,
     * and checks that another virtual thread runs meanwhile and that none of the waits ended.
     */
    private <T, R> List<Future<R>> whileWaiting(List<T> things, Function<T, R> wait) throws Exception {
        CountDownLatch entered = new CountDownLatch(things.size());
        List<Future<R>> waiters = new ArrayList<>();
        for (T thing : things) {
            waiters.add(virtual.submit(() -> {
                entered.countDown();
                return wait.apply(thing);
            }));
        }
        assertTrue(entered.await(PROBE_MILLIS, TimeUnit.MILLISECONDS), "the waiters started");
        Future<String> probe = virtual.submit(() -> "ran");
        try {
            assertEquals("ran", probe.get(PROBE_MILLIS, TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            fail(things.size() + " waiting virtual threads kept every carrier: no other virtual thread ran in "
                    + PROBE_MILLIS + " ms");
        }
        waiters.forEach(w -> assertFalse(w.isDone(), "nothing ended the wait yet"));
        return waiters;
    }

    private List<UnixSocket[]> pairs() {
        List<UnixSocket[]> pairs = new ArrayList<>();
        for (int i = 0; i < carriers(); i++) {
            UnixSocket[] pair = UnixSocket.pair(true);
            sockets.add(pair[0]);
            sockets.add(pair[1]);
            pairs.add(pair);
        }
        return pairs;
    }
}
