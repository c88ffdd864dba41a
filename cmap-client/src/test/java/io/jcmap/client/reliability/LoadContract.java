package io.jcmap.client.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.client.Cmap;
import io.jcmap.client.CmapException;
import io.jcmap.client.CmapHandle;
import io.jcmap.client.CmapNotification;
import io.jcmap.client.CmapOptions;
import io.jcmap.client.CmapValue;
import io.jcmap.client.CsError;
import io.jcmap.client.DispatchType;
import io.jcmap.client.TrackEvent;
import io.jcmap.testkit.Corosync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue #7, load: {@link ReliabilitySize#loadThreads()} threads run
 * {@link ReliabilitySize#loadOperations()} mixed operations each (sync and async set, get, inc,
 * delete) on one handle while a second handle tracks their prefix. Every write is reflected
 * (each thread reads its own writes, the tracker sees the final values), and the tracker receives
 * every notification exactly once and in order per key: the sequence of events and values it saw
 * for each key equals the sequence of changes made to it.
 *
 * <p>Each thread owns its keys and completes an operation on a key before the next one on it, so
 * the order of changes per key is known. A request the server or transport refused with TRY_AGAIN
 * was not executed and is repeated.
 *
 * <p>Run once per IPC transport by the concrete {@code *IT} classes.
 */
