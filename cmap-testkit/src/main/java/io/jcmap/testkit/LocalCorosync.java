package io.jcmap.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The host's {@code /usr/sbin/corosync}, run in the foreground as a child process of the JVM.
 *
 * <p>Each instance has a private temporary directory holding corosync.conf, the state directory
 * and corosync.log. corosync also takes a lock on the fixed file {@code /var/run/corosync.pid};
 * so that an unrelated corosync in another network namespace does not block it, the testkit starts
 * corosync in a private mount namespace ({@code unshare --mount}) where that path is bind-mounted
 * to a file in the private directory. The pid stays the same (unshare and the shell exec corosync).
 *
 * <p>With {@link CorosyncConfig#filesystemSockets()} the same mount namespace also has a
 * directory holding libqb's flag file mounted over {@code /etc/libqb}; corosync then serves CMAP on
 * the host's {@code /tmp/cmap}.
 *
 * <p>Needs root, like corosync itself. {@link #close()} stops corosync, deletes the private
 * directory and the {@code /dev/shm/qb-*} entries named after its pids; the next start does so
 * for an instance whose JVM was killed before it could close it, whether its corosync still runs
 * or not.
 */
public final class LocalCorosync implements Corosync {

    /** The corosync executable. */
    public static final Path COROSYNC = Path.of("/usr/sbin/corosync");

    static final String READY_MESSAGE = "ready to provide service";
    private static final Path DEV_NULL = Path.of("/dev/null");
    private static final Path COROSYNC_PID_LOCK = Path.of("/var/run/corosync.pid");
    private static final String PRIVATE_PID_LOCK = "corosync.pid";
    // made (never truncated) just before the mount: a corosync elsewhere deletes it when it exits
    private static final String BIND_PID_LOCK = ": >> \"$2\" && mount --bind \"$1\" \"$2\" && ";
    private static final String EXEC_COROSYNC = "exec \"$3\" -f -c \"$4\"";
    // corosync logs into a pipe to this JVM: once the JVM is killed, its next line would kill it
    // with SIGPIPE before a later start could remove it with its files. Ignored, the signal stays
    // ignored across exec; corosync then only loses those lines.
    private static final String IGNORE_SIGPIPE = "trap '' PIPE && ";
    /** Where the mounts for filesystem sockets take their directories from: after the four above. */
    private static final int FILESYSTEM_SOCKETS_ARGUMENTS = 5;
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    private static final Duration LOG_DRAIN_WAIT = Duration.ofSeconds(5);

    private final CorosyncConfig config;
    private final Path privateDir;
    private final InstanceLock.Lease lease;
    private final LogBuffer log = new LogBuffer();
    private final List<Long> pids = new CopyOnWriteArrayList<>();
    /** Null unless the configuration forces filesystem sockets. */
    private final FilesystemSockets sockets;
    private Process process;
    private Thread logPump;
    private boolean closed;

    private LocalCorosync(CorosyncConfig config, Path privateDir, InstanceLock.Lease lease) {
        this.config = config;
        this.privateDir = privateDir;
        this.lease = lease;
        this.sockets = config.filesystemSockets() ? FilesystemSockets.inHostSocketDir(privateDir) : null;
    }

    /**
     * Starts corosync and waits until it is ready to provide service.
     *
     * @param config the configuration
     * @return the running instance; close it
     * @throws CorosyncTestkitException when the binary is missing, we are not root, another corosync
     *                                  owns {@code cmap}, or corosync exits or is not ready in time
     */
    public static LocalCorosync start(CorosyncConfig config) {
        if (!Files.isExecutable(COROSYNC)) {
            throw new CorosyncTestkitException(COROSYNC + " not found: install corosync (scripts/provision) or "
                    + "use the container backend (-D" + Backend.PROPERTY + "=container)");
        }
        if (!Privileges.isRoot()) {
            throw new CorosyncTestkitException("the local corosync backend needs root (corosync runs as root and "
                    + "the testkit gives it a private mount namespace); run the tests as root or use the container "
                    + "backend (-D" + Backend.PROPERTY + "=container)");
        }
        InstanceLock.Lease lease = InstanceLock.acquire("local corosync, cluster " + config.clusterName(),
                config.lockTimeout());
        LocalCorosync corosync;
        try {
            corosync = new LocalCorosync(config, Files.createTempDirectory(Leftovers.LOCAL_DIR_PREFIX), lease);
        } catch (IOException | RuntimeException e) {
            lease.close();
            throw new CorosyncTestkitException("cannot create the private directory: " + e.getMessage(), e);
        }
        ShutdownGuard.register(corosync);
        try {
            corosync.launch();
            return corosync;
        } catch (RuntimeException e) {
            corosync.close();
            throw e;
        }
    }

    /**
     * The private directory (corosync.conf, state files, corosync.log); deleted by {@link #close()}.
     *
     * @return the directory
     */
    public Path privateDir() {
        return privateDir;
    }

    @Override
    public CorosyncConfig config() {
        return config;
    }

    @Override
    public Backend backend() {
        return Backend.LOCAL;
    }

    @Override
    public Optional<Path> cmapSocket() {
        return Optional.ofNullable(sockets).map(FilesystemSockets::cmapSocket);
    }

    @Override
    public List<String> clientCommand(List<String> command) {
        return sockets == null ? List.copyOf(command) : sockets.wrap(command);
    }

    @Override
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("corosync was never started");
        }
        return process.pid();
    }

    @Override
    public String log() {
        return log.text();
    }

    @Override
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public synchronized void kill() {
        Process running = requireRunning("kill");
        signal(running, Signal.KILL);
        awaitExit(running, KILL_WAIT);
        drainLog();
        log.banner("killed pid " + running.pid() + " with SIGKILL");
    }

    @Override
    public synchronized void pause() {
        long pid = requireRunning("pause").pid();
        Signal.STOP.sendTo(pid);
        Await.until(() -> ProcessState.isStopped(pid), KILL_WAIT, () -> "corosync pid " + pid + " is stopped");
    }

    @Override
    public synchronized void resume() {
        long pid = requireRunning("resume").pid();
        Signal.CONT.sendTo(pid);
        Await.until(() -> !ProcessState.isStopped(pid), KILL_WAIT, () -> "corosync pid " + pid + " runs again");
    }

    @Override
    public synchronized void restart() {
        requireOpen("restart");
        stopProcess();
        pids.forEach(ShmFiles::deleteOwnedBy);
        launch();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // A test interrupted by a timeout closes on its interrupted thread: every wait below would
        // fail at once and leave corosync running, so wait uninterrupted and restore the status.
        boolean interrupted = Thread.interrupted();
        try {
            stopProcess();
            pids.forEach(ShmFiles::deleteOwnedBy);
            if (sockets != null) {
                sockets.removeIfStale();
            }
            FileTrees.delete(privateDir);
        } finally {
            ShutdownGuard.forget(this);
            lease.close();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "LocalCorosync[cluster=" + config.clusterName() + ", ipc=" + config.ipcType().configValue()
                + ", pids=" + pids + ", dir=" + privateDir + "]";
    }

    private void launch() {
        Leftovers.removeBefore(Backend.LOCAL);
        CmapOwnership.requireFree();
        Path configFile = privateDir.resolve(CorosyncConfig.CONFIG_FILE_NAME);
        Path pidLock = privateDir.resolve(PRIVATE_PID_LOCK);
        try {
            Files.writeString(privateDir.resolve(Leftovers.OWNER_FILE), OwnerJvm.current().format());
            Files.writeString(configFile, config.render(privateDir));
            Files.writeString(pidLock, "");
            if (sockets != null) {
                sockets.prepare();
                sockets.requireFree();
            }
        } catch (IOException e) {
            throw new CorosyncTestkitException("cannot prepare " + privateDir + ": " + e.getMessage(), e);
        }
        int mark = log.banner("starting " + COROSYNC + " -f -c " + configFile);
        List<String> arguments = new ArrayList<>(List.of(pidLock.toString(), COROSYNC_PID_LOCK.toString(),
                COROSYNC.toString(), configFile.toString()));
        if (sockets != null) {
            arguments.addAll(sockets.mountArguments());
        }
        ProcessBuilder builder = new ProcessBuilder(PrivateMounts.shell(launcher(), "jcmap-corosync", arguments))
                .directory(privateDir.toFile())
                .redirectInput(DEV_NULL.toFile())
                .redirectErrorStream(true);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new CorosyncTestkitException("cannot start corosync: " + e.getMessage(), e);
        }
        pids.add(process.pid());
        StartedPids.record(process.pid());
        recordPid(process.pid());
        startLogPump(process);
        awaitReady(mark);
        if (sockets != null) {
            sockets.requireCmapSocket();
        }
    }

    /** In the private directory too, so that a later JVM can remove the files of a dead one's corosync. */
    private void recordPid(long pid) {
        try {
            Files.writeString(privateDir.resolve(Leftovers.PIDS_FILE), pid + "\n", StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new CorosyncTestkitException("cannot record corosync's pid in " + privateDir + ": "
                    + e.getMessage(), e);
        }
    }

    private String launcher() {
        String mounts = sockets == null ? "" : sockets.mountCommands(FILESYSTEM_SOCKETS_ARGUMENTS);
        return IGNORE_SIGPIPE + BIND_PID_LOCK + mounts + EXEC_COROSYNC;
    }

    private void awaitReady(int mark) {
        long deadline = System.nanoTime() + config.startupTimeout().toNanos();
        Process starting = process;
        LogBuffer.Readiness readiness;
        try {
            readiness = log.await(mark, READY_MESSAGE, deadline, starting::isAlive);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopProcess();
            throw new CorosyncTestkitException("interrupted while waiting for corosync to start", e);
        }
        switch (readiness) {
            case READY -> { }
            case EXITED -> {
                drainLog();
                throw new CorosyncTestkitException("corosync (pid " + starting.pid() + ") exited with status "
                        + starting.exitValue() + " before it was ready; its log:\n" + log.text());
            }
            case TIMED_OUT -> {
                stopProcess();
                throw new CorosyncTestkitException("corosync (pid " + starting.pid() + ") was not ready to "
                        + "provide service within " + config.startupTimeout() + "; its log:\n" + log.text());
            }
        }
    }

    private void startLogPump(Process started) {
        logPump = Thread.ofPlatform().daemon().name("corosync-log-" + started.pid()).start(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    log.appendLine(line);
                }
            } catch (IOException e) {
                log.appendLine("---- jcmap-testkit: log capture ended: " + e.getMessage() + " ----");
            }
        });
    }

    /** SIGCONT (in case it is paused), SIGTERM, then SIGKILL after the grace period. */
    private void stopProcess() {
        if (process == null || !process.isAlive()) {
            drainLog();
            return;
        }
        Process running = process;
        signal(running, Signal.CONT);
        signal(running, Signal.TERM);
        if (!waitFor(running, config.stopGracePeriod())) {
            log.banner("pid " + running.pid() + " ignored SIGTERM for " + config.stopGracePeriod() + ", sending SIGKILL");
            signal(running, Signal.KILL);
            awaitExit(running, KILL_WAIT);
        }
        drainLog();
        log.banner("stopped pid " + running.pid() + " (exit status " + running.exitValue() + ")");
    }

    // Not Process.destroy(): it also closes our end of corosync's stderr pipe, and corosync then
    // dies of SIGPIPE while logging its shutdown.
    private static void signal(Process running, Signal signal) {
        try {
            signal.sendTo(running.pid());
        } catch (CorosyncTestkitException e) {
            if (running.isAlive()) {
                throw e;
            }
        }
    }

    private static boolean waitFor(Process running, Duration timeout) {
        try {
            return running.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CorosyncTestkitException("interrupted while waiting for corosync pid " + running.pid(), e);
        }
    }

    private static void awaitExit(Process running, Duration timeout) {
        if (!waitFor(running, timeout)) {
            throw new CorosyncTestkitException("corosync pid " + running.pid() + " still exists " + timeout
                    + " after SIGKILL");
        }
    }

    private void drainLog() {
        Thread pump = logPump;
        if (pump != null) {
            try {
                pump.join(LOG_DRAIN_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Process requireRunning(String action) {
        requireOpen(action);
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException("cannot " + action + ": corosync is not running (restart() it)");
        }
        return process;
    }

    private void requireOpen(String action) {
        if (closed) {
            throw new IllegalStateException("cannot " + action + ": this corosync instance is closed");
        }
    }
}
