package io.jcmap.client.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.jcmap.client.CmapException;
import io.jcmap.client.CsError;
import org.junit.jupiter.api.function.Executable;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Assertions on errors and on the timing of futures. */
final class Expect {
    private Expect() {
    }

    /** Asserts that {@code call} throws a {@link CmapException} carrying {@code expected}. */
    static CmapException cmapError(CsError expected, Executable call) {
        CmapException thrown = assertThrows(CmapException.class, call);
        assertEquals(expected, thrown.error(), () -> "wrong error in: " + thrown.getMessage());
        return thrown;
    }

    /**
     * Asserts that an asynchronous call fails with {@code expected}: either at once, by throwing,
     * or through its future.
     */
    static CmapException asyncError(CsError expected, Supplier<? extends CompletableFuture<?>> call) {
        CompletableFuture<?> future;
        try {
            future = call.get();
        } catch (CmapException thrown) {
            assertEquals(expected, thrown.error(), () -> "wrong error in: " + thrown.getMessage());
            return thrown;
        }
        try {
            Object value = future.get(CorosyncScenarios.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return fail("expected " + expected + " but the future completed with " + value);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof CmapException cause)) {
                throw new AssertionError("expected a CmapException " + expected, e.getCause());
            }
            assertEquals(expected, cause.error(), () -> "wrong error in: " + cause.getMessage());
            return cause;
        } catch (TimeoutException e) {
            return fail("the future neither completed nor failed within " + CorosyncScenarios.TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The future's value, failing the test when it does not complete within the timeout. */
    static <T> T done(Future<T> future) {
        try {
            return future.get(CorosyncScenarios.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("the call failed", e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("the call did not return within " + CorosyncScenarios.TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The future's value, failing the test when it does not complete within {@code millis}. */
    static <T> T doneWithin(Future<T> future, long millis, String what) {
        try {
            return future.get(millis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError(what + ": the call failed", e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError(what + ": the call did not return within " + millis + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Asserts that the future does not complete within {@link CorosyncScenarios#STAYS_BLOCKED}. */
    static void staysPending(Future<?> future, String what) {
        try {
            Object value = future.get(CorosyncScenarios.STAYS_BLOCKED.toMillis(), TimeUnit.MILLISECONDS);
            fail(what + " should still block but returned " + value);
        } catch (TimeoutException expected) {
            // still blocked, as it should be
        } catch (ExecutionException e) {
            throw new AssertionError(what + " should still block but failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
