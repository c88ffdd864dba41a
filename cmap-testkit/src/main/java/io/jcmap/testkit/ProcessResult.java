package io.jcmap.testkit;

/**
 * What a finished (or abandoned) helper process printed and how it ended.
 *
 * @param exitCode the exit status; meaningless when {@code timedOut} is true (the process was killed)
 * @param stdout   everything written to standard output
 * @param stderr   everything written to standard error
 * @param timedOut true when the process did not finish within its timeout and was killed
 */
public record ProcessResult(int exitCode, String stdout, String stderr, boolean timedOut) {

    /**
     * Tells whether the process finished on its own with status 0.
     *
     * @return true for a successful run
     */
    public boolean succeeded() {
        return !timedOut && exitCode == 0;
    }

    @Override
    public String toString() {
        return "ProcessResult[exitCode=" + exitCode + ", timedOut=" + timedOut
                + ", stdout=" + stdout.strip() + ", stderr=" + stderr.strip() + "]";
    }
}
