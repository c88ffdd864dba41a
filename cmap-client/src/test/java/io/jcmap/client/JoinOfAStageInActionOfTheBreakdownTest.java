package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * As JoinInActionOfTheBreakdownTest, for a join of a stage that waits for a request it does not
 * name (thenCombine's other): failIfBrokenDown failed only the request the stage was made from,
 * and the other, which the same thread fails only once the action has returned, was waited for
 * for ever; close() never returned.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JoinOfAStageInActionOfTheBreakdownTest {
    private static final long WAIT_SECONDS = 5;

    private final ScriptedCmapServer server = new ScriptedCmapServer(0x1000);
    private ConnectedHandle handle;

    @AfterEach
    void tearDown() {
        if (handle != null) {
            handle.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"close", "a loss found by dispatch"})
    void theJoinOfAStageFailsWithTheBreakdownsReasonAndTheBreakdownEnds(String breakdown) throws Exception {
        handle = new ConnectedHandle(CmapMap.ICMAP, CmapOptions.builder().build(), false, options -> server);
        server.withholdSets = true;
        AtomicReference<CompletableFuture<String>> stage = new AtomicReference<>();
        CompletableFuture<Object> action = handle.setAsync("k.first", CmapValue.uint32(1)).handle((value, failure) -> {
            try {
                return stage.get().join();
            } catch (CompletionException e) {
                return e.getCause();
            }
        });
        CompletableFuture<Void> later = handle.setAsync("k.later", CmapValue.uint32(2));
        CompletableFuture<Void> other = handle.setAsync("k.other", CmapValue.uint32(3));
        stage.set(later.thenCombine(other, (a, b) -> "both"));

        CompletableFuture<Object> ended = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("breaking down").start(() -> {
            try {
                if (breakdown.equals("close")) {
                    handle.close();
                    ended.complete("closed");
                } else {
                    server.hangUp();
                    ended.complete(handle.dispatch(DispatchType.ONE));
                }
            } catch (Throwable e) {
                ended.complete(e);
            }
        });

        Object outcome = Waits.returned(action, WAIT_SECONDS, "the join, in the action of the first request, of a"
                + " stage combining two later requests", "failIfBrokenDown failed only the one the stage was made from;"
                + " the other waits for the thread breaking the pipeline down, until that action has returned");
        CsError expected = breakdown.equals("close") ? CsError.BAD_HANDLE : CsError.LIBRARY;
        assertEquals(expected, assertInstanceOf(CmapException.class, outcome).error());
        Object end = ended.get(WAIT_SECONDS, TimeUnit.SECONDS);
        if (breakdown.equals("close")) {
            assertEquals("closed", end);
        } else {
            assertEquals(CsError.LIBRARY, assertInstanceOf(CmapException.class, end).error());
        }
    }
}
