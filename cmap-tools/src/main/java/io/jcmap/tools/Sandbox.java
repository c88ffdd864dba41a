package io.jcmap.tools;

import io.jcmap.testkit.Backend;
import io.jcmap.testkit.Corosync;
import io.jcmap.testkit.CorosyncConfig;
import io.jcmap.testkit.CorosyncContainer;
import io.jcmap.testkit.LocalCorosync;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * {@code --sandbox}: a private corosync from the testkit for the length of one command.
 *
 * <p>Before starting it, checks what it needs (corosync and root for the local backend; Docker
 * and the test image for {@code --container}). When something is missing, root runs the
 * repository's {@code scripts/provision}; anyone else gets the exact commands to run.
 */
final class Sandbox {
    private static final String PREFIX = "jcmapctl: ";
    private static final Path PROVISION = Path.of("scripts", "provision");
    private static final Path DOCKER = Path.of("/usr/bin/docker");
    private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(10);
    private static final long DOCKER_CHECK_SECONDS = 30;
    /** How the testkit's message starts when some corosync already serves CMAP here. */
    private static final String FOREIGN_OWNER = "Another corosync already owns";

    private final SandboxRequest request;
    private final Stdio io;
    private final Path corosyncBinary;

    Sandbox(SandboxRequest request, Stdio io) {
        this(request, io, LocalCorosync.COROSYNC);
    }

    /** A sandbox that expects corosync at {@code corosyncBinary} (tests: a machine without it). */
    Sandbox(SandboxRequest request, Stdio io, Path corosyncBinary) {
        this.request = request;
        this.io = io;
        this.corosyncBinary = corosyncBinary;
    }

    /**
     * Starts corosync, runs {@code command} against it, stops it.
     *
     * @param command the command; returns its exit status
     * @return the command's exit status, or 1 when the sandbox could not be had
     */
    int run(IntSupplier command) {
        String missing = missingPrerequisite();
        if (missing != null && !provision(missing)) {
            return ExitCode.FAILURE;
        }
        if (!request.container() && !isRoot()) {
            io.err().print(PREFIX + "--sandbox starts corosync, which must run as root: run jcmapctl as root, or use "
                    + "--sandbox --container (Docker)\n");
            return ExitCode.FAILURE;
        }
        CorosyncConfig config = CorosyncConfig.builder().ipcType(request.ipcType()).lockTimeout(LOCK_TIMEOUT).build();
        Corosync corosync;
        try {
            corosync = Corosync.start(config, request.container() ? Backend.CONTAINER : Backend.LOCAL);
        } catch (RuntimeException e) {
            io.err().print(PREFIX + "cannot start the sandbox corosync: " + e.getMessage() + "\n");
            if (String.valueOf(e.getMessage()).startsWith(FOREIGN_OWNER)) {
                io.err().print(PREFIX + "to use that corosync instead, run the command without --sandbox\n");
            }
            return ExitCode.FAILURE;
        }
        try (corosync) {
            return command.getAsInt();
        }
    }

    /** What is missing, as a sentence, or null. */
    private String missingPrerequisite() {
        if (!request.container()) {
            return Files.isExecutable(corosyncBinary) ? null
                    : "corosync is not installed (" + corosyncBinary + " is missing)";
        }
        if (!Files.isExecutable(DOCKER)) {
            return "Docker is not installed (" + DOCKER + " is missing)";
        }
        return imageAvailable() ? null : "Docker does not answer or has no image " + CorosyncContainer.DEFAULT_IMAGE_NAME;
    }

    private static boolean imageAvailable() {
        try {
            Process inspect = new ProcessBuilder(DOCKER.toString(), "image", "inspect",
                    CorosyncContainer.DEFAULT_IMAGE_NAME)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!inspect.waitFor(DOCKER_CHECK_SECONDS, TimeUnit.SECONDS)) {
                inspect.destroyForcibly();
                return false;
            }
            return inspect.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs scripts/provision as root; otherwise says what to run. True when the machine is ready now. */
    private boolean provision(String missing) {
        Path script = io.home() == null ? null : io.home().resolve(PROVISION);
        boolean haveScript = script != null && Files.isRegularFile(script);
        if (!isRoot() || !haveScript) {
            io.err().print(PREFIX + "--sandbox" + (request.container() ? " --container" : "") + ": " + missing + ".\n"
                    + instructions(haveScript ? script : null));
            return false;
        }
        io.err().print(PREFIX + missing + "; running " + script + " to install it\n");
        int status = runProvision(script);
        if (status != 0) {
            io.err().print(PREFIX + script + " failed with status " + status + " (see its output above)\n");
            return false;
        }
        String stillMissing = missingPrerequisite();
        if (stillMissing != null) {
            io.err().print(PREFIX + script + " finished, but " + stillMissing + "\n");
            return false;
        }
        return true;
    }

    private String instructions(Path script) {
        String provision = script == null ? "scripts/provision from the jcmap repository" : script.toString();
        if (request.container()) {
            return "Install Docker and build the corosync image " + CorosyncContainer.DEFAULT_IMAGE_NAME
                    + " as root:\n    sudo " + provision + "\n"
                    + "(it installs the Debian packages corosync docker.io debootstrap, starts dockerd and builds "
                    + "the image offline with debootstrap)\n";
        }
        return "Install corosync as root:\n    sudo apt-get install corosync\n"
                + "or set up everything the tests need (corosync, libcmap-dev, gcc, Docker and the test image):\n"
                + "    sudo " + provision + "\n";
    }

    /** Runs the script with its standard output sent to our standard error, which it shares otherwise. */
    private int runProvision(Path script) {
        try {
            Process process = new ProcessBuilder(List.of("bash", script.toString()))
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .start();
            try (InputStream out = process.getInputStream()) {
                byte[] buffer = new byte[Output.BLOCK_SIZE];
                int read;
                while ((read = out.read(buffer)) > 0) {
                    io.err().write(Arrays.copyOf(buffer, read));
                }
            }
            return process.waitFor();
        } catch (IOException e) {
            io.err().print(PREFIX + "cannot run " + script + ": " + e.getMessage() + "\n");
            return ExitCode.FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.FAILURE;
        }
    }

    /** The effective uid is the owner of /proc/self. */
    static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | ClassCastException e) {
            return false;
        }
    }
}
