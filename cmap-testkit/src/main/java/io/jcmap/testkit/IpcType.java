package io.jcmap.testkit;

/**
 * The libqb IPC transport corosync offers its clients, set with {@code system.qb_ipc_type}.
 */
public enum IpcType {
    /** Shared-memory ring buffers in {@code /dev/shm} (corosync's default). */
    SHM("shm"),
    /** Unix datagram sockets only, no shared-memory rings. */
    SOCKET("socket");

    private final String configValue;

    IpcType(String configValue) {
        this.configValue = configValue;
    }

    /**
     * The value written to {@code system.qb_ipc_type} in corosync.conf.
     *
     * @return {@code shm} or {@code socket}
     */
    public String configValue() {
        return configValue;
    }
}
