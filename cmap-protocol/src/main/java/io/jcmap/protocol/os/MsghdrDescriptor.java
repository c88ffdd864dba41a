package io.jcmap.protocol.os;

/**
 * {@code struct msghdr}, {@code struct iovec}, {@code struct cmsghdr}, {@code struct ucred} and
 * {@code struct mmsghdr} on LP64 Linux: for receiving the server's credentials with a message, and
 * for sending a run of datagrams with one {@code sendmmsg}.
 */
final class MsghdrDescriptor {
    static final int NAME_OFFSET = 0;
    static final int NAMELEN_OFFSET = 8;
    static final int IOV_OFFSET = 16;
    static final int IOVLEN_OFFSET = 24;
    static final int CONTROL_OFFSET = 32;
    static final int CONTROLLEN_OFFSET = 40;
    static final int FLAGS_OFFSET = 48;
    static final int LENGTH = 56;

    static final int IOV_BASE_OFFSET = 0;
    static final int IOV_LEN_OFFSET = 8;
    static final int IOV_LENGTH = 16;

    /** cmsghdr: size_t len, int level, int type, then the data 8-aligned. */
    static final int CMSG_LEN_OFFSET = 0;
    static final int CMSG_LEVEL_OFFSET = 8;
    static final int CMSG_TYPE_OFFSET = 12;
    static final int CMSG_DATA_OFFSET = 16;

    /** ucred: pid, uid, gid, each 32 bits. */
    static final int UCRED_PID_OFFSET = 0;
    static final int UCRED_UID_OFFSET = 4;
    static final int UCRED_GID_OFFSET = 8;
    static final int UCRED_LENGTH = 12;

    /** mmsghdr: a msghdr, then the unsigned int the kernel sets to the bytes sent, padded to 8. */
    static final int MMSG_HDR_OFFSET = 0;
    static final int MMSG_LEN_OFFSET = LENGTH;
    static final int MMSG_LENGTH = 64;

    /** CMSG_SPACE(sizeof(struct ucred)): header plus data rounded up to 8. */
    static final int CREDENTIALS_CONTROL_LENGTH = CMSG_DATA_OFFSET + 16;

    private MsghdrDescriptor() {
    }
}
