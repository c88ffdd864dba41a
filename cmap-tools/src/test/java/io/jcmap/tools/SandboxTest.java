package io.jcmap.tools;

import io.jcmap.testkit.IpcType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** {@code --sandbox} on a machine without corosync: what it says, and what it runs as root. */
class SandboxTest {
    private static final Path NO_COROSYNC = Path.of("/nonexistent/usr/sbin/corosync");
    private static final SandboxRequest LOCAL = new SandboxRequest(false, IpcType.SHM);

    @TempDir
    Path home;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final AtomicBoolean ran = new AtomicBoolean();

    private int run(Path repository) {
        Stdio io = new Stdio(new ByteArrayInputStream(new byte[0]),
                new Output(new ByteArrayOutputStream(), Output.Buffering.FULL), new Output(err, Output.Buffering.NONE),
                "jcmapctl", false, repository);
        return new Sandbox(LOCAL, io, NO_COROSYNC).run(() -> {
            ran.set(true);
            return 0;
        });
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void withoutTheProvisioningScriptSaysWhatToInstall() {
        assertEquals(1, run(null));
        assertEquals("""
                jcmapctl: --sandbox: corosync is not installed (/nonexistent/usr/sbin/corosync is missing).
                Install corosync as root:
                    sudo apt-get install corosync
                or set up everything the tests need (corosync, libcmap-dev, gcc, Docker and the test image):
                    sudo scripts/provision from the jcmap repository
                """, err());
        assertFalse(ran.get());
    }

    @Test
    void asRootRunsTheProvisioningScriptAndReportsItsFailure() throws IOException {
        Path script = provision("echo installing corosync\nexit 3\n");
        assertEquals(1, run(home));
        if (Sandbox.isRoot()) {
            assertEquals("jcmapctl: corosync is not installed (/nonexistent/usr/sbin/corosync is missing); running "
                    + script + " to install it\ninstalling corosync\njcmapctl: " + script
                    + " failed with status 3 (see its output above)\n", err());
        } else {
            assertEquals("jcmapctl: --sandbox: corosync is not installed (/nonexistent/usr/sbin/corosync is missing).\n"
                    + "Install corosync as root:\n    sudo apt-get install corosync\nor set up everything the tests "
                    + "need (corosync, libcmap-dev, gcc, Docker and the test image):\n    sudo " + script + "\n", err());
        }
        assertFalse(ran.get());
    }

    @Test
    void asRootChecksAgainAfterProvisioning() throws IOException {
        Path script = provision("exit 0\n");
        assertEquals(1, run(home));
        if (Sandbox.isRoot()) {
            assertEquals("jcmapctl: corosync is not installed (/nonexistent/usr/sbin/corosync is missing); running "
                    + script + " to install it\njcmapctl: " + script + " finished, but corosync is not installed "
                    + "(/nonexistent/usr/sbin/corosync is missing)\n", err());
        }
        assertFalse(ran.get());
    }

    private Path provision(String body) throws IOException {
        Path script = home.resolve("scripts").resolve("provision");
        Files.createDirectories(script.getParent());
        Files.writeString(script, "#!/bin/bash\n" + body);
        return script;
    }
}
