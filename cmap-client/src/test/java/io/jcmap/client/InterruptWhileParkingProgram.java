package io.jcmap.client;

import io.jcmap.protocol.cmap.ResponseHeaderDescriptor;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The program {@link InterruptWhileParkingTest} runs under its debugger: a caller waiting for
 * another thread's reading, interrupted just after it looked at its interrupt status and before
 * it parks. Exits 0 when the call ends with INTERRUPT, the status kept; 1 when it still waits
 * seconds after the interrupt; 2 when the debugger never held it.
 */
final class InterruptWhileParkingProgram {
    private static final int LENGTH = ResponseHeaderDescriptor.LENGTH;
    /** Set by the debugger once it holds the waiting thread just after its look at the status. */
    static volatile boolean held;

    private InterruptWhileParkingProgram() {
    }

    /** The debugger watches this thread's looks at its interrupt status from here on. */
    static void aboutToWait() {
    }

    /** The debugger lets the held thread go on here. */
    static void releaseHeld() {
    }

    public static void main(String[] args) throws Exception {
        SlowServer server = new SlowServer();
        Pipeline pipeline = new Pipeline(server, 0, reason -> { });
        Thread reader = Thread.ofPlatform().daemon().name("reader").start(() -> get(pipeline, "a"));
        await(() -> server.sent.get() == 1 && reader.getState() == Thread.State.TIMED_WAITING, "the reader reading");
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread waiting = Thread.ofPlatform().daemon().name("waiting").start(() -> {
            aboutToWait();
            try {
                outcome.set(get(pipeline, "b"));
            } catch (CmapException e) {
                outcome.set(e);
            }
            outcome.set(outcome.get() + "; interrupted: " + Thread.currentThread().isInterrupted());
        });
        await(() -> held, "the debugger holds the waiting thread");
        waiting.interrupt();
        releaseHeld();
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

    private static void await(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                System.out.println("RESULT: timed out waiting until " + what);
                System.exit(2);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
