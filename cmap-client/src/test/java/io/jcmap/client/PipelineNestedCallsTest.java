package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.protocol.cmap.ResponseHeaderDescriptor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A synchronous call in a completion action reads on, on the same stack, and runs the next
 * action: thousands of them overflowed the stack and left the handle's locks held. Past
 * {@link Pipeline#MAX_NESTED_READS} levels such a call fails instead.
 */
class PipelineNestedCallsTest {
    private static final int RESPONSE_ID = ScriptedConnection.RESPONSE_ID;
    private static final int LENGTH = ResponseHeaderDescriptor.LENGTH;

    private static Object sync(Pipeline pipeline) {
        return pipeline.call("get", "k", RESPONSE_ID, LENGTH, buffer -> LENGTH, (response, length) -> "sync");
    }

    @Test
    void synchronousCallsInCompletionActionsFailClearlyPastTheNestingLimit() throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        AtomicInteger tooDeep = new AtomicInteger();
        List<CompletableFuture<Object>> actions = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            actions.add(pipeline.callAsync("get", "k", RESPONSE_ID, LENGTH, buffer -> LENGTH, (response, length) -> "async")
                    .thenApply(value -> {
                        try {
                            return sync(pipeline);
                        } catch (CmapException e) {
                            if (e.getMessage().contains("nested " + Pipeline.MAX_NESTED_READS + " deep")) {
                                tooDeep.incrementAndGet();
                            }
                            throw e;
                        }
                    }));
        }
        server.allowed.set(Integer.MAX_VALUE);
        int succeeded = 0;
        for (CompletableFuture<Object> action : actions) {
            try {
                assertEquals("sync", action.get(30, TimeUnit.SECONDS));
                succeeded++;
            } catch (java.util.concurrent.ExecutionException e) {
                CmapException cause = assertInstanceOf(CmapException.class, e.getCause(), "no stack overflow");
                assertEquals(CsError.LIBRARY, cause.error());
            }
        }
        assertTrue(tooDeep.get() > 0, "the actions nested past the limit");
        assertTrue(succeeded > 0);
        assertEquals("sync", CompletableFuture.supplyAsync(() -> sync(pipeline)).get(10, TimeUnit.SECONDS),
                "the pipeline still works");
    }
}
