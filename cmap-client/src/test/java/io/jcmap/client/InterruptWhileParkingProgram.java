package io.jcmap.client;

import io.jcmap.protocol.cmap.ResponseHeaderDescriptor;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The program {@link InterruptWhileParkingTest} runs under its debugger: a caller waiting for
 * another thread's reading, interrupted just after it looked at its interrupt status and before
 * it parks. Exits 0 when the call ends with INTERRUPT, the status kept; 1 when it still waits
 * seconds after the interrupt; 2 when the debugger never held it.
 */
final class InterruptWhileParkingProgram {
    private static final int LENGTH = ResponseHeaderDescriptor.LENGTH;

    private InterruptWhileParkingProgram() {
    }

    public static void main(String[] args) throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        Thread reader = Thread.ofPlatform().daemon().name("reader").start(() -> get(pipeline, "a"));
        DebuggedChildJvm.awaitOrExit(() -> server.sent.get() == 1 && reader.getState() == Thread.State.TIMED_WAITING,
                "the reader reading");
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread waiting = Thread.ofPlatform().daemon().name("waiting").start(() -> {
            DebuggedChildJvm.watchThisThread(); // the debugger watches its looks at its interrupt status
            try {
                outcome.set(get(pipeline, "b"));
            } catch (CmapException e) {
                outcome.set(e);
            }
            outcome.set(outcome.get() + "; interrupted: " + Thread.currentThread().isInterrupted());
        });
        DebuggedChildJvm.awaitOrExit(() -> DebuggedChildJvm.held, "the debugger holds the waiting thread");
        waiting.interrupt();
        DebuggedChildJvm.releaseHeld();
        waiting.join(3_000);
        if (waiting.isAlive()) {
            System.out.println("RESULT: the call interrupted just before it parked still waits 3 s later");
            server.allowed.set(Integer.MAX_VALUE);
            waiting.join(10_000);
            System.out.println("once answered: " + outcome.get());
            System.exit(1);
        }
        System.out.println("RESULT: " + outcome.get());
        System.exit(String.valueOf(outcome.get()).contains("INTERRUPT")
                && String.valueOf(outcome.get()).endsWith("interrupted: true") ? 0 : 1);
    }

    private static Object get(Pipeline pipeline, String key) {
        return pipeline.call("get", key, ScriptedConnection.RESPONSE_ID, LENGTH, buffer -> LENGTH,
                (response, length) -> key);
    }
}
