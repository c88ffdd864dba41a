package io.jcmap.client;

import io.jcmap.protocol.os.UnixAddress;

import java.nio.file.Files;
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

    /** The address a libqb client would connect to for {@code service}. */
    UnixAddress address(String service) {
        if (!Files.exists(forceFile)) {
            return UnixAddress.abstractName(service);
        }
        Path socket = socketDirs.getFirst().resolve(service);
        for (Path directory : socketDirs) {
            if (Files.exists(directory.resolve(service))) {
                socket = directory.resolve(service);
                break;
            }
        }
        return UnixAddress.path(socket.toString());
    }
}
