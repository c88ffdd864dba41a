package io.jcmap.client.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.testkit.Backend;
import io.jcmap.testkit.Corosync;
import io.jcmap.testkit.CorosyncExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    private static final long PROBE_TIMEOUT_SECONDS = 60;
    /** The probe's exit status when its connect failed. */
    private static final int CONNECT_FAILED = 2;

    @RegisterExtension
    static final CorosyncExtension COROSYNC = CorosyncExtension.builder().backend(Backend.LOCAL)
            .filesystemSockets(true).build();

    private record Probe(int exit, String output) {
    }

    @Test
    void aProgramWithoutAnEndpointFindsTheSocketFileWhereLibqbPutsIt(Corosync corosync) throws Exception {
        assertEquals(Path.of("/tmp/cmap"), corosync.cmapSocket().orElseThrow());
        Probe probe = run(corosync.clientCommand(probeCommand()));
        assertEquals(new Probe(0, corosync.clusterName()), probe);
    }

    @Test
    void withoutTheFlagFileTheDefaultEndpointIsTheAbstractName(Corosync corosync) throws Exception {
        Probe probe = run(probeCommand());
        assertEquals(CONNECT_FAILED, probe.exit(), probe.output());
        assertTrue(probe.output().startsWith("LIBRARY: "), probe.output());
        assertTrue(probe.output().contains("ECONNREFUSED"), probe.output());
    }

    private static List<String> probeCommand() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(DefaultEndpointProbe.class.getName());
        return command;
    }

    private static Probe run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the probe did not end within " + PROBE_TIMEOUT_SECONDS + " s");
        }
        return new Probe(process.exitValue(), new String(output, StandardCharsets.UTF_8).strip());
    }
}
