package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A handle the application drops without closing it is closed once it is unreachable (decision
 * 0036), with one warning; a handle still in use (referenced, dispatched by a thread, with an
 * unanswered request) is not, and one closed explicitly is not closed again. Before the fix a
 * dropped handle kept its connection for ever; one that had made an asynchronous request was not
 * even collected (its response thread kept it).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DroppedHandleTest {
    private static final String KEY = "test.dropped";
    private static final String WARNING = "was not closed";

    private final ScriptedCmapServer server = new ScriptedCmapServer(0x1000);
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private PrintStream stderr;

    @BeforeEach
    void captureLog() {
        // slf4j-simple prints to whatever System.err is at the time
        stderr = System.err;
        System.setErr(new PrintStream(new TeeStream(stderr, log), true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreLog() {
        System.setErr(stderr);
    }

    @ParameterizedTest
    @ValueSource(strings = {"opened", "after a set", "after an asynchronous set", "tracking", "reconnecting"})
    void aDroppedHandleIsClosedWithAWarning(String use) {
        WeakReference<CmapHandle> dropped = openAndDrop(use);

        Waits.until(() -> collected(dropped) && server.isClosed(),
                () -> use + ": the dropped handle's connection was not closed after collections (handle collected: "
                        + (dropped.get() == null) + ")");
        Waits.until(() -> warnings() == 1, () -> use + ": one warning, logged " + warnings() + ": " + log);
    }

    @Test
    void aHandleStillReferencedStaysOpen() {
        CmapHandle handle = open(CmapOptions.builder().build());

        collectUntilADroppedHandleIsClosed();
        assertFalse(server.isClosed(), "the referenced handle's connection stays open");
        handle.set(KEY, CmapValue.uint32(1));
        handle.close();
        assertTrue(server.isClosed());
        assertEquals(1, warnings(), () -> "a warning for the dropped handle only: " + log);
    }

    @Test
    void aHandleDispatchedByAThreadStaysOpen() throws Exception {
        AtomicInteger notified = new AtomicInteger();
        CompletableFuture<Integer> dispatched = new CompletableFuture<>();
        WeakReference<CmapHandle> reference = trackAndDispatch(notified, dispatched);

        collectUntilADroppedHandleIsClosed();
        assertKept(reference, "the dispatching thread");
        server.change(KEY);
        Waits.until(() -> notified.get() == 1, "the dispatching thread delivered the notification");
        reference.get().close();
        assertEquals(1, dispatched.get(), "the dispatch ended by the close");
    }

    @Test
    void anUnansweredAsynchronousRequestKeepsItsHandle() {
        server.withholdSets = true;
        WeakReference<CmapHandle> reference = setAndDrop();

        collectUntilADroppedHandleIsClosed();
        assertKept(reference, "its unanswered request");
        reference.get().close(); // its warning, collected later, would be counted by another test
    }

    @Test
    void aBatchKeepsItsHandle() {
        CmapBatch[] batch = new CmapBatch[1];
        WeakReference<CmapHandle> reference = batchAndDrop(batch);

        collectUntilADroppedHandleIsClosed();
        assertKept(reference, "its batch");
        CompletableFuture<Void> set = batch[0].setAsync(KEY, CmapValue.uint32(2));
        batch[0].flush();
        set.join();
        reference.get().close();
    }

    @Test
    void anIteratorKeepsItsHandle() {
        CmapIterator[] iterator = new CmapIterator[1];
        WeakReference<CmapHandle> reference = iterateAndDrop(iterator);

        collectUntilADroppedHandleIsClosed();
        assertKept(reference, "its iterator");
        int listed = 0;
        while (iterator[0].hasNext()) {
            iterator[0].next();
            listed++;
        }
        assertEquals(ScriptedCmapServer.keysUnder("it.12.").size(), listed, "the iterator lists every key");
        iterator[0].close();
        reference.get().close();
    }

    @Test
    void aStageOfAnUnansweredRequestKeepsItsHandle() {
        server.withholdSets = true;
        CompletableFuture<?>[] stage = new CompletableFuture<?>[1];
        WeakReference<CmapHandle> reference = stageAndDrop(stage);

        collectUntilADroppedHandleIsClosed();
        assertKept(reference, "the stage of its unanswered request");
        assertFalse(stage[0].isDone(), "the request is still unanswered");
        reference.get().close();
    }

    @Test
    void aHandleClosedExplicitlyIsNotClosedAgain() {
        WeakReference<CmapHandle> reference = new WeakReference<>(open(CmapOptions.builder().build()));
        reference.get().close();

        Waits.until(() -> collected(reference), "the closed handle collected");
        collectUntilADroppedHandleIsClosed();
        assertEquals(1, warnings(), () -> "a warning for the dropped handle only: " + log);
    }

    private WeakReference<CmapHandle> openAndDrop(String use) {
        CmapOptions.Builder options = CmapOptions.builder();
        if (use.equals("reconnecting")) {
            options.reconnect(ReconnectPolicy.of(Duration.ofMillis(1), Duration.ofMillis(1)));
        }
        CmapHandle handle = open(options.build());
        Consumer<CmapHandle> using = switch (use) {
            case "after a set" -> h -> h.set(KEY, CmapValue.uint32(1));
            case "after an asynchronous set" -> h -> h.setAsync(KEY, CmapValue.uint32(1)).join();
            case "tracking" -> h -> h.trackAdd(KEY, EnumSet.of(TrackEvent.DELETE), (of, notification) -> { });
            default -> h -> { };
        };
        using.accept(handle);
        return new WeakReference<>(handle);
    }

    private WeakReference<CmapHandle> trackAndDispatch(AtomicInteger notified, CompletableFuture<Integer> dispatched) {
        CmapHandle handle = open(CmapOptions.builder().build());
        handle.trackAdd(KEY, EnumSet.of(TrackEvent.DELETE), (of, notification) -> notified.incrementAndGet());
        // handed over, not captured: only the dispatching thread's frames hold it
        AtomicReference<CmapHandle> handOver = new AtomicReference<>(handle);
        Thread.ofPlatform().daemon().name("dispatcher").start(() -> {
            try {
                dispatched.complete(handOver.getAndSet(null).dispatch(DispatchType.BLOCKING));
            } catch (RuntimeException e) {
                dispatched.completeExceptionally(e);
            }
        });
        Waits.until(() -> handOver.get() == null, "the dispatcher took the handle");
        return new WeakReference<>(handle);
    }

    private WeakReference<CmapHandle> setAndDrop() {
        CmapHandle handle = open(CmapOptions.builder().build());
        handle.setAsync(KEY, CmapValue.uint32(1));
        return new WeakReference<>(handle);
    }

    private WeakReference<CmapHandle> iterateAndDrop(CmapIterator[] iterator) {
        CmapHandle handle = open(CmapOptions.builder().build());
        iterator[0] = handle.iterate("it.12.");
        return new WeakReference<>(handle);
    }

    private WeakReference<CmapHandle> stageAndDrop(CompletableFuture<?>[] stage) {
        CmapHandle handle = open(CmapOptions.builder().build());
        stage[0] = handle.setAsync(KEY, CmapValue.uint32(1)).thenApply(ignored -> "set");
        return new WeakReference<>(handle);
    }

    private WeakReference<CmapHandle> batchAndDrop(CmapBatch[] batch) {
        CmapHandle handle = open(CmapOptions.builder().build());
        batch[0] = handle.batch();
        batch[0].setAsync(KEY, CmapValue.uint32(1));
        return new WeakReference<>(handle);
    }

    private CmapHandle open(CmapOptions options) {
        return Cmap.open(CmapMap.ICMAP, options, false, any -> server);
    }

    /** Collects, and says whether {@code reference} was cleared. */
    private static boolean collected(WeakReference<?> reference) {
        System.gc();
        return reference.get() == null;
    }

    /**
     * Drops a handle of another server and collects until the cleaner has closed it: a handle
     * unreachable by then would have been found by the same collections (its weak references
     * cleared with them), where watching a handle for a while proves nothing while the cleaner's
     * thread has not run.
     */
    private static void collectUntilADroppedHandleIsClosed() {
        ScriptedCmapServer control = new ScriptedCmapServer(0x9000);
        WeakReference<CmapHandle> dropped = new WeakReference<>(
                Cmap.open(CmapMap.ICMAP, CmapOptions.builder().build(), false, any -> control));
        Waits.until(() -> collected(dropped) && control.isClosed(), "a dropped handle closed by the cleaner");
    }

    private void assertKept(WeakReference<CmapHandle> reference, String keeper) {
        assertNotNull(reference.get(), keeper + " keeps the handle");
        assertFalse(server.isClosed(), () -> "the handle kept by " + keeper + " stays open");
        assertEquals(1, warnings(), () -> "a warning for the dropped handle only: " + log);
    }

    private int warnings() {
        String text = log.toString(StandardCharsets.UTF_8);
        int count = 0;
        for (int at = text.indexOf(WARNING); at >= 0; at = text.indexOf(WARNING, at + 1)) {
            count++;
        }
        return count;
    }

    /** Writes to both streams. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream first;
        private final java.io.OutputStream second;

        TeeStream(java.io.OutputStream first, java.io.OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public synchronized void write(int b) throws java.io.IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) throws java.io.IOException {
            first.write(bytes, offset, length);
            second.write(bytes, offset, length);
        }
    }
}
