package io.jcmap.client;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Where the CMAP server listens for new connections: libqb's setup socket.
 *
 * <p>corosync on Linux listens on the abstract Unix socket named after the service,
 * {@code "cmap"}; libqb builds configured for filesystem sockets listen on a path instead.
 */
public sealed interface Endpoint {
    /**
     * The longest abstract name: {@code sun_path} holds 108 bytes, one is the leading NUL that
     * marks the abstract namespace, and libqb's {@code snprintf} keeps one for its terminator.
     */
    int MAX_ABSTRACT_NAME_BYTES = 106;
    /** The longest filesystem path: 108 bytes of {@code sun_path} less the terminating NUL. */
    int MAX_PATH_BYTES = 107;

    /**
     * {@return corosync's CMAP endpoint, found as libcmap finds it: see {@link LibqbService}}
     */
    static Endpoint defaultEndpoint() {
        return new LibqbService("cmap");
    }

    /**
     * An abstract socket name, such as libqb's {@code "cmap"}.
     *
     * @param name the name without the leading NUL; 1 to 106 UTF-8 bytes, no NUL
     * @return the endpoint
     * @throws CmapException {@link CsError#INVALID_PARAM} for null, empty or NUL-containing
     *                       names, {@link CsError#NAME_TOO_LONG} for names over 106 bytes
     */
    static Endpoint abstractName(String name) {
        return new AbstractName(name);
    }

    /**
     * A filesystem socket path.
     *
     * @param path the socket file; at most 107 UTF-8 bytes, no NUL
     * @return the endpoint
     * @throws CmapException {@link CsError#INVALID_PARAM} for null or empty paths,
     *                       {@link CsError#NAME_TOO_LONG} for paths over 107 bytes
     */
    static Endpoint path(Path path) {
        return new SocketPath(path);
    }

    /**
     * An abstract-namespace socket.
     *
     * @param name the name without the leading NUL
     */
    record AbstractName(String name) implements Endpoint {
        /**
         * Checks the name.
         *
         * @throws CmapException see {@link Endpoint#abstractName(String)}
         */
        public AbstractName {
            checkName("abstract socket name", name, MAX_ABSTRACT_NAME_BYTES);
        }
    }

    /**
     * A filesystem socket.
     *
     * @param path the socket file
     */
    record SocketPath(Path path) implements Endpoint {
        /**
         * Checks the path.
         *
         * @throws CmapException see {@link Endpoint#path(Path)}
         */
        public SocketPath {
            checkName("socket path", path == null ? null : path.toString(), MAX_PATH_BYTES);
        }
    }

    /**
     * A libqb service, found where libqb's own clients look for it when connecting: its
     * abstract name, or, where {@code /etc/libqb/force-filesystem-sockets} exists, the socket
     * file of that name in libqb's socket directory. That directory is fixed when libqb is built
     * ({@code /var/run} upstream, {@code /tmp} in Debian's packages), so the first of
     * {@code /var/run/NAME} and {@code /tmp/NAME} that exists is taken, and {@code /var/run/NAME}
     * if neither does. Looked up at every connect, as the server may come and go.
     *
     * @param name the service name, as an abstract name
     */
    record LibqbService(String name) implements Endpoint {
        /**
         * Checks the name.
         *
         * @throws CmapException see {@link Endpoint#abstractName(String)}
         */
        public LibqbService {
            checkName("service name", name, MAX_ABSTRACT_NAME_BYTES);
        }
    }

    private static void checkName(String what, String name, int maxBytes) {
        if (name == null || name.isEmpty()) {
            throw new CmapException(CsError.INVALID_PARAM, what + " is " + (name == null ? "null" : "empty"));
        }
        if (name.indexOf('\0') >= 0) {
            throw new CmapException(CsError.INVALID_PARAM, what + " has a NUL character at index " + name.indexOf('\0'));
        }
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(name)) {
            // getBytes would put a '?' in its place and connect elsewhere
            throw new CmapException(CsError.INVALID_PARAM, what + " has an unpaired surrogate: no UTF-8 form");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxBytes) {
            throw new CmapException(CsError.NAME_TOO_LONG,
                    what + " of " + bytes + " bytes exceeds " + maxBytes + ": " + name);
        }
    }
}
