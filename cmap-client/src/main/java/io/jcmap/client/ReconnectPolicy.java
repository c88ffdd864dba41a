package io.jcmap.client;

import java.time.Duration;

/**
 * How a handle reconnects after losing the server: attempts are spaced by a backoff that starts
 * at {@code initialBackoff} and doubles up to {@code maxBackoff}. Reconnection is off unless
 * {@link CmapOptions.Builder#reconnect(ReconnectPolicy)} sets a policy.
 *
 * @param initialBackoff the wait before the first attempt; positive
 * @param maxBackoff     the longest wait between attempts; at least {@code initialBackoff}, at
 *                       most {@link CmapOptions#LONGEST_WAIT}
 * @param listener       told about disconnection and reconnection; not null
 */
public record ReconnectPolicy(Duration initialBackoff, Duration maxBackoff, ReconnectListener listener) {
    /** The first wait of {@link #defaults()}. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);
    /** The longest wait of {@link #defaults()}. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);

    /**
     * Checks the fields.
     *
     * @throws CmapException {@link CsError#INVALID_PARAM} for null fields, a non-positive
     *                       initial backoff, a maximum below the initial backoff, or one longer
     *                       than {@link CmapOptions#LONGEST_WAIT}
     */
    public ReconnectPolicy {
        if (initialBackoff == null || maxBackoff == null || listener == null) {
            throw new CmapException(CsError.INVALID_PARAM, "reconnect policy needs backoffs and a listener");
        }
        if (initialBackoff.isNegative() || initialBackoff.isZero()) {
            throw new CmapException(CsError.INVALID_PARAM, "initial backoff " + initialBackoff + " is not positive");
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new CmapException(CsError.INVALID_PARAM,
                    "max backoff " + maxBackoff + " is below initial backoff " + initialBackoff);
        }
        CmapOptions.notLongerThanTheLongestWait("max backoff", maxBackoff);
    }

    /** {@return a policy of 100 ms doubling up to 5 s, without listener} */
    public static ReconnectPolicy defaults() {
        return new ReconnectPolicy(DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF, ReconnectListener.NONE);
    }

    /**
     * A policy without listener.
     *
     * @param initialBackoff the wait before the first attempt
     * @param maxBackoff     the longest wait between attempts
     * @return the policy
     * @throws CmapException {@link CsError#INVALID_PARAM} as the constructor
     */
    public static ReconnectPolicy of(Duration initialBackoff, Duration maxBackoff) {
        return new ReconnectPolicy(initialBackoff, maxBackoff, ReconnectListener.NONE);
    }

    /**
     * This policy with another listener.
     *
     * @param newListener the listener; not null
     * @return the new policy
     * @throws CmapException {@link CsError#INVALID_PARAM} for null
     */
    public ReconnectPolicy withListener(ReconnectListener newListener) {
        return new ReconnectPolicy(initialBackoff, maxBackoff, newListener);
    }
}
