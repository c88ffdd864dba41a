package io.jcmap.protocol.os;

/** {@code struct timeval} (SO_RCVTIMEO): 64-bit seconds and microseconds. */
final class TimevalDescriptor {
    static final int SECONDS_OFFSET = 0;
    static final int MICROS_OFFSET = 8;
    static final int LENGTH = 16;

    private TimevalDescriptor() {
    }
}
