package io.jcmap.tools;

import io.jcmap.testkit.CorosyncExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bin/jcmapctl}, run as a process whose standard output is a pipe that nobody reads, against
 * corosync-cmapctl run the same way. With SIGPIPE at its default both die of it (141). Where the
 * caller ignores SIGPIPE (systemd services do), C's write fails with EPIPE and the tool ends with
 * the status it would have had; jcmapctl, whose JVM handles SIGPIPE itself, ended with 141 there
 * until the launcher told it what it inherited.
 */
@Tag("integration")
class JcmapctlClosedPipeIT {
    @RegisterExtension
    static final CorosyncExtension COROSYNC = CorosyncExtension.builder().build();

    private static final Path LAUNCHER = Path.of("..", "bin", "jcmapctl").toAbsolutePath().normalize();
    private static final int KILLED_BY_SIGPIPE = 128 + 13;
    private static final long PROCESS_SECONDS = 120;
    /** Commands that write to standard output. */
    private static final List<List<String>> PRINTING = List.of(
            List.of("-h"), List.of("-g", "totem.version"), List.of("totem."));
    /** And one that writes to standard error only, which no SIGPIPE ends. */
    private static final List<String> FAILING = List.of("-g", "jtest.no.such.key");

    @Test
    void aPipeNobodyReadsEndsBothToolsWhereSigpipeIsAtItsDefault() throws Exception {
        assertTrue(Files.isExecutable(LAUNCHER), LAUNCHER + " is missing");
        for (List<String> args : PRINTING) {
            int c = status(Tools.CMAPCTL, false, args);
            assertEquals(KILLED_BY_SIGPIPE, c, "corosync-cmapctl " + args);
            assertEquals(c, status(LAUNCHER.toString(), false, args), "jcmapctl " + args);
        }
        assertEquals(status(Tools.CMAPCTL, false, FAILING), status(LAUNCHER.toString(), false, FAILING),
                "jcmapctl " + FAILING);
    }

    @Test
    void aPipeNobodyReadsIsAFailedWriteWhereSigpipeIsIgnored() throws Exception {
        for (List<String> args : PRINTING) {
            int c = status(Tools.CMAPCTL, true, args);
            assertTrue(c != KILLED_BY_SIGPIPE, "corosync-cmapctl " + args + " was killed by SIGPIPE");
            assertEquals(c, status(LAUNCHER.toString(), true, args), "jcmapctl " + args + " with SIGPIPE ignored");
        }
        assertEquals(status(Tools.CMAPCTL, true, FAILING), status(LAUNCHER.toString(), true, FAILING),
                "jcmapctl " + FAILING + " with SIGPIPE ignored");
    }

    /** Runs {@code program} with {@code args} through bash, its standard output a pipe whose reader is gone. */
    private static int status(String program, boolean ignoreSigpipe, List<String> args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", "-c",
                (ignoreSigpipe ? "trap '' PIPE; " : "") + "exec \"$0\" \"$@\"", program));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        // the only reader: once it is closed, every write to the process's standard output meets EPIPE
        process.getInputStream().close();
        process.getOutputStream().close();
        if (!process.waitFor(PROCESS_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(program + " " + args + " did not end within " + PROCESS_SECONDS + " s");
        }
        return process.exitValue();
    }
}
