package io.jcmap.client;

import io.jcmap.protocol.os.UnixAddress;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where libqb's clients connect to a service: libqb reads {@code /etc/libqb/force-filesystem-sockets}
 * and then publishes and looks for filesystem sockets in its build's socket directory instead
 * of abstract names ({@code use_filesystem_sockets} and {@code set_sock_addr} in libqb 2.0.6).
 *
 * @param forceFile   the file whose presence means filesystem sockets
 * @param socketDirs  the candidate socket directories, in order of preference
 */
record LibqbSockets(Path forceFile, List<Path> socketDirs) {
    /** This system's: libqb's upstream socket directory first, then Debian's. */
    static final LibqbSockets SYSTEM = new LibqbSockets(Path.of("/etc/libqb/force-filesystem-sockets"),
            List.of(Path.of("/var/run"), Path.of("/tmp")));

    /**
     * The address a libqb client would connect to for {@code service}.
     *
     * @throws CmapException {@link CsError#NAME_TOO_LONG} when the socket file's path is longer
     *     than a socket address holds, {@link CsError#INVALID_PARAM} when the name cannot be a
     *     file name in this JVM's file name encoding
     */
    UnixAddress address(String service) {
        if (!Files.exists(forceFile)) {
            return UnixAddress.abstractName(service);
        }
        Path socket = fileOf(socketDirs.getFirst(), service);
        for (Path directory : socketDirs) {
            Path candidate = fileOf(directory, service);
            if (Files.exists(candidate)) {
                socket = candidate;
                break;
            }
        }
        // the service name fits an abstract name, but here a directory comes before it: the
        // socket path's own rules apply (NAME_TOO_LONG past what a socket address holds)
        return UnixAddress.path(new Endpoint.SocketPath(socket).path().toString());
    }

    private static Path fileOf(Path directory, String service) {
        try {
            return directory.resolve(service);
        } catch (InvalidPathException e) {
            throw new CmapException(CsError.INVALID_PARAM, "service name " + service
                    + " cannot be a file name in this JVM's file name encoding: " + e.getMessage());
        }
    }
}
