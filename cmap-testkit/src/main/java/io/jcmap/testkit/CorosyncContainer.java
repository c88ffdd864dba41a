package io.jcmap.testkit;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * corosync in a Docker container (Testcontainers) that clients on the host can use as if it ran
 * locally: host network mode (the abstract socket {@code cmap} and knet on 127.0.0.1 live in the
 * host's network namespace), host IPC mode and {@code /dev/shm} bind-mounted (the SHM rings are the
 * host's files), and host PID mode (the pids in libqb's {@code /dev/shm} names and in socket
 * credentials are host pids, so they cannot clash between instances and {@link #pid()} is what
 * {@code ps} shows).
 *
 * <p>The image defaults to {@value #DEFAULT_IMAGE_NAME}, built offline by {@code scripts/provision}
 * or from {@code cmap-testkit/docker/Dockerfile}. The generated corosync.conf is copied to
 * {@value #CONTAINER_DIR} in the container, which is also the state directory. Signals for
 * {@link #kill()}, {@link #pause()} and {@link #resume()} go through Docker's kill API
 * ({@code docker kill -s}), never {@code docker pause} (the freezer cgroup is not SIGSTOP).
 * {@link #restart()} replaces the container by a new one with the same configuration.
 *
 * <p>With {@link CorosyncConfig#filesystemSockets()} the container's {@code /etc/libqb} holds
 * libqb's flag file and its {@code /tmp} is a host directory of its own, where corosync's socket
 * file {@link #cmapSocket()} appears.
 *
 * <p>Use {@link #startNew(CorosyncConfig)}, or construct and call {@link #start()}; both wait until
 * corosync is ready to provide service. Docker must be local (the container shares the host's
 * namespaces); with Testcontainers' Ryuk disabled ({@code TESTCONTAINERS_RYUK_DISABLED=true}) a
 * JVM shutdown hook removes leftovers, and the next start removes those of a JVM that was killed.
 */
public class CorosyncContainer extends GenericContainer<CorosyncContainer> implements Corosync {

    /** The default image, {@code jcmap/corosync:3.1.7}. */
    public static final String DEFAULT_IMAGE_NAME = "jcmap/corosync:3.1.7";
    /** The directory in the container holding corosync.conf, the state files and corosync.log. */
    public static final String CONTAINER_DIR = "/var/lib/jcmap-corosync";
    /** Label put on every testkit container. */
    public static final String LABEL = "io.jcmap.testkit";

    /** What Testcontainers says when the container is no longer running right after its start. */
    private static final String TESTCONTAINERS_NOT_STARTED = "Container did not start correctly";
    private static final String HOST = "host";
    private static final String DEV_SHM = "/dev/shm";
    private static final Duration SIGNAL_WAIT = Duration.ofSeconds(10);
    private static final Duration LOG_DRAIN_WAIT = Duration.ofSeconds(5);
    private static final long MILLIS_PER_SECOND = 1000;

    private final CorosyncConfig config;
    private final boolean defaultImage;
    private final LogBuffer log = new LogBuffer();
    private final List<Long> pids = new CopyOnWriteArrayList<>();
    private InstanceLock.Lease lease;
    /** Null unless the configuration forces filesystem sockets; its directories are on the host. */
    private FilesystemSockets sockets;
    private volatile int readinessMark;
    private volatile boolean logStreamEnded;
    private boolean started;

    /**
     * A container of the default image {@value #DEFAULT_IMAGE_NAME}; call {@link #start()}.
     *
     * @param config the configuration
     */
    public CorosyncContainer(CorosyncConfig config) {
        this(DockerImageName.parse(DEFAULT_IMAGE_NAME), config);
    }

    /**
     * A container of another image that has {@code /usr/sbin/corosync}; call {@link #start()}.
     *
     * @param image  the image
     * @param config the configuration
     */
    public CorosyncContainer(DockerImageName image, CorosyncConfig config) {
        super(image);
        this.config = Objects.requireNonNull(config, "config");
        this.defaultImage = image.asCanonicalNameString().equals(
                DockerImageName.parse(DEFAULT_IMAGE_NAME).asCanonicalNameString());
        String configFile = CONTAINER_DIR + "/" + CorosyncConfig.CONFIG_FILE_NAME;
        withNetworkMode(HOST);
        withCreateContainerCmdModifier(cmd -> shareHostNamespaces(cmd.getHostConfig(), sockets));
        withCopyToContainer(Transferable.of(config.render(Path.of(CONTAINER_DIR))), configFile);
        withCommand(LocalCorosync.COROSYNC.toString(), "-f", "-c", configFile);
        withLabel(LABEL, "true");
        withLabel(LABEL + ".cluster", config.clusterName());
        withLabel(Leftovers.OWNER_LABEL, OwnerJvm.current().format());
        withLogConsumer(this::capture);
        waitingFor(new ReadinessWait());
        withStartupAttempts(1);
    }

    /**
     * Starts a container of the default image and waits until corosync is ready.
     *
     * @param config the configuration
     * @return the running container; close it
     * @throws CorosyncTestkitException when Docker or the image is missing, another corosync owns
     *                                  {@code cmap}, or corosync is not ready in time
     */
    public static CorosyncContainer startNew(CorosyncConfig config) {
        CorosyncContainer container = new CorosyncContainer(config);
        container.start();
        return container;
    }

    /**
     * Starts the container and waits until corosync is ready to provide service; does nothing
     * when already started.
     *
     * @throws CorosyncTestkitException when Docker or the image is missing, another corosync owns
     *                                  {@code cmap}, or corosync is not ready in time
     */
    @Override
    public synchronized void start() {
        if (started) {
            return;
        }
        requireDocker();
        lease = InstanceLock.acquire("corosync container " + getDockerImageName() + ", cluster "
                + config.clusterName(), config.lockTimeout());
        started = true;
        ShutdownGuard.register(this);
        try {
            Leftovers.removeBefore(Backend.CONTAINER);
            if (config.filesystemSockets()) {
                sockets = FilesystemSockets.inOwnSocketDir(createHostDirectory());
                sockets.prepare();
            }
            launch();
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    /** Same as {@link #close()}. */
    @Override
    public synchronized void stop() {
        if (!started) {
            return;
        }
        started = false;
        // A test interrupted by a timeout closes on its interrupted thread: Docker calls and waits
        // would fail at once and leave the container running, so stop uninterrupted and restore the status.
        boolean interrupted = Thread.interrupted();
        try {
            stopCorosync();
        } finally {
            try {
                removeContainer();
                pids.forEach(ShmFiles::deleteOwnedBy);
                if (sockets != null) {
                    FileTrees.delete(sockets.flagDir().getParent());
                }
            } finally {
                ShutdownGuard.forget(this);
                lease.close();
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public CorosyncConfig config() {
        return config;
    }

    @Override
    public Backend backend() {
        return Backend.CONTAINER;
    }

    @Override
    public synchronized Optional<Path> cmapSocket() {
        return Optional.ofNullable(sockets).map(FilesystemSockets::cmapSocket);
    }

    @Override
    public synchronized List<String> clientCommand(List<String> command) {
        return sockets == null ? List.copyOf(command) : sockets.wrap(command);
    }

    @Override
    public synchronized long pid() {
        long pid = getContainerId() == null ? 0 : inspect().getState().getPidLong();
        if (pid > 0) {
            return pid;
        }
        if (pids.isEmpty()) {
            throw new IllegalStateException("corosync was never started");
        }
        return pids.getLast();
    }

    @Override
    public String log() {
        return log.text();
    }

    @Override
    public synchronized boolean isRunning() {
        return getContainerId() != null && containerRunning();
    }

    @Override
    public synchronized void kill() {
        long pid = requireRunning("kill");
        signal(Signal.KILL);
        Await.until(() -> !containerRunning() && !ProcessState.isAlive(pid), SIGNAL_WAIT,
                () -> "the container of corosync pid " + pid + " has exited");
        awaitLogStreamEnd();
        log.banner("killed pid " + pid + " with SIGKILL");
    }

    @Override
    public synchronized void pause() {
        long pid = requireRunning("pause");
        signal(Signal.STOP);
        Await.until(() -> ProcessState.isStopped(pid), SIGNAL_WAIT, () -> "corosync pid " + pid + " is stopped");
    }

    @Override
    public synchronized void resume() {
        long pid = requireRunning("resume");
        signal(Signal.CONT);
        Await.until(() -> !ProcessState.isStopped(pid), SIGNAL_WAIT, () -> "corosync pid " + pid + " runs again");
    }

    @Override
    public synchronized void restart() {
        if (!started) {
            throw new IllegalStateException("cannot restart: this corosync container is not started or closed");
        }
        stopCorosync();
        removeContainer();
        pids.forEach(ShmFiles::deleteOwnedBy);
        launch();
    }

    @Override
    public String toString() {
        return "CorosyncContainer[image=" + getDockerImageName() + ", cluster=" + config.clusterName() + ", ipc="
                + config.ipcType().configValue() + ", container=" + getContainerId() + ", pids=" + pids + "]";
    }

    private void launch() {
        CmapOwnership.requireFree();
        logStreamEnded = false;
        readinessMark = log.banner("starting container of " + getDockerImageName());
        try {
            super.start();
        } catch (RuntimeException e) {
            // Testcontainers' own start check may see the exited container before our readiness wait does
            String why = exitedBeforeReady(e) ? exitedMessage() : rootMessage(e);
            throw new CorosyncTestkitException("corosync container " + getDockerImageName() + " did not become "
                    + "ready: " + why + "; its log:\n" + log.text(), e);
        }
        long pid = inspect().getState().getPidLong();
        pids.add(pid);
        StartedPids.record(pid);
        requireSameNetworkNamespace(pid);
        if (sockets != null) {
            sockets.requireCmapSocket();
        }
    }

    private static Path createHostDirectory() {
        try {
            return Files.createTempDirectory("jcmap-corosync-container-");
        } catch (IOException e) {
            throw new CorosyncTestkitException("cannot create a directory for filesystem sockets: "
                    + e.getMessage(), e);
        }
    }

    // Host network mode means dockerd's namespace; a JVM inside "ip netns exec" could not reach it.
    // Without the right to read the container's /proc entry (not root) we cannot tell, and trust.
    private static void requireSameNetworkNamespace(long pid) {
        String container = NetworkNamespace.of(pid);
        String ours = NetworkNamespace.current();
        boolean known = !container.equals(NetworkNamespace.UNKNOWN) && !ours.equals(NetworkNamespace.UNKNOWN);
        if (known && !container.equals(ours)) {
            throw new CorosyncTestkitException("the corosync container runs in Docker's network namespace "
                    + container + " but this JVM is in " + ours + ", so clients here cannot reach it; run the "
                    + "container backend in dockerd's namespace, or use the local backend (-D" + Backend.PROPERTY
                    + "=local) inside ip netns exec");
        }
    }

    /** SIGCONT (in case it is paused), then docker stop: SIGTERM, SIGKILL after the grace period. */
    private void stopCorosync() {
        if (getContainerId() == null || !containerRunning()) {
            return;
        }
        long pid = inspect().getState().getPidLong();
        try {
            signal(Signal.CONT);
        } catch (DockerException e) {
            // it exited meanwhile
        }
        long graceSeconds = (config.stopGracePeriod().toMillis() + MILLIS_PER_SECOND - 1) / MILLIS_PER_SECOND;
        getDockerClient().stopContainerCmd(getContainerId()).withTimeout((int) graceSeconds).exec();
        Await.until(() -> !containerRunning() && !ProcessState.isAlive(pid), SIGNAL_WAIT,
                () -> "the container of corosync pid " + pid + " has stopped");
        awaitLogStreamEnd();
        log.banner("stopped pid " + pid + " (exit status " + inspect().getState().getExitCodeLong() + ")");
    }

    private void removeContainer() {
        super.stop();
    }

    private void signal(Signal signal) {
        getDockerClient().killContainerCmd(getContainerId()).withSignal(signal.dockerName()).exec();
    }

    private long requireRunning(String action) {
        if (!isRunning()) {
            throw new IllegalStateException("cannot " + action + ": corosync is not running (restart() it)");
        }
        return inspect().getState().getPidLong();
    }

    private InspectContainerResponse inspect() {
        return getDockerClient().inspectContainerCmd(getContainerId()).exec();
    }

    /** Whether the start failed because the container had exited (Testcontainers may forget its id). */
    private boolean exitedBeforeReady(Throwable failure) {
        boolean exited = getContainerId() != null ? !containerRunning() : saysNotStarted(failure);
        if (exited) {
            awaitLogStreamEnd();
        }
        return exited;
    }

    private static boolean saysNotStarted(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (String.valueOf(t.getMessage()).contains(TESTCONTAINERS_NOT_STARTED)) {
                return true;
            }
        }
        return false;
    }

    private String exitedMessage() {
        Long status = null;
        if (getContainerId() != null) {
            try {
                status = inspect().getState().getExitCodeLong();
            } catch (NotFoundException e) {
                // removed meanwhile
            }
        }
        return "corosync exited (container status " + (status == null ? "unknown" : status) + ") before it was ready";
    }

    private boolean containerRunning() {
        try {
            return Boolean.TRUE.equals(inspect().getState().getRunning());
        } catch (NotFoundException e) {
            return false;
        }
    }

    private void requireDocker() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new CorosyncTestkitException("Docker is not available for the corosync container backend: start "
                    + "dockerd (scripts/provision does) or use the local backend (-D" + Backend.PROPERTY + "=local)");
        }
        if (!defaultImage) {
            return;
        }
        try {
            DockerClientFactory.instance().client().inspectImageCmd(DEFAULT_IMAGE_NAME).exec();
        } catch (NotFoundException e) {
            throw new CorosyncTestkitException("image " + DEFAULT_IMAGE_NAME + " is not present: build it offline "
                    + "with scripts/provision, or with registry access: docker build -t " + DEFAULT_IMAGE_NAME
                    + " cmap-testkit/docker", e);
        }
    }

    private static void shareHostNamespaces(HostConfig hostConfig, FilesystemSockets sockets) {
        List<Bind> binds = new ArrayList<>();
        if (hostConfig.getBinds() != null) {
            binds.addAll(Arrays.asList(hostConfig.getBinds()));
        }
        binds.add(new Bind(DEV_SHM, new Volume(DEV_SHM)));
        if (sockets != null) {
            // the container's own /etc and /tmp: the same view a local corosync gets from its mounts
            binds.add(new Bind(sockets.flagDir().toString(),
                    new Volume(FilesystemSockets.LIBQB_CONFIG_DIR.toString()), AccessMode.ro));
            binds.add(new Bind(sockets.socketDir().toString(),
                    new Volume(FilesystemSockets.LIBQB_SOCKET_DIR.toString())));
        }
        hostConfig.withIpcMode(HOST).withPidMode(HOST).withBinds(binds);
    }

    // Testcontainers delivers one frame per line, and END when the stream closes (container exited).
    private void capture(OutputFrame frame) {
        if (frame.getType() == OutputFrame.OutputType.END) {
            logStreamEnded = true;
            return;
        }
        log.appendLine(frame.getUtf8StringWithoutLineEnding());
    }

    private void awaitLogStreamEnd() {
        try {
            Await.until(() -> logStreamEnded, LOG_DRAIN_WAIT, () -> "the container's log stream has ended");
        } catch (CorosyncTestkitException e) {
            log.banner("log capture incomplete: " + e.getMessage());
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root.getMessage() + ")";
    }

    /** Waits for "ready to provide service" in the log while the container runs. */
    private final class ReadinessWait extends AbstractWaitStrategy {
        @Override
        protected void waitUntilReady() {
            long deadline = System.nanoTime() + config.startupTimeout().toNanos();
            LogBuffer.Readiness readiness;
            try {
                readiness = log.await(readinessMark, LocalCorosync.READY_MESSAGE, deadline,
                        CorosyncContainer.this::containerRunning);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CorosyncTestkitException("interrupted while waiting for corosync to start", e);
            }
            switch (readiness) {
                case READY -> { }
                case EXITED -> {
                    awaitLogStreamEnd();
                    throw new CorosyncTestkitException(exitedMessage());
                }
                case TIMED_OUT -> throw new CorosyncTestkitException("corosync was not ready to provide service "
                        + "within " + config.startupTimeout());
            }
        }
    }
}
