package io.jcmap.protocol.ipc;

/**
 * libqb's {@code struct qb_ipc_connection_request}, sent first on the setup socket:
 * <pre>
 *   0 int32 id            -1 (QB_IPC_MSG_AUTHENTICATE), 8-aligned
 *   8 int32 size          24, 8-aligned
 *  16 uint32 max_msg_size the largest message the client wants to exchange
 * </pre>
 */
public final class ConnectionRequestDescriptor {
    public static final int ID_OFFSET = 0;
    public static final int SIZE_OFFSET = 8;
    public static final int MAX_MESSAGE_SIZE_OFFSET = 16;
    public static final int LENGTH = 24;

    /** QB_IPC_MSG_AUTHENTICATE. */
    public static final int AUTHENTICATE = -1;

    private ConnectionRequestDescriptor() {
    }
}
