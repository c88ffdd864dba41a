package io.jcmap.testkit;

import java.io.Serial;

/**
 * Carries the corosync log into a failed test's report as a suppressed exception. It has no stack
 * trace of its own: only the message (the log) matters.
 */
final class CorosyncLogAttachment extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    CorosyncLogAttachment(String log) {
        super(log, null, false, false);
    }
}
