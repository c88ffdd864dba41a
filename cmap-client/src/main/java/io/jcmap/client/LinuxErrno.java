package io.jcmap.client;

/**
 * The Linux errno numbers (x86_64 and aarch64 share them) that libcmap's error conversion
 * names, plus the connection errors worth naming in messages.
 */
final class LinuxErrno {
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int E2BIG = 7;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int ENOMEM = 12;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int EEXIST = 17;
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    static final int ENOSPC = 28;
    static final int EPIPE = 32;
    static final int ENOSYS = 38;
    static final int ENOMSG = 42;
    static final int EBADE = 52;
    static final int ETIME = 62;
    static final int EBADMSG = 74;
    static final int EOVERFLOW = 75;
    static final int EMSGSIZE = 90;
    /** Also EOPNOTSUPP on Linux. */
    static final int ENOTSUP = 95;
    static final int ECONNRESET = 104;
    static final int ENOBUFS = 105;
    static final int ENOTCONN = 107;
    static final int ETIMEDOUT = 110;
    static final int ECONNREFUSED = 111;

    private LinuxErrno() {
    }

    /** The symbolic name of a listed errno, or null for others. */
    static String name(int errno) {
        return switch (errno) {
            case ENOENT -> "ENOENT";
            case EINTR -> "EINTR";
            case E2BIG -> "E2BIG";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST";
            case ENODEV -> "ENODEV";
            case EINVAL -> "EINVAL";
            case ENOSPC -> "ENOSPC";
            case EPIPE -> "EPIPE";
            case ENOSYS -> "ENOSYS";
            case ENOMSG -> "ENOMSG";
            case EBADE -> "EBADE";
            case ETIME -> "ETIME";
            case EBADMSG -> "EBADMSG";
            case EOVERFLOW -> "EOVERFLOW";
            case EMSGSIZE -> "EMSGSIZE";
            case ENOTSUP -> "ENOTSUP";
            case ECONNRESET -> "ECONNRESET";
            case ENOBUFS -> "ENOBUFS";
            case ENOTCONN -> "ENOTCONN";
            case ETIMEDOUT -> "ETIMEDOUT";
            case ECONNREFUSED -> "ECONNREFUSED";
            default -> null;
        };
    }
}
