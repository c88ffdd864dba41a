package io.jcmap.tools;

/**
 * C's {@code exit()} from deep inside an action: unwinds to {@link Jcmapctl#run}, which closes
 * the handle and returns the status.
 */
final class Exit extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    Exit(int status) {
        super("exit " + status, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
