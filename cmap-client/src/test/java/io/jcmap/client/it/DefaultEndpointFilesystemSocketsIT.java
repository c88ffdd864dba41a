package io.jcmap.client.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.testkit.Backend;
import io.jcmap.testkit.Corosync;
import io.jcmap.testkit.CorosyncExtension;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The default endpoint where libqb is forced to filesystem sockets: a program with no endpoint
 * configured finds the socket file where libcmap would ({@code /tmp/cmap} with Debian's libqb),
 * because it sees {@code /etc/libqb/force-filesystem-sockets}; without that file it looks for the
 * abstract name, which this corosync does not serve. Each probe is a JVM of its own, started as
 * {@link Corosync#clientCommand(List)} says. The local backend: its corosync uses the host's
 * socket directory, as on such a host.
 */
@Tag("integration")
class DefaultEndpointFilesystemSocketsIT {
    /** The probe's exit status when its connect failed. */
    private static final int CONNECT_FAILED = 2;

    @RegisterExtension
    static final CorosyncExtension COROSYNC = CorosyncExtension.builder().backend(Backend.LOCAL)
            .filesystemSockets(true).build();

    @Test
    void aProgramWithoutAnEndpointFindsTheSocketFileWhereLibqbPutsIt(Corosync corosync) throws Exception {
        assertEquals(Path.of("/tmp/cmap"), corosync.cmapSocket().orElseThrow());
        ChildJvm.Result probe = ChildJvm.run(corosync.clientCommand(probeCommand()));
        assertEquals(0, probe.exit(), probe.output());
        assertEquals(corosync.clusterName(), probe.output().strip());
    }

    @Test
    void withoutTheFlagFileTheDefaultEndpointIsTheAbstractName(Corosync corosync) throws Exception {
        ChildJvm.Result probe = ChildJvm.run(probeCommand());
        assertEquals(CONNECT_FAILED, probe.exit(), probe.output());
        assertTrue(probe.output().strip().startsWith("LIBRARY: "), probe.output());
        assertTrue(probe.output().contains("ECONNREFUSED"), probe.output());
    }

    private static List<String> probeCommand() {
        return ChildJvm.java(List.of("--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                DefaultEndpointProbe.class.getName()));
    }
}
