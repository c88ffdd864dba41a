package io.jcmap.tools;

import io.jcmap.testkit.Corosync;
import io.jcmap.testkit.CorosyncExtension;
import io.jcmap.testkit.ProcessResult;
import io.jcmap.tools.Tools.Run;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.jcmap.tools.Tools.j;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * jcmapctl's {@code --socket} against a corosync whose libqb is forced to filesystem sockets:
 * the same output as corosync-cmapctl run where libqb is forced to them too.
 */
@Tag("integration")
class JcmapctlFilesystemSocketsIT {
    @RegisterExtension
    static final CorosyncExtension COROSYNC = CorosyncExtension.builder().filesystemSockets(true).build();

    private static final String KEY = "jtest.fs.key";

    @Test
    void socketReachesTheSocketFileAsCorosyncCmapctlDoes(Corosync corosync) {
        String socket = corosync.cmapSocket().orElseThrow().toString();

        assertEquals(new Run(0, "", "").toString(), j("--socket", socket, "-s", KEY, "u16", "7").toString());
        assertEquals(run(corosync, "-g", KEY).toString(), j("--socket", socket, "-g", KEY).toString());
        assertEquals(run(corosync, "totem.").toString(), j("--socket", socket, "totem.").toString());
        assertEquals(new Run(0, "", "").toString(), j("--socket", socket, "-d", KEY).toString());
        assertEquals(1, run(corosync, "-g", KEY).exit(), "deleted through the socket file");
    }

    private static Run run(Corosync corosync, String... args) {
        ProcessResult result = corosync.cmapctl(args);
        return new Run(result.exitCode(), result.stdout(), result.stderr());
    }
}
