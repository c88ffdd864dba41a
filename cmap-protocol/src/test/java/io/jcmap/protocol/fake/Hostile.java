package io.jcmap.protocol.fake;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.ipc.IpcConnection;
import io.jcmap.protocol.ipc.IpcOptions;
import io.jcmap.protocol.os.Errno;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assertions shared by the hostile-server tests. */
final class Hostile {
    private Hostile() {
    }

    /** {@code call} fails with an ErrnoException of one of {@code errnos}, and nothing else escapes. */
    static ErrnoException assertErrno(Executable call, int... errnos) {
        ErrnoException e = assertThrows(ErrnoException.class, call);
        assertTrue(Arrays.stream(errnos).anyMatch(x -> x == e.errno()),
                () -> "errno " + e.errno() + " (" + e.getMessage() + "), expected one of " + Arrays.toString(errnos));
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "the error says what went wrong");
        return e;
    }

    /** {@code call} completes within {@code millis}. */
    static void assertWithin(long millis, Runnable call) {
        long start = System.nanoTime();
        call.run();
        long took = (System.nanoTime() - start) / 1_000_000;
        assertTrue(took <= millis, "took " + took + " ms, at most " + millis + " expected");
    }

    /**
     * {@code server}'s options with liveness checks a minute apart: a wait that ends sooner was
     * woken, it did not notice anything at a check.
     */
    static IpcOptions withoutLivenessChecks(FakeServer server) {
        IpcOptions options = server.options();
        return new IpcOptions(options.endpoint(), options.maxMessageSize(), options.connectTimeout(),
                options.allowedServerUids(), options.shmDirectory(), Duration.ofMinutes(1));
    }

    /**
     * Runs {@code receive} on a thread of its own, closes {@code connection} once that thread
     * waits inside {@code waitClass.waitMethod}, and asserts that the close ended the wait with
     * ENOTCONN within a few seconds: with {@link #withoutLivenessChecks} only a wake-up can.
     */
    static void assertCloseWakes(IpcConnection connection, LongSupplier receive, String waitClass, String waitMethod)
            throws InterruptedException {
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().daemon().name("waiter").start(() -> {
            try {
                outcome.set(receive.getAsLong());
            } catch (RuntimeException e) {
                outcome.set(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (Arrays.stream(waiter.getStackTrace()).noneMatch(frame -> frame.getClassName().endsWith(waitClass)
                && frame.getMethodName().equals(waitMethod))) {
            assertTrue(waiter.isAlive() && System.nanoTime() < deadline,
                    () -> "the waiter should wait in " + waitClass + "." + waitMethod + ": " + outcome.get());
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        connection.close();
        waiter.join(Duration.ofSeconds(5));
        assertFalse(waiter.isAlive(), "the waiter still waits 5 s after close(), its liveness check a minute away");
        assertTrue(outcome.get() instanceof ErrnoException e && e.errno() == Errno.ENOTCONN,
                () -> "woken with ENOTCONN: " + outcome.get());
    }
}
