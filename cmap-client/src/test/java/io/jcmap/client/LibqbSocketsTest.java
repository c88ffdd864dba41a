package io.jcmap.client;

import static io.jcmap.client.CmapAssertions.assertCmapError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jcmap.protocol.os.UnixAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The default endpoint follows libqb's choice between abstract names and socket files. */
class LibqbSocketsTest {
    @TempDir
    Path root;

    private LibqbSockets sockets() throws IOException {
        return new LibqbSockets(root.resolve("force-filesystem-sockets"),
                List.of(Files.createDirectories(root.resolve("var-run")), Files.createDirectories(root.resolve("tmp"))));
    }

    @Test
    void withoutTheForceFileTheServiceIsItsAbstractName() throws IOException {
        LibqbSockets sockets = sockets();
        Files.createFile(root.resolve("tmp/cmap")); // a socket file alone changes nothing
        assertEquals(UnixAddress.abstractName("cmap"), sockets.address("cmap"));
    }

    @Test
    void withTheForceFileTheFirstDirectoryHoldingTheSocketWins() throws IOException {
        LibqbSockets sockets = sockets();
        Files.createFile(sockets.forceFile());
        assertEquals(UnixAddress.path(root.resolve("var-run/cmap").toString()), sockets.address("cmap"),
                "none there yet: libqb's upstream directory");
        Files.createFile(root.resolve("tmp/cmap"));
        assertEquals(UnixAddress.path(root.resolve("tmp/cmap").toString()), sockets.address("cmap"));
        Files.createFile(root.resolve("var-run/cmap"));
        assertEquals(UnixAddress.path(root.resolve("var-run/cmap").toString()), sockets.address("cmap"));
    }

    /** A service name fits an abstract name (106 bytes); with a directory before it, it may not fit a socket path. */
    @Test
    void aSocketFileLongerThanASocketAddressHoldsIsNameTooLong() throws IOException {
        LibqbSockets sockets = sockets();
        String longName = "s".repeat(106);
        assertEquals(UnixAddress.abstractName(longName), sockets.address(longName));
        Files.createFile(sockets.forceFile());
        assertCmapError(CsError.NAME_TOO_LONG, () -> sockets.address(longName));
    }

    @Test
    void aServiceNameThatCannotBeAFileNameIsInvalidParam() throws IOException {
        LibqbSockets sockets = sockets();
        Files.createFile(sockets.forceFile());
        assertCmapError(CsError.INVALID_PARAM, () -> sockets.address("\uD800"));
    }
}
