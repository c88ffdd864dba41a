package io.jcmap.protocol.os;

/**
 * The fields of {@code struct stat} we read. x86_64 keeps a 64-bit st_nlink before st_mode;
 * the generic layout of arm64 has a 32-bit st_nlink after it.
 */
final class StatDescriptor {
    static final int DEVICE_OFFSET = 0;
    static final int INODE_OFFSET = 8;
    static final int MODE_OFFSET = LinuxAbi.AARCH64 ? 16 : 24;
    static final int UID_OFFSET = LinuxAbi.AARCH64 ? 24 : 28;
    static final int SIZE_OFFSET = 48;
    static final int LENGTH = 144;

    private StatDescriptor() {
    }
}
