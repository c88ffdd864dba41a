package io.jcmap.protocol.os;

/** {@code struct sockaddr_un}: a 2-byte family followed by a 108-byte path. */
final class SockaddrUnDescriptor {
    static final int FAMILY_OFFSET = 0;
    static final int PATH_OFFSET = 2;
    static final int PATH_LENGTH = 108;
    static final int LENGTH = PATH_OFFSET + PATH_LENGTH;

    private SockaddrUnDescriptor() {
    }
}
