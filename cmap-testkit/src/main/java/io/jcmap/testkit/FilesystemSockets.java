package io.jcmap.testkit;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * libqb forced to filesystem sockets for one test corosync, as on a host that has
 * {@code /etc/libqb/force-filesystem-sockets}, without creating that file on the host (it would
 * switch every libqb program there). corosync, and corosync-cmapctl run for it, start in a private
 * mount namespace where a directory holding the file is bind-mounted over {@code /etc/libqb}.
 * libqb then serves CMAP on the socket file {@code cmap} in its socket directory: {@code /tmp}
 * in Debian's packages. A local corosync uses the host's {@code /tmp}, as on such a host; a
 * container gets a host directory of its own mounted there, which corosync-cmapctl then gets too.
 *
 * <p>A bind mount needs its mount point, so {@code /etc/libqb} is created on the host, empty, when
 * it is missing; libqb only looks for the file in it.
 *
 * @param flagDir   the directory mounted over {@code /etc/libqb}, holding the flag file
 * @param socketDir where libqb's socket directory is on the host: {@link #LIBQB_SOCKET_DIR} itself,
 *                  or a directory mounted over it
 */
record FilesystemSockets(Path flagDir, Path socketDir) {

    /** Where libqb looks for its flag file. */
    static final Path LIBQB_CONFIG_DIR = Path.of("/etc/libqb");
    /** The flag file's name. */
    static final String FLAG_FILE = "force-filesystem-sockets";
    /** libqb's socket directory in Debian's packages (upstream builds use {@code /var/run}). */
    static final Path LIBQB_SOCKET_DIR = Path.of("/tmp");
    /** The socket file corosync's CMAP service listens on. */
    static final String CMAP = "cmap";

    /** The flag in {@code parent/libqb}, the socket in the host's own socket directory. */
    static FilesystemSockets inHostSocketDir(Path parent) {
        return new FilesystemSockets(parent.resolve("libqb"), LIBQB_SOCKET_DIR);
    }

    /** The flag in {@code parent/libqb}, the socket in {@code parent/sockets}. */
    static FilesystemSockets inOwnSocketDir(Path parent) {
        return new FilesystemSockets(parent.resolve("libqb"), parent.resolve("sockets"));
    }

    /** Makes the directories, the flag file and the mount point; again after a restart is fine. */
    void prepare() {
        try {
            Files.createDirectories(LIBQB_CONFIG_DIR);
            Files.createDirectories(flagDir);
            Files.writeString(flagDir.resolve(FLAG_FILE), "");
            Files.createDirectories(socketDir);
        } catch (IOException e) {
            throw new CorosyncTestkitException("cannot prepare filesystem sockets in " + flagDir.getParent() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Where corosync's CMAP socket appears on the host. */
    Path cmapSocket() {
        return socketDir.resolve(CMAP);
    }

    /** Whether libqb's socket directory needs a mount of its own. */
    private boolean ownSocketDir() {
        return !socketDir.equals(LIBQB_SOCKET_DIR);
    }

    /**
     * Shell commands that make the mounts, ending in {@code &&}; the directories are the
     * positional parameters from {@code first} on, as {@link #mountArguments()} gives them.
     */
    String mountCommands(int first) {
        String commands = "mount --bind \"$" + first + "\" " + LIBQB_CONFIG_DIR + " && ";
        if (ownSocketDir()) {
            commands += "mount --bind \"$" + (first + 1) + "\" " + LIBQB_SOCKET_DIR + " && ";
        }
        return commands;
    }

    /** The values of the parameters {@link #mountCommands(int)} refers to, in order. */
    List<String> mountArguments() {
        return ownSocketDir() ? List.of(flagDir.toString(), socketDir.toString()) : List.of(flagDir.toString());
    }

    /** {@code command}, run in a private mount namespace with the mounts made. */
    List<String> wrap(List<String> command) {
        List<String> arguments = new ArrayList<>(mountArguments());
        String script = mountCommands(1) + "shift " + arguments.size() + " && exec \"$@\"";
        arguments.addAll(command);
        return PrivateMounts.shell(script, "jcmap-filesystem-sockets", arguments);
    }

    /**
     * Fails when a server already listens on the socket: a corosync with filesystem sockets in
     * another network namespace, which the instance lock does not see. A file nobody listens on is
     * left from a killed corosync, and libqb replaces it.
     */
    void requireFree() {
        if (listening()) {
            throw new CorosyncTestkitException("another server already listens on " + cmapSocket() + ": a corosync "
                    + "forced to filesystem sockets runs outside this testkit (only one can use that file); stop it");
        }
    }

    /** Fails unless corosync, now ready, listens where expected: its libqb may use another directory. */
    void requireCmapSocket() {
        if (!Files.exists(cmapSocket())) {
            throw new CorosyncTestkitException("corosync was forced to filesystem sockets but " + cmapSocket()
                    + " is missing: its libqb's socket directory is not " + LIBQB_SOCKET_DIR + " (Debian's)");
        }
    }

    /** Deletes the socket file if nobody listens on it (left by a corosync that was killed). */
    void removeIfStale() {
        if (!listening()) {
            try {
                Files.deleteIfExists(cmapSocket());
            } catch (IOException e) {
                throw new CorosyncTestkitException("cannot delete " + cmapSocket() + ": " + e.getMessage(), e);
            }
        }
    }

    private boolean listening() {
        if (!Files.exists(cmapSocket())) {
            return false;
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return probe.connect(UnixDomainSocketAddress.of(cmapSocket()));
        } catch (IOException e) {
            return false;
        }
    }
}
