package io.jcmap.protocol.os;

/** Facts about this process and others that the kernel tells by pid. */
public final class CurrentProcess {
    private static final int SIGNAL_PROBE = 0;

    private CurrentProcess() {
    }

    /** The real user id of this process. */
    public static int uid() {
        return Libc.getuid();
    }

    /** This process's id. */
    public static int pid() {
        return Libc.getpid();
    }

    /**
     * Whether a process with this id exists (signal 0 probe). A process of another user that we
     * may not signal still counts as alive.
     */
    public static boolean isAlive(int pid) {
        if (pid <= 0) {
            return false;
        }
        return Libc.kill(pid, SIGNAL_PROBE) == 0 || Libc.errno() == Errno.EPERM;
    }
}
