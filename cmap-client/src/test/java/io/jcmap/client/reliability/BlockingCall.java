package io.jcmap.client.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import io.jcmap.client.CmapException;
import io.jcmap.client.CsError;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A call running on its own thread, expected to block, whose outcome and end time are kept. */
final class BlockingCall {
    private final String name;
    private final Thread thread;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile Object result;
    private volatile Throwable failure;
    private volatile long finishedAt;
    private volatile boolean endedInterrupted;

    private BlockingCall(String name, boolean virtual, Callable<?> call) {
        this.name = name;
        Thread.Builder builder = virtual ? Thread.ofVirtual() : Thread.ofPlatform().daemon();
        this.thread = builder.name("reliability-" + name).unstarted(() -> run(call));
    }

    /** Starts {@code call} on a new daemon thread. */
    static BlockingCall start(String name, Callable<?> call) {
        return start(name, false, call);
    }

    /** Starts {@code call} on a new virtual thread, or a new platform daemon thread. */
    static BlockingCall start(String name, boolean virtual, Callable<?> call) {
        BlockingCall blocking = new BlockingCall(name, virtual, call);
        blocking.thread.start();
        return blocking;
    }

    private void run(Callable<?> call) {
        try {
            result = call.call();
        } catch (Throwable t) {
            failure = t;
        } finally {
            endedInterrupted = Thread.currentThread().isInterrupted();
            finishedAt = System.nanoTime();
            finished.countDown();
        }
    }

    Thread thread() {
        return thread;
    }

    boolean isFinished() {
        return finished.getCount() == 0;
    }

    /** System.nanoTime() when the call returned or threw. */
    long finishedAt() {
        return finishedAt;
    }

    /** Whether the thread's interrupt status was set as the call ended. */
    boolean endedInterrupted() {
        return endedInterrupted;
    }

    /** Waits until the thread is blocked inside the client, failing if the call returns instead. */
    void awaitBlocked(Duration timeout) {
        Conditions.await(() -> isFinished() || Conditions.blockedInClient(thread), timeout,
                () -> name + " blocks inside the client");
        assertFalse(isFinished(), () -> name + " should block but ended with " + describe());
    }

    /** Waits for the call to end with a CmapException of {@code expected}, which it returns. */
    CmapException awaitFailure(CsError expected, Duration timeout) {
        awaitEnd(timeout);
        CmapException thrown = assertInstanceOf(CmapException.class, failure,
                () -> name + " should fail with a CmapException but ended with " + describe());
        assertEquals(expected, thrown.error(), () -> name + ": " + thrown.getMessage());
        return thrown;
    }

    /** Waits for the call to end and returns what it returned, failing if it threw. */
    Object awaitResult(Duration timeout) {
        awaitEnd(timeout);
        if (failure != null) {
            throw new AssertionError(name + " failed", failure);
        }
        return result;
    }

    private void awaitEnd(Duration timeout) {
        try {
            if (!finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                StringBuilder stack = new StringBuilder();
                for (StackTraceElement frame : thread.getStackTrace()) {
                    stack.append("\n    at ").append(frame);
                }
                fail(name + " still blocked after " + timeout.toMillis() + " ms" + stack);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted waiting for " + name);
        }
    }

    private String describe() {
        return failure != null ? failure.toString() : "result " + result;
    }
}
