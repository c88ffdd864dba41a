package io.jcmap.protocol;

/**
 * A failure of the IPC layer, described like libqb describes it: by a Linux errno value.
 *
 * <p>The OS layer raises it for failed system calls; the IPC layer raises it for protocol
 * failures too (a malformed ring is {@code EBADMSG}, a vanished server {@code ENOTCONN}), so
 * that the client can map every failure to a cs_error_t exactly as libcmap's
 * {@code qb_to_cs_error} does.
 */
public class ErrnoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    public ErrnoException(int errno, String message) {
        super(message);
        this.errno = errno;
    }

    public ErrnoException(int errno, String message, Throwable cause) {
        super(message, cause);
        this.errno = errno;
    }

    /** The positive Linux errno value. */
    public int errno() {
        return errno;
    }
}
