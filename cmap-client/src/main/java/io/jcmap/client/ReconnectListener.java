package io.jcmap.client;

import java.time.Duration;

/**
 * Observes a handle's automatic reconnection ({@link ReconnectPolicy}). Every method has an
 * empty default, so an implementation overrides only what it needs. Methods run on a reconnect
 * thread of the handle ({@code jcmap-reconnect-N}), never once the handle is closed. They may
 * call the handle: re-reading the keys whose changes the outage hid is what
 * {@link #onReconnected} is for. While one runs, its round of reconnection waits for it, so it
 * should not block for long; should its own calls find the new connection lost again, the next
 * round starts on a new thread at once. In {@link #onDisconnected} and {@link #onReconnectFailed}
 * the connection is lost: calls fail at once with LIBRARY, and a dispatch that waits
 * ({@link DispatchType#ONE}, {@link DispatchType#BLOCKING}) delivers what the lost connection
 * had received, then fails with TRY_AGAIN instead of waiting for the new connection, which only
 * this thread makes. What a method throws, an {@link Error} too (a
 * {@link StackOverflowError} included, any other {@link VirtualMachineError} excepted), is
 * logged, and the reconnection goes on.
 */
public interface ReconnectListener {
    /** A listener that ignores every event. */
    ReconnectListener NONE = new ReconnectListener() {
    };

    /**
     * The connection to the server was lost; reconnection starts.
     *
     * @param cause why the connection was considered lost
     */
    default void onDisconnected(CmapException cause) {
    }

    /**
     * A reconnection attempt failed; the next one follows after {@code nextDelay}.
     *
     * @param attempt   the number of the failed attempt, starting at 1
     * @param cause     why it failed
     * @param nextDelay the wait before the next attempt
     */
    default void onReconnectFailed(int attempt, CmapException cause, Duration nextDelay) {
    }

    /**
     * The handle is connected again.
     *
     * @param attempts how many attempts it took, at least 1
     */
    default void onReconnected(int attempts) {
    }
}
