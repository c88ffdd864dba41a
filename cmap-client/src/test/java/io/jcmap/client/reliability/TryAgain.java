package io.jcmap.client.reliability;

import io.jcmap.client.CmapException;
import io.jcmap.client.CsError;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Repeats a call the server or the transport refused with {@link CsError#TRY_AGAIN}, as libcmap
 * callers (corosync's own tools) do. TRY_AGAIN means the request was not sent or not executed
 * (flow control, corosync's IPC glue refusing it), so repeating it is safe. A full request
 * channel is not among them: jcmap waits for room (decision 0011).
 */
final class TryAgain {
    private static final long PAUSE_NANOS = Duration.ofMillis(1).toNanos();

    private final LongAdder retries = new LongAdder();

    long retries() {
        return retries.sum();
    }

    <T> T call(Supplier<T> call) {
        while (true) {
            try {
                return call.get();
            } catch (CmapException e) {
                if (e.error() != CsError.TRY_AGAIN) {
                    throw e;
                }
                retries.increment();
                LockSupport.parkNanos(PAUSE_NANOS);
            }
        }
    }

    void run(Runnable call) {
        call(() -> {
            call.run();
            return null;
        });
    }
}
