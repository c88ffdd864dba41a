package io.jcmap.protocol.ipc;

import io.jcmap.protocol.os.Credentials;

/**
 * What the server answered to the authenticate request, and who it is.
 *
 * @param type the transport the server chose
 * @param maxMessageSize the size limit both sides now use for one message
 * @param requestName request ring name (SHM) or control file (socket)
 * @param responseName response ring name (SHM) or datagram socket base name (socket)
 * @param eventName event ring name (SHM)
 * @param server the server's credentials as the kernel reported them
 */
public record ConnectionResponse(TransportType type, int maxMessageSize, String requestName,
                                 String responseName, String eventName, Credentials server) {
}
