package io.jcmap.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class FilesystemSocketsTest {

    private static final Path PARENT = Path.of("/run/jcmap-x");

    @Test
    void inTheHostsSocketDirectoryOnlyTheFlagIsMounted() {
        FilesystemSockets sockets = FilesystemSockets.inHostSocketDir(PARENT);

        assertEquals(Path.of("/tmp/cmap"), sockets.cmapSocket());
        assertEquals("mount --bind \"$5\" /etc/libqb && ", sockets.mountCommands(5));
        assertEquals(List.of("/run/jcmap-x/libqb"), sockets.mountArguments());
        assertEquals(List.of("/usr/bin/unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c",
                "mount --bind \"$1\" /etc/libqb && shift 1 && exec \"$@\"", "jcmap-filesystem-sockets",
                "/run/jcmap-x/libqb", "/usr/sbin/corosync-cmapctl", "-l"),
                sockets.wrap(List.of("/usr/sbin/corosync-cmapctl", "-l")));
    }

    @Test
    void anOwnSocketDirectoryIsMountedOverLibqbs() {
        FilesystemSockets sockets = FilesystemSockets.inOwnSocketDir(PARENT);

        assertEquals(Path.of("/run/jcmap-x/sockets/cmap"), sockets.cmapSocket());
        assertEquals("mount --bind \"$1\" /etc/libqb && mount --bind \"$2\" /tmp && ", sockets.mountCommands(1));
        assertEquals(List.of("/usr/bin/unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c",
                "mount --bind \"$1\" /etc/libqb && mount --bind \"$2\" /tmp && shift 2 && exec \"$@\"",
                "jcmap-filesystem-sockets", "/run/jcmap-x/libqb", "/run/jcmap-x/sockets", "prog"),
                sockets.wrap(List.of("prog")));
    }
}
