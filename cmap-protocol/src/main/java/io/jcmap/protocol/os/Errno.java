package io.jcmap.protocol.os;

/** The Linux (x86_64 and aarch64 generic) errno values the protocol layers name. */
public final class Errno {
    /** The largest errno the kernel ABI uses; a larger number on the wire is not an errno. */
    public static final int MAX_ERRNO = 4095;
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EEXIST = 17;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int EPIPE = 32;
    public static final int ERANGE = 34;
    public static final int ENAMETOOLONG = 36;
    public static final int ELOOP = 40;
    public static final int ENOMSG = 42;
    public static final int EBADMSG = 74;
    public static final int EMSGSIZE = 90;
    public static final int ENOBUFS = 105;
    public static final int ENOTCONN = 107;
    public static final int ESHUTDOWN = 108;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    public static final int ECONNRESET = 104;
    public static final int ECANCELED = 125;

    private Errno() {
    }

    /** The C library's description of {@code errno}, e.g. "Connection refused". */
    public static String describe(int errno) {
        return Libc.strerror(errno);
    }

    /** True when a failure with this errno means the peer is gone, as libqb decides it. */
    public static boolean isDisconnect(int errno) {
        return switch (errno) {
            case EAGAIN, ETIMEDOUT, EINTR, EMSGSIZE, ENOMSG, EINVAL -> false;
            default -> true;
        };
    }
}
