package io.jcmap.client.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jcmap.client.CmapIterator;
import io.jcmap.client.CmapKeyInfo;
import io.jcmap.client.CmapType;
import io.jcmap.client.CmapValue;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * An iterator shows the handle's own writes to keys it fetched ahead as libcmap's, which asks for
 * one key at a time, finds them (decision 0004), including where writes race the iteration on
 * other threads. Each test says what libcmap's cmap_iter_next gives for the same calls. Written
 * by a review of the first version (b18cbd2..e29bf9b), on which all of them failed.
 */
abstract class IteratorOwnWritesScenarios extends CorosyncScenarios {
    private static final int TRIALS = 400;

    private List<String> rest(CmapIterator iterator, String prefix) {
        List<String> names = new ArrayList<>();
        iterator.forEachRemaining(key -> names.add(key.name().substring(prefix.length())));
        return names;
    }

    /**
     * The first burst ends on "aabc9"; the handle then creates "aab", which splits the trie node
     * corosync's walk stands on, and corosync's next answer repeats "aabc9" (jcmap listed it twice). libcmap, whose walk
     * stands on "a1", gives a2 a3 aab aabc9 b c (checked with a C program on libcmap).
     */
    @Test
    void aKeyTheHandleCreatesAmongTheKeysFetchedAheadListsNoKeyTwice() {
        String p = keyPrefix() + "split.";
        for (String name : List.of("a1", "a2", "a3", "aabc9", "b", "c")) {
            cmap.setUint32(p + name, 1);
        }
        try (CmapIterator iterator = cmap.iterate(p)) {
            assertEquals(p + "a1", iterator.next().name());
            cmap.setUint8(p + "aab", 1);
            assertEquals(List.of("a2", "a3", "aab", "aabc9", "b", "c"), rest(iterator, p));
        }
    }

    /**
     * Two threads of the handle set one key fetched ahead; once both returned the iterator must
     * show what corosync holds, as iter_next would. A synchronous set told after its call
     * returned, an asynchronous one from the decoder: the later write could be told first.
     */
    @Test
    void writesOfTwoThreadsToOneKeyShowAsCorosyncHoldsThem() throws Exception {
        ExecutorService two = threads(2);
        int differ = 0;
        String first = null;
        for (int t = 0; t < TRIALS; t++) {
            String p = keyPrefix() + "tell" + t + ".";
            for (String name : List.of("a", "b", "c", "d", "e", "f")) {
                cmap.setUint32(p + name, 1);
            }
            try (CmapIterator iterator = cmap.iterate(p)) {
                iterator.next();
                CyclicBarrier go = new CyclicBarrier(2);
                Future<?> one = two.submit(() -> {
                    go.await();
                    cmap.setUint64(p + "b", 7);
                    return null;
                });
                Future<?> other = two.submit(() -> {
                    go.await();
                    cmap.setAsync(p + "b", CmapValue.string("hello")).join();
                    return null;
                });
                one.get();
                other.get();
                boolean holdsString = cmap.get(p + "b") instanceof CmapValue.Str;
                CmapKeyInfo shown = iterator.next();
                if (holdsString != (shown.type() == CmapType.STRING)) {
                    differ++;
                    first = first == null ? "corosync holds " + cmap.get(p + "b") + ", iterator shows " + shown : first;
                }
            }
        }
        assertEquals(0, differ, "of " + TRIALS + " trials the iterator differed from corosync in " + differ
                + ", first: " + first);
    }

    /**
     * One thread iterates 300 keys; another sets every second one ahead of it. A key whose set
     * was done before the next() that hands it out must show the set (iter_next reads the map
     * then). A set answered after a burst and told before that burst was taken was lost.
     */
    @Test
    void aWriteDoneWhileABurstIsInFlightShows() throws Exception {
        int n = 300;
        ExecutorService writer = threads(1);
        long checked = 0;
        long stale = 0;
        String first = null;
        for (int t = 0; t < 20; t++) {
            String p = keyPrefix() + "burst" + t + ".";
            for (int i = 0; i < n; i++) {
                cmap.setUint32(p + String.format("k%03d", i), 1);
            }
            AtomicIntegerArray done = new AtomicIntegerArray(n);
            try (CmapIterator iterator = cmap.iterate(p)) {
                iterator.next();
                CountDownLatch started = new CountDownLatch(1);
                Future<?> write = writer.submit(() -> {
                    started.await();
                    for (int i = 5; i < n; i += 2) {
                        cmap.setAsync(p + String.format("k%03d", i), CmapValue.string("hello")).join();
                        done.set(i, 1);
                    }
                    return null;
                });
                started.countDown();
                while (true) {
                    int[] before = new int[n];
                    for (int i = 0; i < n; i++) {
                        before[i] = done.get(i);
                    }
                    if (!iterator.hasNext()) {
                        break;
                    }
                    CmapKeyInfo key = iterator.next();
                    int i = Integer.parseInt(key.name().substring(p.length() + 1));
                    if (before[i] == 1) {
                        checked++;
                        if (key.type() != CmapType.STRING) {
                            stale++;
                            first = first == null ? key.toString() : first;
                        }
                    }
                }
                write.get();
            }
        }
        assertTrue(checked > 0, "no key was handed out after its write: the test proves nothing");
        assertEquals(0, stale, "of " + checked + " keys handed out after their set was done, " + stale
                + " showed the old value; first: " + first);
    }

    /**
     * The response reader took the iterator's monitor to tell it of a write: an application that
     * synchronized on its iterator while it called the handle stalled the handle. libcmap has no
     * such lock.
     */
    @Test
    void synchronizingOnTheIteratorDoesNotStallTheHandle() throws Exception {
        String p = keyPrefix() + "lock.";
        for (String name : List.of("a", "b", "c")) {
            cmap.setUint32(p + name, 1);
        }
        try (CmapIterator iterator = cmap.iterate(p)) {
            iterator.next();
            CountDownLatch locked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Future<?> holder = threads(1).submit(() -> {
                synchronized (iterator) {
                    locked.countDown();
                    release.await();
                }
                return null;
            });
            locked.await();
            try {
                // the set's answer is read by a thread other than the lock's holder, before the get's
                Future<?> calls = threads(1).submit(() -> {
                    cmap.setAsync(p + "b", CmapValue.string("x")).join();
                    return cmap.get(p + "c");
                });
                calls.get(10, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                fail("a set and a get did not return in 10 s while another thread held the iterator's monitor");
            } finally {
                release.countDown();
            }
            holder.get();
        }
    }
}
