package io.jcmap.protocol.ipc;

/** The two libqb transports corosync offers (system.qb_ipc_type). */
public enum TransportType {
    /** Datagram sockets plus a small shared control file. */
    SOCKET,
    /** Three shared-memory rings plus notifications on the setup socket. */
    SHM
}