abstract class LoadContract {
    static final String PREFIX = "rel.load.";
    static final int KEYS_PER_THREAD = 4;
    /** Set once every change is made; its notification comes after theirs. */
    static final String END = PREFIX + "end";
    private static final long VALUE_BITS = 56;
    private static final long VALUE_MASK = (1L << VALUE_BITS) - 1;

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void mixedOperationsFromManyThreadsAreEachReflectedAndNotifiedExactlyOnceInOrder(Corosync corosync) {
        int threads = ReliabilitySize.loadThreads();
        int operations = ReliabilitySize.loadOperations();
        try (CmapHandle writer = Cmap.initialize(); CmapHandle tracker = Cmap.initialize()) {
            clear(writer, threads);
            Events seen = new Events(threads);
            tracker.trackAdd(PREFIX, EnumSet.of(TrackEvent.ADD, TrackEvent.MODIFY, TrackEvent.DELETE, TrackEvent.PREFIX),
                    (h, n) -> seen.record(n));
            BlockingCall dispatcher = BlockingCall.start("tracker dispatch", () -> tracker.dispatch(DispatchType.BLOCKING));
            TryAgain tryAgain = new TryAgain();
            List<Worker> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(new Worker(writer, t, operations, tryAgain));
            }
            long start = System.nanoTime();
            List<BlockingCall> running = workers.stream()
                    .map(w -> BlockingCall.start("load worker " + w.thread, w::run)).toList();
            Duration budget = Duration.ofSeconds(60 + (long) threads * operations / 1_000);
            for (BlockingCall call : running) {
                call.awaitResult(budget);
            }
            long workedNanos = System.nanoTime() - start;
            long expected = workers.stream().mapToLong(Worker::changes).sum();
            Conditions.await(() -> seen.total() >= expected, budget,
                    () -> "notifications: " + seen.total() + " of " + expected);
            long notifiedNanos = System.nanoTime() - start;

            long gets = workers.stream().mapToLong(w -> w.gets).sum();
            for (Worker w : workers) {
                for (int k = 0; k < KEYS_PER_THREAD; k++) {
                    assertArrayEquals(w.changes[k].toArray(), seen.of(w.thread, k),
                            () -> "notifications of " + w.key(0) + ".. in order, each once");
                    assertReflected(tracker, w, k);
                }
            }
            // corosync notifies a connection in the order of the changes, and dispatch delivers in
            // that order: once the end marker, set after every change, is seen, a duplicate of any
            // change would have been seen before it
            writer.setUint8(END, 1);
            Conditions.await(seen::sawEnd, budget, () -> "the end marker " + END + " was not notified");
            assertEquals(expected, seen.total(), "no notification more than the changes made");
            assertTrue(dispatcher.thread().isAlive(), "tracker still dispatching");
            long total = (long) threads * operations;
            System.out.printf("[reliability] %s: %d threads x %d operations = %d on one handle (%d reads checked, "
                            + "%d changes) in %d ms (%.0f ops/s), %d TRY_AGAIN retries; tracker received all %d "
                            + "notifications exactly once and in order per key within %d ms%n",
                    getClass().getSimpleName(), threads, operations, total, gets, expected,
                    TimeUnit.NANOSECONDS.toMillis(workedNanos), total * 1e9 / workedNanos, tryAgain.retries(),
                    seen.total(), TimeUnit.NANOSECONDS.toMillis(notifiedNanos));
        }
    }

    /**
     * corosync drops a response that finds no room (the SHM response ring or the socket's send
     * buffer hold about the message size, 512 KiB by default), and responses are matched to
     * requests by order. Here 256 threads
     * each read a 16,000-byte value of their own (every third request of a read asks for the
     * whole value; 128 in flight could need 2 MiB of answers), while a completion action holds
     * the reading thread for 150 ms at a time, so that the answers pile up unread.
     * Before the client kept its requests' answers within that room, one dropped answer gave
     * every later caller its neighbour's value, and then left callers waiting for good.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void largeValuesPilingUpUnreadStillReachEachCallerWhole(Corosync corosync) throws InterruptedException {
        readLargeValuesThroughStalls();
    }

    void readLargeValuesThroughStalls() throws InterruptedException {
        readLargeValuesThroughStalls(CmapOptions.defaults(), CmapHandle::getBinary);
    }

    /** The same on a handle with {@code options}, each reader reading its value with {@code read}. */
    void readLargeValuesThroughStalls(CmapOptions options, LargeRead read) throws InterruptedException {
        int threads = 256; // twice the requests a handle keeps in flight: the window is always full
        int size = 16_000; // corosync keeps values of up to 16 KiB
        try (CmapHandle handle = Cmap.initialize(options)) {
            for (int t = 0; t < threads; t++) {
                byte[] value = new byte[size];
                Arrays.fill(value, (byte) t);
                handle.setBinary(PREFIX + "big" + t, value);
            }
            handle.setUint8(PREFIX + "small", 1);
            AtomicLong wrong = new AtomicLong();
            AtomicLong right = new AtomicLong();
            AtomicBoolean reading = new AtomicBoolean(true);
            List<BlockingCall> readers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int owner = t;
                readers.add(BlockingCall.start("large reader " + t, () -> {
                    while (reading.get() && wrong.get() == 0) {
                        byte[] value = read.value(handle, PREFIX + "big" + owner);
                        boolean whole = value.length == size && value[0] == (byte) owner
                                && value[size - 1] == (byte) owner;
                        (whole ? right : wrong).incrementAndGet();
                    }
                    return null;
                }));
            }
            for (int stall = 0; stall < 10 && wrong.get() == 0; stall++) {
                // the action runs on the thread that read the answer, which reads nothing else meanwhile
                handle.getAsync(PREFIX + "small").thenRun(() -> sleep(150)).join();
                sleep(50);
            }
            reading.set(false);
            for (BlockingCall reader : readers) {
                reader.awaitResult(Duration.ofMinutes(1));
            }
            assertEquals(0, wrong.get(), () -> "values of other keys, after " + right.get() + " right ones");
            System.out.printf("[reliability] %s: %d threads read %d values of %d bytes from one handle, each its own,"
                    + " through 10 stalls of its reader (messages of %d bytes)%n", getClass().getSimpleName(), threads,
                    right.get(), size, options.maxMessageSize());
            for (int t = 0; t < threads; t++) {
                handle.delete(PREFIX + "big" + t);
            }
        }
    }

    /** How a reader of {@link #readLargeValuesThroughStalls} reads its value. */
    @FunctionalInterface
    interface LargeRead {
        byte[] value(CmapHandle handle, String key);

        /**
         * {@code getAsync}, which reserves the longest value corosync keeps, and corosync answers
         * with the whole reservation: every answer is 16,425 bytes, the longest CMAP answer.
         */
        static byte[] longestAnswer(CmapHandle handle, String key) {
            return ((CmapValue.Binary) handle.getAsync(key).join()).bytes();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void assertReflected(CmapHandle tracker, Worker w, int k) {
        if (w.exists[k]) {
            assertEquals(w.values[k], tracker.getUint64(w.key(k)), () -> "final value of " + w.key(k));
        } else {
            CorosyncDeathContract.assertCmapError(CsError.NOT_EXIST, () -> tracker.getUint64(w.key(k)));
        }
    }

    /** Removes keys of an earlier run, so that every key starts absent. */
    private static void clear(CmapHandle handle, int threads) {
        deleteIfThere(handle, END);
        for (int t = 0; t < threads; t++) {
            for (int k = 0; k < KEYS_PER_THREAD; k++) {
                deleteIfThere(handle, PREFIX + "t" + t + ".k" + k);
            }
        }
    }

    private static void deleteIfThere(CmapHandle handle, String key) {
        try {
            handle.delete(key);
        } catch (CmapException e) {
            assertEquals(CsError.NOT_EXIST, e.error(), e::getMessage);
        }
    }

    static long encode(TrackEvent event, long value) {
        return ((long) event.ordinal() << VALUE_BITS) | (value & VALUE_MASK);
    }

    /** One writer thread: owns {@link #KEYS_PER_THREAD} keys, records every change it made, in order. */
    static final class Worker {
        final CmapHandle handle;
        final int thread;
        final int operations;
        final TryAgain tryAgain;
        final SplittableRandom random;
        final boolean[] exists = new boolean[KEYS_PER_THREAD];
        final long[] values = new long[KEYS_PER_THREAD];
        final LongList[] changes = new LongList[KEYS_PER_THREAD];
        long gets;

        Worker(CmapHandle handle, int thread, int operations, TryAgain tryAgain) {
            this.handle = handle;
            this.thread = thread;
            this.operations = operations;
            this.tryAgain = tryAgain;
            this.random = new SplittableRandom(thread * 7919L);
            for (int k = 0; k < KEYS_PER_THREAD; k++) {
                changes[k] = new LongList();
            }
        }

        String key(int k) {
            return PREFIX + "t" + thread + ".k" + k;
        }

        long changes() {
            return Arrays.stream(changes).mapToLong(LongList::size).sum();
        }

        Object run() {
            int done = 0;
            while (done < operations) {
                int k = random.nextInt(KEYS_PER_THREAD);
                int choice = random.nextInt(100);
                if (choice < 35) {
                    set(k);
                } else if (choice < 55) {
                    get(k);
                } else if (choice < 68) {
                    inc(k);
                } else if (choice < 78 && operations - done >= KEYS_PER_THREAD) {
                    setAllAsync();
                    done += KEYS_PER_THREAD - 1;
                } else if (choice < 83) {
                    delete(k);
                } else {
                    getAsync(k);
                }
                done++;
            }
            return null;
        }

        private void set(int k) {
            long next = values[k] + 1;
            tryAgain.run(() -> handle.setUint64(key(k), next));
            changed(k, next);
        }

        private void changed(int k, long value) {
            changes[k].add(encode(exists[k] ? TrackEvent.MODIFY : TrackEvent.ADD, value));
            exists[k] = true;
            values[k] = value;
        }

        private void get(int k) {
            gets++;
            if (exists[k]) {
                assertEquals(values[k], (long) tryAgain.call(() -> handle.getUint64(key(k))), () -> "read " + key(k));
            } else {
                CorosyncDeathContract.assertCmapError(CsError.NOT_EXIST,
                        () -> tryAgain.call(() -> handle.getUint64(key(k))));
            }
        }

        private void getAsync(int k) {
            gets++;
            CmapValue got = retried(() -> handle.getAsync(key(k)), () -> null);
            if (exists[k]) {
                assertEquals(CmapValue.uint64(values[k]), got, () -> "async read " + key(k));
            } else {
                assertEquals(null, got, () -> key(k) + " should be absent");
            }
        }

        private void inc(int k) {
            if (!exists[k]) {
                set(k);
                return;
            }
            tryAgain.run(() -> handle.inc(key(k)));
            changed(k, values[k] + 1);
        }

        private void delete(int k) {
            if (!exists[k]) {
                set(k);
                return;
            }
            tryAgain.run(() -> handle.delete(key(k)));
            changes[k].add(encode(TrackEvent.DELETE, 0));
            exists[k] = false;
        }

        /** One set of each key in flight at once; each completes before the key is touched again. */
        private void setAllAsync() {
            List<CompletableFuture<Void>> futures = new ArrayList<>(KEYS_PER_THREAD);
            for (int k = 0; k < KEYS_PER_THREAD; k++) {
                futures.add(handle.setAsync(key(k), CmapValue.uint64(values[k] + 1)));
            }
            for (int k = 0; k < KEYS_PER_THREAD; k++) {
                int key = k;
                CompletableFuture<Void> first = futures.get(k);
                retried(() -> first, () -> null, () -> handle.setAsync(key(key), CmapValue.uint64(values[key] + 1)));
                changed(k, values[k] + 1);
            }
        }

        private <T> T retried(Supplier<CompletableFuture<T>> call, Supplier<T> absent) {
            return retried(call, absent, call);
        }

        /** The future's value; a TRY_AGAIN is repeated with {@code again}, NOT_EXIST gives {@code absent}. */
        private <T> T retried(Supplier<CompletableFuture<T>> first, Supplier<T> absent,
                              Supplier<CompletableFuture<T>> again) {
            CompletableFuture<T> future = first.get();
            while (true) {
                try {
                    return future.join();
                } catch (CompletionException e) {
                    if (!(e.getCause() instanceof CmapException cmap)) {
                        throw e;
                    }
                    if (cmap.error() == CsError.NOT_EXIST) {
                        return absent.get();
                    }
                    if (cmap.error() != CsError.TRY_AGAIN) {
                        throw cmap;
                    }
                    future = tryAgain.call(again::get);
                }
            }
        }
    }

    /** What the tracker saw, per key; written only by the dispatching thread. */
    static final class Events {
        private final LongList[][] byKey;
        private final AtomicLong total = new AtomicLong();
        private final AtomicBoolean end = new AtomicBoolean();

        Events(int threads) {
            byKey = new LongList[threads][KEYS_PER_THREAD];
            for (LongList[] keys : byKey) {
                for (int k = 0; k < KEYS_PER_THREAD; k++) {
                    keys[k] = new LongList();
                }
            }
        }

        void record(CmapNotification n) {
            if (n.key().equals(END)) {
                end.set(true);
                return;
            }
            String rest = n.key().substring(PREFIX.length() + 1);
            int dot = rest.indexOf(".k");
            int thread = Integer.parseInt(rest.substring(0, dot));
            int k = Integer.parseInt(rest.substring(dot + 2));
            long value = n.newValue() == null ? 0 : ((CmapValue.UInt64) n.newValue()).bits();
            byKey[thread][k].add(encode(n.event(), value));
            total.incrementAndGet(); // publishes the list to whoever reads total()
        }

        long total() {
            return total.get();
        }

        boolean sawEnd() {
            return end.get();
        }

        long[] of(int thread, int k) {
            return byKey[thread][k].toArray();
        }
    }

    /** A growable list of longs without boxing: the full size records millions. */
    static final class LongList {
        private long[] items = new long[64];
        private int size;

        void add(long item) {
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            items[size++] = item;
        }

        int size() {
            return size;
        }

        long[] toArray() {
            return Arrays.copyOf(items, size);
        }
    }
}
