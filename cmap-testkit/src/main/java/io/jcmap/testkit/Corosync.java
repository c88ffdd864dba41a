package io.jcmap.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One running test corosync, serving CMAP to clients in the test JVM's network namespace.
 *
 * <p>Only one corosync per network namespace can own the IPC name {@code cmap}, so only one
 * instance exists at a time: starting a second one waits until the first is closed (within this
 * JVM and across JVMs), and starting fails fast when a corosync the testkit did not start already
 * owns {@code cmap}. Instances survive {@link #kill()}, {@link #pause()} and {@link #restart()};
 * {@link #close()} ends them for good.
 *
 * <p>Implementations: {@link LocalCorosync} and {@link CorosyncContainer}; tests usually get one
 * from {@link CorosyncExtension}.
 */
public interface Corosync extends AutoCloseable {

    /**
     * Starts an instance with the given backend ({@link Backend#AUTO} picks one).
     *
     * @param config  the configuration; not null
     * @param backend the backend to use; not null
     * @return a running, ready instance
     * @throws CorosyncTestkitException when corosync cannot be started
     * @throws NullPointerException     for a null argument, naming it
     */
    static Corosync start(CorosyncConfig config, Backend backend) {
        Objects.requireNonNull(config, "config");
        return Objects.requireNonNull(backend, "backend").start(config);
    }

    /**
     * The configuration this instance runs with (also after a restart).
     *
     * @return the configuration
     */
    CorosyncConfig config();

    /**
     * The backend running this instance.
     *
     * @return {@link Backend#LOCAL} or {@link Backend#CONTAINER}
     */
    Backend backend();

    /**
     * {@code totem.cluster_name}.
     *
     * @return the cluster name
     */
    default String clusterName() {
        return config().clusterName();
    }

    /**
     * {@code system.qb_ipc_type}.
     *
     * @return the IPC transport offered to clients
     */
    default IpcType ipcType() {
        return config().ipcType();
    }

    /**
     * The socket file CMAP is served on when corosync is forced to filesystem sockets
     * ({@link CorosyncConfig#filesystemSockets()}); a jcmap client connects to it with
     * {@code Endpoint.path}. Empty when corosync binds the abstract name {@code cmap}.
     *
     * @return the socket file: {@code /tmp/cmap} for the local backend, as on a host forced to
     *     filesystem sockets; in a directory of its own for the container backend
     */
    Optional<Path> cmapSocket();

    /**
     * The host pid of the current corosync process (also for the container backend), or of the
     * last one when it is not running.
     *
     * @return the pid in the host's pid namespace
     */
    long pid();

    /**
     * Everything corosync has logged so far, across restarts, with a marker line per
     * (re)start and per kill.
     *
     * @return the captured log text
     */
    String log();

    /**
     * Tells whether the corosync process exists (a paused process is running).
     *
     * @return true when the process is alive
     */
    boolean isRunning();

    /**
     * Sends SIGKILL and waits until the process is gone. Its shared-memory files stay behind, as
     * after a real crash, until {@link #restart()} or {@link #close()}.
     */
    void kill();

    /** Sends SIGSTOP and waits until the process is stopped; clients then hang or time out. */
    void pause();

    /** Sends SIGCONT and waits until the process runs again. */
    void resume();

    /**
     * Stops the process (like {@link #close()}: SIGTERM, SIGKILL after the grace period) if it
     * runs, then starts it again with the same configuration and waits for readiness. The pid
     * changes.
     *
     * @throws CorosyncTestkitException when corosync does not become ready again
     */
    void restart();

    /**
     * Stops corosync (SIGTERM, then SIGKILL after {@link CorosyncConfig#stopGracePeriod()}),
     * removes its files in {@code /dev/shm} and its private directory or container, and lets the
     * next instance start. Idempotent.
     */
    @Override
    void close();

    /**
     * Runs the host's {@code /usr/sbin/corosync-cmapctl} with a 10 s timeout. It talks to the
     * corosync owning {@code cmap} in this network namespace, which is this instance while it
     * runs (with filesystem sockets, to this instance's {@link #cmapSocket()}).
     *
     * @param args arguments, for example {@code "-g", "totem.cluster_name"}
     * @return exit code and output
     */
    default ProcessResult cmapctl(String... args) {
        return cmapctl(CmapCtl.DEFAULT_TIMEOUT, args);
    }

    /**
     * Runs the host's {@code /usr/sbin/corosync-cmapctl}, killing it after {@code timeout}
     * (useful against a paused instance, where it would hang).
     *
     * @param timeout how long to let it run: positive, at most {@link CorosyncConfig#LONGEST_WAIT}
     * @param args    arguments, for example {@code "-g", "totem.cluster_name"}
     * @return exit code and output; {@link ProcessResult#timedOut()} when it was killed
     * @throws IllegalArgumentException for a timeout out of those bounds
     */
    default ProcessResult cmapctl(Duration timeout, String... args) {
        return CmapCtl.run(timeout, cmapctlCommand(args));
    }

    /**
     * The command line that runs the host's {@code /usr/sbin/corosync-cmapctl} against this
     * instance, for a test that starts it itself: one that tracks ({@code -t}) runs until stopped.
     * With filesystem sockets it starts in a private mount namespace that sees them.
     *
     * @param args arguments, for example {@code "-t", "totem."}
     * @return the program and its arguments, for a {@link ProcessBuilder}
     */
    default List<String> cmapctlCommand(String... args) {
        return clientCommand(CmapCtl.command(Objects.requireNonNull(args, "args")));
    }

    /**
     * A command line that runs {@code command} as a client of this instance on the host: as is,
     * or, when corosync was forced to filesystem sockets, in a private mount namespace where libqb
     * is forced to them too ({@code /etc/libqb} holds the flag file; with the container backend
     * {@code /tmp} is the instance's socket directory). A program there finds this corosync as
     * libqb's clients do, at the default endpoint.
     *
     * @param command a program and its arguments
     * @return the command line to start, for a {@link ProcessBuilder}
     */
    List<String> clientCommand(List<String> command);
}
