package io.jcmap.protocol.socket;

/**
 * The control file of the socket transport: three {@code struct ipc_us_control}, one per
 * channel (request, response, event), each
 * <pre>
 *   0 int32 sent          datagrams sent on the channel and not yet received
 *   4 int32 flow_control  set by the server on the request channel to ask for a pause
 * </pre>
 */
public final class ControlDescriptor {
    public static final int SENT_OFFSET = 0;
    public static final int FLOW_CONTROL_OFFSET = 4;
    public static final int CHANNEL_LENGTH = 8;

    public static final int REQUEST_CHANNEL = 0;
    public static final int RESPONSE_CHANNEL = CHANNEL_LENGTH;
    public static final int EVENT_CHANNEL = 2 * CHANNEL_LENGTH;
    public static final int LENGTH = 3 * CHANNEL_LENGTH;

    /** Suffixes libqb appends to the base name the server sends for the datagram sockets. */
    public static final String REQUEST_SOCKET = "-request";
    public static final String RESPONSE_SOCKET = "-response";
    public static final String EVENT_SOCKET = "-event";
    public static final String EVENT_SENDER_SOCKET = "-event-tx";

    private ControlDescriptor() {
    }
}
