package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.protocol.cmap.ResponseHeaderDescriptor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Requests whose completion actions each join the next one, failed by a close. The thread
 * breaking the pipeline down does not hold the reading, so each join fails the next request at
 * once (JoinsInActions#failIfBrokenDown) and its action runs on top of the joining one: the actions
 * nested as deep as the chain went, where a join reading in an action stops at MAX_NESTED_READS
 * with LIBRARY (decision 0034). 3,000 overflowed the stack: some actions failed with
 * StackOverflowError, and some stages never completed.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JoinsNestedInActionsOfTheBreakdownTest {
    private static final int REQUESTS = 3000;

    @Test
    void actionsJoiningTheNextRequestDoNotNestPastTheBoundWhenACloseFailsThem() throws Exception {
        SlowServer server = new SlowServer(); // answers nothing
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        List<CompletableFuture<Object>> requests = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            requests.add(pipeline.callAsync("get", "k", ScriptedConnection.RESPONSE_ID, ResponseHeaderDescriptor.LENGTH,
                    buffer -> ResponseHeaderDescriptor.LENGTH, (response, length) -> "answer"));
        }
        AtomicInteger depth = new AtomicInteger();
        AtomicInteger deepest = new AtomicInteger();
        List<CompletableFuture<Object>> actions = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            CompletableFuture<Object> next = i + 1 < REQUESTS ? requests.get(i + 1) : null;
            actions.add(requests.get(i).handle((value, failure) -> {
                deepest.accumulateAndGet(depth.incrementAndGet(), Math::max);
                try {
                    if (next != null) {
                        next.join();
                    }
                    return failure;
                } catch (CompletionException e) {
                    return e.getCause();
                } finally {
                    depth.decrementAndGet();
                }
            }));
        }
        Thread closing = Thread.ofPlatform().daemon().name("closing").start(
                () -> pipeline.close(new CmapException(CsError.BAD_HANDLE, "handle closed"), false));
        closing.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(closing.isAlive(), "the close returns");

        Map<String, Integer> outcomes = new TreeMap<>();
        for (CompletableFuture<Object> action : actions) {
            String outcome;
            if (!action.isDone()) {
                outcome = "never completed";
            } else {
                try {
                    Object result = action.join();
                    outcome = result instanceof CmapException e ? e.error().name() : String.valueOf(result);
                } catch (CompletionException e) {
                    outcome = e.getCause().getClass().getSimpleName();
                }
            }
            outcomes.merge(outcome, 1, Integer::sum);
        }
        assertTrue(deepest.get() <= Pipeline.MAX_NESTED_READS + 1, "actions nested " + deepest + " deep; outcomes "
                + outcomes);
        assertEquals(REQUESTS, outcomes.getOrDefault("BAD_HANDLE", 0) + outcomes.getOrDefault("LIBRARY", 0),
                "every action sees the close's failure, or LIBRARY for a join nested too deep: " + outcomes);
    }
}
