package io.jcmap.protocol.ipc;

import io.jcmap.protocol.os.UnixAddress;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * How to reach and trust a libqb server.
 *
 * @param endpoint the setup socket's address
 * @param maxMessageSize the message size we ask for (libcmap asks for 1 MiB)
 * @param connectTimeout bound on connecting and on the handshake
 * @param allowedServerUids uids a server may run as; empty allows any
 * @param shmDirectory the only directory below which server-named files are opened
 * @param livenessInterval how often a waiting call checks that the server still lives
 */
public record IpcOptions(UnixAddress endpoint, int maxMessageSize, Duration connectTimeout,
                         Set<Integer> allowedServerUids, Path shmDirectory, Duration livenessInterval) {

    /** The smallest size to ask for: the server's connection response must fit a message. */
    public static final int MIN_MAX_MESSAGE_SIZE = ConnectionResponseDescriptor.LENGTH;
    /** The largest size to ask for: a server may not make us allocate more for one message. */
    public static final int MAX_MAX_MESSAGE_SIZE = 64 * 1024 * 1024;

    public IpcOptions {
        allowedServerUids = Set.copyOf(allowedServerUids);
        if (maxMessageSize < MIN_MAX_MESSAGE_SIZE || maxMessageSize > MAX_MAX_MESSAGE_SIZE) {
            throw new IllegalArgumentException("max message size " + maxMessageSize + " outside "
                    + MIN_MAX_MESSAGE_SIZE + "-" + MAX_MAX_MESSAGE_SIZE);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()
                || livenessInterval.isNegative() || livenessInterval.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    /**
     * Defaults for a service name such as "cmap": its abstract socket, /dev/shm, a 5 s connect.
     * The message size is the service's to say (libcmap asks for 1 MiB).
     */
    public static IpcOptions forService(String service, int maxMessageSize, Set<Integer> allowedServerUids) {
        return new IpcOptions(UnixAddress.abstractName(service), maxMessageSize,
                Duration.ofSeconds(5), allowedServerUids, Path.of("/dev/shm"), Duration.ofMillis(100));
    }
}
