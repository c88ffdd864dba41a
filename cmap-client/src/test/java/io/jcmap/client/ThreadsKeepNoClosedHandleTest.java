package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.ref.WeakReference;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A thread that made a synchronous numeric call refused before it was sent (here an interrupt)
 * does not keep the handle reachable once it is closed and dropped. The thread's reusable
 * request kept the call's summarizer, which refers to the handle (a review: the getUint32 case
 * since numbers were read through summarizers, the setUint32 one since sets tell iterators).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ThreadsKeepNoClosedHandleTest {
    @Test
    void afterARefusedGet() throws Exception {
        assertHandleLetGo(handle -> handle.getUint32("g.2"));
    }

    @Test
    void afterARefusedSet() throws Exception {
        assertHandleLetGo(handle -> handle.setUint32("w.1", 1));
    }

    @Test
    void afterARefusedInc() throws Exception {
        assertHandleLetGo(handle -> handle.inc("i.2"));
    }

    /** Runs {@code call} interrupted on a thread that then stays alive, and waits for the handle to be collected. */
    private static void assertHandleLetGo(Consumer<ConnectedHandle> call) throws Exception {
        CompletableFuture<WeakReference<ConnectedHandle>> dropped = new CompletableFuture<>();
        CompletableFuture<Void> end = new CompletableFuture<>();
        Thread caller = Thread.ofPlatform().daemon().name("caller").start(() -> {
            dropped.complete(callAndClose(call));
            end.join(); // alive, with its thread-locals, until the handle is collected
        });
        try {
            WeakReference<ConnectedHandle> handle = dropped.get(10, TimeUnit.SECONDS);
            Waits.until(() -> {
                System.gc();
                return handle.refersTo(null);
            }, "the closed handle collected while the thread that called it lives");
        } finally {
            end.complete(null);
            caller.join();
        }
    }

    private static WeakReference<ConnectedHandle> callAndClose(Consumer<ConnectedHandle> call) {
        ScriptedCmapServer server = new ScriptedCmapServer(0x1000);
        ConnectedHandle handle = new ConnectedHandle(CmapMap.ICMAP, CmapOptions.builder().build(), false,
                options -> server);
        Thread.currentThread().interrupt();
        try {
            call.accept(handle);
        } catch (CmapException e) {
            assertEquals(CsError.INTERRUPT, e.error(), e.getMessage());
        } finally {
            Thread.interrupted();
            handle.close();
        }
        return new WeakReference<>(handle);
    }
}
