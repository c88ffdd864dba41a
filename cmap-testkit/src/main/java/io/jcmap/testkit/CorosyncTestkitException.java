package io.jcmap.testkit;

import java.io.Serial;

/**
 * A corosync instance could not be started, controlled or stopped. The message says why and, where
 * it helps, carries the captured corosync log.
 */
public class CorosyncTestkitException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and what to do about it
     */
    public CorosyncTestkitException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong and what to do about it
     * @param cause   the underlying failure
     */
    public CorosyncTestkitException(String message, Throwable cause) {
        super(message, cause);
    }
}
