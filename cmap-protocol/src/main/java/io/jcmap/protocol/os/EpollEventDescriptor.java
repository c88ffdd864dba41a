package io.jcmap.protocol.os;

/**
 * {@code struct epoll_event}: uint32 events, then a 64-bit data union. The kernel packs it on
 * x86_64 (12 bytes, data at 4); on arm64 the data is aligned (16 bytes, data at 8).
 */
final class EpollEventDescriptor {
    static final int EVENTS_OFFSET = 0;
    static final int DATA_OFFSET = LinuxAbi.AARCH64 ? 8 : 4;
    static final int LENGTH = LinuxAbi.AARCH64 ? 16 : 12;

    private EpollEventDescriptor() {
    }
}
