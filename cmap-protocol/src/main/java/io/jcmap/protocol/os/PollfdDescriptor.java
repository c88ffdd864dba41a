package io.jcmap.protocol.os;

/** {@code struct pollfd}: int fd, short events, short revents. */
final class PollfdDescriptor {
    static final int FD_OFFSET = 0;
    static final int EVENTS_OFFSET = 4;
    static final int REVENTS_OFFSET = 6;
    static final int LENGTH = 8;

    private PollfdDescriptor() {
    }
}
