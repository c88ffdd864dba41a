package io.jcmap.client.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.client.Cmap;
import io.jcmap.client.CmapHandle;
import io.jcmap.client.CmapIterator;
import io.jcmap.client.CmapMap;
import io.jcmap.client.CmapValue;
import io.jcmap.client.TrackEvent;
import io.jcmap.client.it.ConnectionStats;
import io.jcmap.testkit.Corosync;

import java.lang.ref.Reference;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A handle the application drops without closing it is closed once collected (decision 0036):
 * its connection leaves corosync's stats map, the server's {@code /dev/shm} files for it go (on
 * SHM) and its response thread ends, while a handle the application keeps goes on working. Before
 * the fix the dropped handle's connection stayed for as long as the JVM ran.
 *
 * <p>Run once per IPC transport by the concrete {@code *IT} classes.
 */
abstract class DroppedHandleContract {
    private static final String KEY = "rel.dropped.key";
    private static final Duration GONE_WITHIN = Duration.ofSeconds(30);
    private static final long OUR_PID = ProcessHandle.current().pid();
    /** More than the iterator's first two bursts: the rest are fetched while it is in use. */
    private static final int ITERATED_KEYS = 40;
    /** How long an iterator of a dropped handle is used while collecting. */
    private static final Duration KEPT = Duration.ofSeconds(1);

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aDroppedHandlesConnectionLeavesCorosyncAndAKeptOneStays(Corosync corosync) {
        try (CmapHandle stats = Cmap.initialize(CmapMap.STATS); CmapHandle kept = Cmap.initialize()) {
            ConnectionStats connections = new ConnectionStats(stats);
            kept.setUint64(KEY, 42);
            Set<String> shmBefore = Footprint.take(corosync.pid()).shmEntries();
            int threadsBefore = Footprint.take(0).clientThreads();

            String dropped = openUseAndDrop(connections);
            long droppedAt = System.nanoTime();

            Conditions.await(() -> collect() && !connections.connectionsOf(OUR_PID).contains(dropped), GONE_WITHIN,
                    () -> "the dropped handle's connection " + dropped + " gone from corosync; connections now "
                            + connections.connectionsOf(OUR_PID));
            Conditions.await(() -> collect() && shmBefore.containsAll(Footprint.take(corosync.pid()).shmEntries()),
                    GONE_WITHIN, () -> "its /dev/shm files gone: " + extra(shmBefore, corosync.pid()));
            Conditions.await(() -> Footprint.take(0).clientThreads() <= threadsBefore, GONE_WITHIN,
                    () -> "its response thread ended: " + Footprint.take(0).clientThreads() + " client threads, "
                            + threadsBefore + " before");
            System.out.printf("[reliability] %s: the dropped handle's connection, files and thread gone %d ms after"
                    + " it was dropped%n", getClass().getSimpleName(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - droppedAt));
            assertEquals(42, kept.getUint64(KEY), "the handle kept goes on working");
            assertTrue(kept.isOpen());
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void anIteratorKeepsItsHandle() {
        try (CmapHandle setup = Cmap.initialize()) {
            for (int i = 0; i < ITERATED_KEYS; i++) {
                setup.setUint32(KEY + ".iterated." + i, i);
            }
        }
        CmapIterator keys = iterateAndDrop();

        int seen = 0;
        while (keys.hasNext()) {
            keys.next();
            seen++;
            collect();
            if (seen == ITERATED_KEYS / 2) {
                collectFor(KEPT); // were the handle collected now, its close would end the iteration
            }
        }
        keys.close();
        assertEquals(ITERATED_KEYS, seen, "the iterator of a dropped handle goes on to the end");
    }

    private static CmapIterator iterateAndDrop() {
        return Cmap.initialize().iterate(KEY + ".iterated.");
    }

    /**
     * Opens a handle that makes a synchronous and an asynchronous request (its response thread
     * starts) and tracks a key, and drops it unclosed.
     *
     * @return its connection's key prefix in the stats map
     */
    private static String openUseAndDrop(ConnectionStats connections) {
        ConnectionStats.Opened<CmapHandle> opened = connections.open(Cmap::initialize);
        CmapHandle handle = opened.value();
        assertEquals(42, handle.getUint64(KEY));
        assertEquals(CmapValue.uint64(42), handle.getAsync(KEY).join());
        handle.trackAdd(KEY, EnumSet.of(TrackEvent.MODIFY), (h, n) -> { });
        assertTrue(connections.connectionsOf(OUR_PID).contains(opened.connection()), "connected at first");
        Reference.reachabilityFence(handle); // until here: once dropped, it may be collected at any time
        return opened.connection();
    }

    private static boolean collect() {
        System.gc();
        return true;
    }

    private static void collectFor(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() - end < 0) {
            System.gc();
        }
    }

    private static Set<String> extra(Set<String> before, long serverPid) {
        Set<String> now = new TreeSet<>(Footprint.take(serverPid).shmEntries());
        now.removeAll(before);
        return now;
    }
}
