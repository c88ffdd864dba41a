package io.jcmap.testkit;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How to run one test corosync: an immutable value built with {@link #builder()}.
 *
 * <p>{@link #render(Path)} produces the corosync.conf text: a one-node cluster (nodeid 1) with the
 * knet transport on 127.0.0.1, votequorum, no crypto, logging to stderr and to
 * {@code <private dir>/corosync.log} with debug off, and
 * {@code system { state_dir: <private dir>; qb_ipc_type: <ipc type> }}.
 *
 * <p>{@link #extraConfig()} is raw corosync.conf text appended after the generated sections.
 * corosync merges a section that appears twice key by key and the later value wins, so an extra
 * {@code logging} section with {@code debug: on} turns on debug logging, an extra
 * {@code system} section with {@code sched_rr: no} adds to the generated system section, and a new
 * section (for example {@code resources}) is simply added. Write each key and each closing brace on
 * a line of its own, as in {@code "logging {\n  debug: on\n}"}: corosync refuses anything after an
 * opening brace on its line, and fails to start. The keys this class manages
 * ({@code cluster_name}, {@code state_dir}, {@code qb_ipc_type}) are rejected in the extra text:
 * set them with the builder so that {@link Corosync#clusterName()} and {@link Corosync#ipcType()}
 * stay true. So are {@code to_stderr} and {@code logfile_priority}: the start waits for
 * corosync's "ready to provide service" on its standard error, and without it would wait out
 * {@link #startupTimeout()} although corosync serves.
 *
 * @param clusterName     {@code totem.cluster_name}; letters, digits, {@code _ . -}, starting with a letter or digit
 * @param ipcType         {@code system.qb_ipc_type}
 * @param extraConfig     raw corosync.conf text appended after the generated sections (may be empty)
 * @param startupTimeout  how long to wait for "ready to provide service"
 * @param stopGracePeriod how long to wait after SIGTERM before SIGKILL
 * @param lockTimeout     how long to wait for another instance (this or another JVM) to close
 * @param filesystemSockets whether libqb in corosync is forced to filesystem sockets, as on a host with
 *                        {@code /etc/libqb/force-filesystem-sockets}: CMAP is then served on the socket
 *                        file {@link Corosync#cmapSocket()} instead of the abstract name {@code cmap}
 */
public record CorosyncConfig(String clusterName, IpcType ipcType, String extraConfig,
                             Duration startupTimeout, Duration stopGracePeriod, Duration lockTimeout,
                             boolean filesystemSockets) {

    /** Default {@link #startupTimeout()}. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(30);
    /** Default {@link #stopGracePeriod()}. */
    public static final Duration DEFAULT_STOP_GRACE_PERIOD = Duration.ofSeconds(5);
    /** Default {@link #lockTimeout()}. */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofMinutes(5);
    /**
     * The longest timeout or grace period accepted: 2<sup>31</sup>-1 seconds (about 68 years).
     * Docker takes a stop timeout in whole seconds as an int, and the waits count nanoseconds.
     */
    public static final Duration LONGEST_WAIT = Duration.ofSeconds(Integer.MAX_VALUE);
    /** Prefix of generated cluster names. */
    public static final String CLUSTER_NAME_PREFIX = "jcmap-";
    /** Name of the generated configuration file inside the private directory. */
    public static final String CONFIG_FILE_NAME = "corosync.conf";
    /** Name of corosync's log file inside the private directory. */
    public static final String LOG_FILE_NAME = "corosync.log";

    private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern MANAGED_KEY =
            Pattern.compile("(?m)^[^#\\n]*?\\b(cluster_name|state_dir|qb_ipc_type|to_stderr|logfile_priority)\\s*:");
    private static final Pattern UNSAFE_PATH_CHARS = Pattern.compile("[\\s{}#]");
    private static final String RANDOM_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final int RANDOM_SUFFIX_LENGTH = 6;
    private static final RandomGenerator RANDOM = new SecureRandom();

    /** Validates every component; see the builder methods for the rules. */
    public CorosyncConfig {
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(ipcType, "ipcType");
        Objects.requireNonNull(extraConfig, "extraConfig");
        if (!CLUSTER_NAME.matcher(clusterName).matches()) {
            throw new IllegalArgumentException("invalid cluster name '" + clusterName
                    + "': use letters, digits, '_', '.', '-', starting with a letter or digit");
        }
        requirePositive(startupTimeout, "startupTimeout");
        requireNonNegative(stopGracePeriod, "stopGracePeriod");
        requirePositive(lockTimeout, "lockTimeout");
        checkExtraConfig(extraConfig);
    }

    /**
     * Starts a builder with all defaults (random cluster name, SHM, 30 s startup, 5 s grace).
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The default configuration with a fresh random cluster name.
     *
     * @return a new configuration
     */
    public static CorosyncConfig defaults() {
        return builder().build();
    }

    /**
     * A builder initialised with this configuration's values.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder()
                .clusterName(clusterName)
                .ipcType(ipcType)
                .extraConfig(extraConfig)
                .startupTimeout(startupTimeout)
                .stopGracePeriod(stopGracePeriod)
                .lockTimeout(lockTimeout)
                .filesystemSockets(filesystemSockets);
    }

    /**
     * A fresh cluster name such as {@code jcmap-k3x9qa}.
     *
     * @return a random, valid cluster name
     */
    public static String randomClusterName() {
        StringBuilder name = new StringBuilder(CLUSTER_NAME_PREFIX);
        for (int i = 0; i < RANDOM_SUFFIX_LENGTH; i++) {
            name.append(RANDOM_ALPHABET.charAt(RANDOM.nextInt(RANDOM_ALPHABET.length())));
        }
        return name.toString();
    }

    /**
     * Renders corosync.conf for an instance whose private directory (state and log file) is
     * {@code privateDir}, as seen by the corosync process (inside the container for the container
     * backend).
     *
     * @param privateDir absolute directory without whitespace, braces or '#'
     * @return the configuration text
     */
    public String render(Path privateDir) {
        String dir = Objects.requireNonNull(privateDir, "privateDir").toString();
        if (!privateDir.isAbsolute() || UNSAFE_PATH_CHARS.matcher(dir).find()) {
            throw new IllegalArgumentException("private directory must be absolute and free of whitespace, "
                    + "braces and '#', got '" + dir + "'");
        }
        String generated = """
                # Generated by jcmap-testkit.
                totem {
                  version: 2
                  cluster_name: %s
                  transport: knet
                  crypto_cipher: none
                  crypto_hash: none
                }
                nodelist {
                  node {
                    ring0_addr: 127.0.0.1
                    nodeid: 1
                    name: node1
                  }
                }
                quorum {
                  provider: corosync_votequorum
                }
                logging {
                  to_stderr: yes
                  to_logfile: yes
                  logfile: %s/%s
                  to_syslog: no
                  debug: off
                  timestamp: on
                }
                system {
                  state_dir: %s
                  qb_ipc_type: %s
                }
                """.formatted(clusterName, dir, LOG_FILE_NAME, dir, ipcType.configValue());
        if (extraConfig.isBlank()) {
            return generated;
        }
        String extra = extraConfig.endsWith("\n") ? extraConfig : extraConfig + "\n";
        return generated + "# Extra configuration (corosync merges repeated sections; later keys win).\n" + extra;
    }

    private static void requireAtMostLongestWait(Duration value, String name) {
        if (value.compareTo(LONGEST_WAIT) > 0) {
            throw new IllegalArgumentException(name + " must be at most " + LONGEST_WAIT + " (2^31-1 s), got " + value);
        }
    }

    private static void requirePositive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
        requireAtMostLongestWait(value, name);
    }

    private static void requireNonNegative(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + value);
        }
        requireAtMostLongestWait(value, name);
    }

    private static void checkExtraConfig(String extra) {
        Matcher managed = MANAGED_KEY.matcher(extra);
        if (managed.find()) {
            String key = managed.group(1);
            String why = key.equals("to_stderr") || key.equals("logfile_priority")
                    ? "the testkit waits for corosync's \"" + LocalCorosync.READY_MESSAGE + "\" on its standard error"
                    : "the testkit manages it (use the builder)";
            throw new IllegalArgumentException("extra configuration must not set '" + key + "': " + why);
        }
        int depth = 0;
        for (String line : extra.lines().toList()) {
            String code = line.contains("#") ? line.substring(0, line.indexOf('#')) : line;
            for (char c : code.toCharArray()) {
                depth += c == '{' ? 1 : c == '}' ? -1 : 0;
                if (depth < 0) {
                    throw new IllegalArgumentException("extra configuration has an unmatched '}': " + line.strip());
                }
            }
        }
        if (depth != 0) {
            throw new IllegalArgumentException("extra configuration has " + depth + " unclosed '{'");
        }
    }

    /**
     * Builds a {@link CorosyncConfig}. Every call to {@link #build()} without an explicit
     * cluster name draws a new random one.
     */
    public static final class Builder {
        private String clusterName;
        private IpcType ipcType = IpcType.SHM;
        private final StringBuilder extraConfig = new StringBuilder();
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private Duration stopGracePeriod = DEFAULT_STOP_GRACE_PERIOD;
        private Duration lockTimeout = DEFAULT_LOCK_TIMEOUT;
        private boolean filesystemSockets;

        private Builder() {
        }

        /**
         * Sets {@code totem.cluster_name} (default: random, {@code jcmap-xxxxxx}).
         *
         * @param clusterName letters, digits, {@code _ . -}, starting with a letter or digit
         * @return this builder
         */
        public Builder clusterName(String clusterName) {
            this.clusterName = Objects.requireNonNull(clusterName, "clusterName");
            return this;
        }

        /**
         * Sets {@code system.qb_ipc_type} (default {@link IpcType#SHM}).
         *
         * @param ipcType the transport corosync offers to clients
         * @return this builder
         */
        public Builder ipcType(IpcType ipcType) {
            this.ipcType = Objects.requireNonNull(ipcType, "ipcType");
            return this;
        }

        /**
         * Appends raw corosync.conf text after the generated sections; repeated calls append
         * again. See the class documentation for how corosync merges it.
         *
         * @param fragment for example {@code "logging {\n  debug: on\n}"}
         * @return this builder
         */
        public Builder extraConfig(String fragment) {
            Objects.requireNonNull(fragment, "fragment");
            if (!extraConfig.isEmpty() && extraConfig.charAt(extraConfig.length() - 1) != '\n') {
                extraConfig.append('\n');
            }
            extraConfig.append(fragment);
            return this;
        }

        /**
         * Sets how long to wait for "ready to provide service" (default 30 s).
         *
         * @param timeout a positive duration, at most {@link #LONGEST_WAIT}
         * @return this builder
         */
        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = timeout;
            return this;
        }

        /**
         * Sets how long {@link Corosync#close()} and {@link Corosync#restart()} wait after
         * SIGTERM before sending SIGKILL (default 5 s).
         *
         * @param gracePeriod zero or a positive duration, at most {@link #LONGEST_WAIT}
         * @return this builder
         */
        public Builder stopGracePeriod(Duration gracePeriod) {
            this.stopGracePeriod = gracePeriod;
            return this;
        }

        /**
         * Sets how long a start waits for another testkit instance in this network namespace to
         * close (default 5 min).
         *
         * @param timeout a positive duration, at most {@link #LONGEST_WAIT}
         * @return this builder
         */
        public Builder lockTimeout(Duration timeout) {
            this.lockTimeout = timeout;
            return this;
        }

        /**
         * Forces libqb in corosync to filesystem sockets (default: no, the abstract name
         * {@code cmap}), as {@code /etc/libqb/force-filesystem-sockets} does on a host, but for
         * this corosync only: clients connect to the socket file {@link Corosync#cmapSocket()}, and
         * {@link Corosync#cmapctl(String...)} finds it. Needs Debian's libqb, whose socket
         * directory is {@code /tmp}; creates the empty directory {@code /etc/libqb} on the host
         * when it is missing (see the testkit documentation).
         *
         * @param forced true to force filesystem sockets
         * @return this builder
         */
        public Builder filesystemSockets(boolean forced) {
            this.filesystemSockets = forced;
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @return a validated configuration
         * @throws IllegalArgumentException when a value is invalid
         */
        public CorosyncConfig build() {
            String name = clusterName != null ? clusterName : randomClusterName();
            return new CorosyncConfig(name, ipcType, extraConfig.toString(), startupTimeout, stopGracePeriod,
                    lockTimeout, filesystemSockets);
        }
    }
}
