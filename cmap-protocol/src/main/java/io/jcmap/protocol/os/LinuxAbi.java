package io.jcmap.protocol.os;

/**
 * Constant values of the Linux ABI used by this package. Most are the same on every Linux
 * architecture; the few open(2) flags that differ on arm64 are chosen from {@code os.arch}.
 */
final class LinuxAbi {
    static final boolean AARCH64 = "aarch64".equals(System.getProperty("os.arch"));

    static final int AF_UNIX = 1;
    static final int SOCK_STREAM = 1;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;

    static final int SOL_SOCKET = 1;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_PASSCRED = 16;
    /** SO_RCVTIMEO_OLD: a {@code struct timeval} of 64-bit fields on x86_64. */
    static final int SO_RCVTIMEO = 20;
    static final int SO_PEERCRED = 17;
    static final int SCM_CREDENTIALS = 2;

    static final int MSG_TRUNC = 0x20;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_NOSIGNAL = 0x4000;
    static final int MSG_CTRUNC = 0x8;

    static final int SHUT_WR = 1;
    static final int SHUT_RDWR = 2;

    static final short POLLIN = 0x1;
    static final short POLLOUT = 0x4;
    static final short POLLERR = 0x8;
    static final short POLLHUP = 0x10;
    static final short POLLNVAL = 0x20;

    static final int EPOLL_CLOEXEC = 0x80000;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_DEL = 2;
    /** Reported once, then the descriptor stays registered but silent until modified or removed. */
    static final int EPOLLONESHOT = 1 << 30;

    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;
    static final int O_DIRECTORY = AARCH64 ? 0x4000 : 0x10000;
    static final int O_NOFOLLOW = AARCH64 ? 0x8000 : 0x20000;
    /** Opens a name only to look at it (fstat); the same on x86_64 and arm64. */
    static final int O_PATH = 0x200000;
    static final int O_CLOEXEC = 0x80000;
    static final int AT_FDCWD = -100;
    /** unlinkat: remove a directory (which must be empty). */
    static final int AT_REMOVEDIR = 0x200;

    static final int PROT_READ = 0x1;
    static final int PROT_WRITE = 0x2;
    static final int MAP_SHARED = 0x1;
    static final int MAP_PRIVATE = 0x2;
    static final int MAP_ANONYMOUS = 0x20;

    static final int S_IFMT = 0xF000;
    static final int S_IFREG = 0x8000;
    static final int S_IFDIR = 0x4000;

    static final int CLOCK_MONOTONIC = 1;

    private LinuxAbi() {
    }
}
