package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jcmap.protocol.cmap.ResponseHeaderDescriptor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A synchronous call in a completion action reads on, on the same stack: thousands of actions
 * making one each overflowed the stack and left the handle's locks held, and later failed past
 * {@link Pipeline#MAX_NESTED_READS} levels. The futures whose answers such a call reads now
 * complete after its action has returned, on the outer level, so none nests and all succeed.
 */
class PipelineNestedCallsTest {
    private static final int RESPONSE_ID = ScriptedConnection.RESPONSE_ID;
    private static final int LENGTH = ResponseHeaderDescriptor.LENGTH;

    private static Object sync(Pipeline pipeline) {
        return pipeline.call("get", "k", RESPONSE_ID, LENGTH, buffer -> LENGTH, (response, length) -> "sync");
    }

    @Test
    void thousandsOfCompletionActionsMakingASynchronousCallEachAllSucceedWithoutNesting() throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        List<CompletableFuture<Object>> actions = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            actions.add(pipeline.callAsync("get", "k", RESPONSE_ID, LENGTH, buffer -> LENGTH, (response, length) -> "async")
                    .thenApply(value -> sync(pipeline)));
        }
        server.allowed.set(Integer.MAX_VALUE);
        for (CompletableFuture<Object> action : actions) {
            // a failure shows as its cause: "nested 32 deep", or a stack overflow
            assertEquals("sync", action.get(30, TimeUnit.SECONDS));
        }
        assertEquals("sync", CompletableFuture.supplyAsync(() -> sync(pipeline)).get(10, TimeUnit.SECONDS),
                "the pipeline still works");
    }
}
