package io.jcmap.client;

import io.jcmap.protocol.os.UnixAddress;

import java.nio.charset.StandardCharsets;
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
            if (Files.exists(fileOf(directory, service))) {
                socket = fileOf(directory, service);
                break;
            }
        }
        // the service name fits an abstract name, but here a directory comes before it
        String path = socket.toString();
        int bytes = path.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > Endpoint.MAX_PATH_BYTES) {
            throw new CmapException(CsError.NAME_TOO_LONG, "socket file " + path + " of service " + service + " is "
                    + bytes + " bytes, more than a socket address holds (" + Endpoint.MAX_PATH_BYTES + ")");
        }
        return UnixAddress.path(path);
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
