package io.jcmap.testkit;

import java.nio.file.Files;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a test corosync runs. The system property {@value #PROPERTY} selects it for
 * {@link CorosyncExtension} ({@code local}, {@code container} or {@code auto}, default
 * {@code auto}).
 */
public enum Backend {
    /** The host's {@code /usr/sbin/corosync}, started as a child process (needs root). */
    LOCAL,
    /** A Docker container of the image {@code jcmap/corosync} sharing the host's network, IPC and pids. */
    CONTAINER,
    /** {@link #LOCAL} when {@code /usr/sbin/corosync} exists and we are root, else {@link #CONTAINER}. */
    AUTO;

    /** The system property naming the backend. */
    public static final String PROPERTY = "jcmap.testkit.backend";

    /**
     * The backend named by the system property {@value #PROPERTY}, {@link #AUTO} when unset.
     *
     * @return the configured backend
     * @throws IllegalArgumentException when the property holds an unknown name
     */
    public static Backend fromSystemProperty() {
        String value = System.getProperty(PROPERTY);
        return value == null || value.isBlank() ? AUTO : parse(value);
    }

    /**
     * Parses {@code local}, {@code container} or {@code auto} (any case).
     *
     * @param value the name
     * @return the backend
     * @throws IllegalArgumentException for any other value
     * @throws NullPointerException     for null, naming it
     */
    public static Backend parse(String value) {
        Objects.requireNonNull(value, "backend name");
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown corosync testkit backend '" + value + "' (" + PROPERTY
                    + "): use local, container or auto", e);
        }
    }

    /**
     * Resolves {@link #AUTO} to a concrete backend.
     *
     * @return {@link #LOCAL} or {@link #CONTAINER}
     */
    public Backend resolve() {
        if (this != AUTO) {
            return this;
        }
        return Files.isExecutable(LocalCorosync.COROSYNC) && Privileges.isRoot() ? LOCAL : CONTAINER;
    }

    /**
     * Starts an instance on this backend.
     *
     * @param config the configuration
     * @return a running, ready instance
     */
    public Corosync start(CorosyncConfig config) {
        return switch (resolve()) {
            case LOCAL -> LocalCorosync.start(config);
            case CONTAINER -> CorosyncContainer.startNew(config);
            case AUTO -> throw new IllegalStateException("AUTO resolves to a concrete backend");
        };
    }
}
