package io.jcmap.protocol.fake;

import io.jcmap.protocol.ErrnoException;
import org.junit.jupiter.api.function.Executable;

import java.util.Arrays;

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
}
