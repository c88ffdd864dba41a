package io.jcmap.tools;

/** The exit statuses corosync-cmapctl uses: C's EXIT_SUCCESS and EXIT_FAILURE. */
final class ExitCode {
    static final int SUCCESS = 0;
    static final int FAILURE = 1;

    private ExitCode() {
    }
}
