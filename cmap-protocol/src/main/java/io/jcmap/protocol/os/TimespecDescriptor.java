package io.jcmap.protocol.os;

/** {@code struct timespec}: 64-bit seconds and nanoseconds. */
final class TimespecDescriptor {
    static final int SECONDS_OFFSET = 0;
    static final int NANOS_OFFSET = 8;
    static final int LENGTH = 16;

    private TimespecDescriptor() {
    }
}
