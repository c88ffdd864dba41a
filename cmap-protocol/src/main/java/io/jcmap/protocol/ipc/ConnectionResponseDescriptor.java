package io.jcmap.protocol.ipc;

/**
 * libqb's {@code struct qb_ipc_connection_response}, the server's answer on the setup socket:
 * <pre>
 *     0 int32  id              -1, 8-aligned
 *     8 int32  size            12328, 8-aligned
 *    16 int32  error           0 or a negative errno, 8-aligned
 *    24 int32  connection_type 0 socket, 1 shared memory (enum qb_ipc_type)
 *    28 uint32 max_msg_size    the size both sides will use: max(ours, the server's)
 *    32 intptr connection      a server-side pointer, opaque to us
 *    40 char   request[4096]   per transport: a ring name, or the control file
 *  4136 char   response[4096]  a ring name, or the base name of the datagram sockets
 *  8232 char   event[4096]     a ring name (unused by the socket transport)
 * </pre>
 */
public final class ConnectionResponseDescriptor {
    public static final int ID_OFFSET = 0;
    public static final int SIZE_OFFSET = 8;
    public static final int ERROR_OFFSET = 16;
    public static final int CONNECTION_TYPE_OFFSET = 24;
    public static final int MAX_MESSAGE_SIZE_OFFSET = 28;
    public static final int CONNECTION_OFFSET = 32;
    public static final int PATH_MAX = 4096;
    public static final int REQUEST_NAME_OFFSET = 40;
    public static final int RESPONSE_NAME_OFFSET = REQUEST_NAME_OFFSET + PATH_MAX;
    public static final int EVENT_NAME_OFFSET = RESPONSE_NAME_OFFSET + PATH_MAX;
    public static final int LENGTH = EVENT_NAME_OFFSET + PATH_MAX;

    /** enum qb_ipc_type values. */
    public static final int TYPE_SOCKET = 0;
    public static final int TYPE_SHM = 1;

    private ConnectionResponseDescriptor() {
    }
}
