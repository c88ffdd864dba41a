package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which iterators a handle's writes tell (decision 0004): the open ones only. A write tells them
 * only while {@link OpenIterators#any} says one may be open, so an iterator that is closed, run
 * to its end or dropped unclosed must leave the list, or every later write pays for it.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OpenIteratorsTest {
    /** Lists twelve keys ("it.12.ka" ... "it.12.kl"), more than one call fetches. */
    private static final String PREFIX = "it.12.";
    private static final long WAIT_SECONDS = 10;

    private ScriptedCmapServer server;
    private ConnectedHandle handle;

    @BeforeEach
    void open() {
        server = new ScriptedCmapServer(0x1000);
        handle = new ConnectedHandle(CmapMap.ICMAP, CmapOptions.builder().build(), false, options -> server);
    }

    @AfterEach
    void close() {
        handle.close();
    }

    @Test
    void aClosedIteratorIsForgottenAtOnce() {
        CmapIterator keys = handle.iterate(PREFIX);
        keys.next();
        assertTrue(handle.openIterators().any(), "an open iterator is listed");

        keys.close();

        assertFalse(handle.openIterators().any());
    }

    @Test
    void anIteratorRunToItsEndIsForgotten() {
        CmapIterator keys = handle.iterate(PREFIX);
        int listed = 0;
        while (keys.hasNext()) {
            keys.next();
            listed++;
        }

        assertEquals(12, listed);
        assertFalse(handle.openIterators().any());
    }

    @Test
    void anIteratorDroppedUnclosedIsForgottenAtTheNextWrite() {
        WeakReference<CmapIterator> dropped = openAndDrop();
        Waits.until(() -> {
            System.gc();
            return dropped.refersTo(null);
        }, "the dropped iterator collected");

        handle.setUint32("w.1", 1);

        assertFalse(handle.openIterators().any(), "a write after the drop still finds an iterator listed");
    }

    @Test
    void aDroppedIteratorLeavesTheOpenOnesListed() {
        CmapIterator kept = handle.iterate(PREFIX);
        WeakReference<CmapIterator> dropped = openAndDrop();
        Waits.until(() -> {
            System.gc();
            return dropped.refersTo(null);
        }, "the dropped iterator collected");

        handle.delete("w.2");

        assertTrue(handle.openIterators().any(), "the iterator still open was forgotten with the dropped one");
        kept.close();
        assertFalse(handle.openIterators().any());
    }

    /**
     * A write made while iterate() waits for its iter_init's answer goes out behind the first
     * burst (the iteration holds the wire), so corosync answers it after those keys: it must be
     * told. The iterator was listed only once its first burst had come back, and the write,
     * which picks its decoder as it is made, was not told (a review's IT: 37 and 204 of 400).
     */
    @Test
    void aWriteMadeWhileIterateWaitsIsShown() throws Exception {
        server.delaying = true;
        CompletableFuture<CmapIterator> opened = new CompletableFuture<>();
        Thread iterating = Thread.ofPlatform().daemon().name("iterating")
                .start(() -> opened.complete(handle.iterate(PREFIX)));
        Waits.until(() -> PipelineFrames.waitsInside(iterating, "callHeld", "await"),
                "iterate() waits for its iter_init's answer");

        CompletableFuture<Void> write = handle.setAsync(PREFIX + "kb", CmapValue.string("hello"));
        server.delaying = false;
        write.get(WAIT_SECONDS, TimeUnit.SECONDS);

        try (CmapIterator keys = opened.get(WAIT_SECONDS, TimeUnit.SECONDS)) {
            assertEquals(new CmapKeyInfo(PREFIX + "ka", CmapType.UINT8, 1), keys.next());
            assertEquals(new CmapKeyInfo(PREFIX + "kb", CmapType.STRING, 6), keys.next());
        }
    }

    /**
     * After a reconnect, the iterator of the lost connection hands out the keys it fetched there as
     * they were: the new connection's writes are to another corosync's map (or a restarted one's).
     */
    @Test
    void anIteratorOfALostConnectionIsNotToldOfTheNewOnesWrites() throws Exception {
        ScriptedReconnectingHandle scripted = new ScriptedReconnectingHandle();
        try {
            ConnectedHandle reconnecting = scripted.open();
            try (CmapIterator keys = reconnecting.iterate(PREFIX)) {
                assertEquals(PREFIX + "ka", keys.next().name());
                scripted.first.hangUp();
                scripted.first.endRequests();
                assertThrows(CmapException.class, () -> reconnecting.setUint8("k.lost", 1));
                assertTrue(scripted.reconnected.await(WAIT_SECONDS, TimeUnit.SECONDS), "reconnected");

                reconnecting.setString(PREFIX + "kb", "hello");

                assertEquals(new CmapKeyInfo(PREFIX + "kb", CmapType.UINT8, 1), keys.next());
            }
        } finally {
            scripted.close();
        }
    }

    /** An iterator that has handed out one key, referenced by nothing but the returned weak reference. */
    private WeakReference<CmapIterator> openAndDrop() {
        CmapIterator keys = handle.iterate(PREFIX);
        keys.next();
        return new WeakReference<>(keys);
    }
}
