package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A join, on a thread of the application, of a later request (or of a stage combining it with
 * another) while the thread breaking the pipeline down runs the completion action of an earlier
 * one. JoinsInActions#failIfBrokenDown, meant for the thread breaking it down (a join in one of the
 * actions it runs would wait for itself), failed the later requests on the joining thread too, and
 * ran their actions there, while the earlier action still ran: out of the order the breakdown
 * fails them in.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JoinOnAnotherThreadWhileTheBreakdownRunsAnActionTest {
    private static final long WAIT_SECONDS = 5;

    private final ScriptedCmapServer server = new ScriptedCmapServer(0x1000);
    private final CountDownLatch release = new CountDownLatch(1);
    private ConnectedHandle handle;

    @AfterEach
    void tearDown() {
        release.countDown();
        if (handle != null) {
            handle.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"the later request", "a stage combining it with another"})
    void theLaterActionRunsOnceTheEarlierHasReturned(String joined) throws Exception {
        handle = new ConnectedHandle(CmapMap.ICMAP, CmapOptions.builder().build(), false, options -> server);
        server.withholdSets = true;
        CountDownLatch inFirstAction = new CountDownLatch(1);
        CompletableFuture<Boolean> firstReturned = new CompletableFuture<>();
        handle.setAsync("k.first", CmapValue.uint32(1)).whenComplete((value, failure) -> {
            inFirstAction.countDown();
            try {
                release.await(WAIT_SECONDS * 2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            firstReturned.complete(true);
        });
        CompletableFuture<Boolean> firstReturnedBeforeSecond = new CompletableFuture<>();
        CompletableFuture<Void> second = handle.setAsync("k.second", CmapValue.uint32(2)).whenComplete(
                (value, failure) -> firstReturnedBeforeSecond.complete(firstReturned.isDone()));
        CompletableFuture<Void> third = handle.setAsync("k.third", CmapValue.uint32(3));
        CompletableFuture<?> target = joined.equals("the later request") ? second
                : second.thenCombine(third, (a, b) -> "both");

        CompletableFuture<Object> closed = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("closing").start(() -> {
            handle.close();
            closed.complete("closed");
        });
        assertTrue(inFirstAction.await(WAIT_SECONDS, TimeUnit.SECONDS), "the close runs the first request's action");
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        Thread joiner = Thread.ofPlatform().daemon().name("joiner").start(() -> {
            try {
                outcome.complete(target.join());
            } catch (CompletionException e) {
                outcome.complete(e.getCause());
            }
        });
        Waits.until(() -> outcome.isDone() || joiner.getState() == Thread.State.WAITING
                || joiner.getState() == Thread.State.TIMED_WAITING, "the join has looked");
        release.countDown();

        assertTrue(firstReturnedBeforeSecond.get(WAIT_SECONDS, TimeUnit.SECONDS), "the second request's action, run"
                + " by the join of " + joined + " on another thread, ran while the first's, run by the close, had not"
                + " returned");
        assertEquals(CsError.BAD_HANDLE, assertInstanceOf(CmapException.class,
                outcome.get(WAIT_SECONDS, TimeUnit.SECONDS)).error());
        assertEquals("closed", closed.get(WAIT_SECONDS, TimeUnit.SECONDS));
    }
}
