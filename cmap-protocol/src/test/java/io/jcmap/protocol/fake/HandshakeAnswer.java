package io.jcmap.protocol.fake;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A connection response as a fake server sends it, written at libqb's offsets (given here, not
 * taken from the main code, so that a wrong descriptor fails the tests):
 * id @0, size @8, error @16, connection_type @24, max_msg_size @28, connection @32,
 * request[4096] @40, response[4096] @4136, event[4096] @8232; 12328 bytes in all.
 * Every field can be set to something a real server would never send.
 */
public final class HandshakeAnswer {
    public static final int LENGTH = 12328;
    public static final int TYPE_SOCKET = 0;
    public static final int TYPE_SHM = 1;

    private int id = -1;
    private int size = LENGTH;
    private int error;
    private int type = TYPE_SHM;
    private int maxMessageSize;
    private String request = "";
    private String response = "";
    private String event = "";

    private HandshakeAnswer(int maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    /** A well-formed SHM answer naming the three rings. */
    public static HandshakeAnswer shm(int maxMessageSize, String request, String response, String event) {
        return new HandshakeAnswer(maxMessageSize).names(request, response, event);
    }

    /** A well-formed socket-transport answer: control file and datagram base name. */
    public static HandshakeAnswer socket(int maxMessageSize, String controlFile, String base) {
        HandshakeAnswer answer = new HandshakeAnswer(maxMessageSize).names(controlFile, base, "");
        answer.type = TYPE_SOCKET;
        return answer;
    }

    public HandshakeAnswer id(int value) {
        id = value;
        return this;
    }

    public HandshakeAnswer size(int value) {
        size = value;
        return this;
    }

    public HandshakeAnswer error(int value) {
        error = value;
        return this;
    }

    public HandshakeAnswer type(int value) {
        type = value;
        return this;
    }

    public HandshakeAnswer maxMessageSize(int value) {
        maxMessageSize = value;
        return this;
    }

    public HandshakeAnswer names(String requestName, String responseName, String eventName) {
        request = requestName;
        response = responseName;
        event = eventName;
        return this;
    }

    public byte[] bytes() {
        ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.nativeOrder());
        b.putInt(0, id).putInt(8, size).putInt(16, error).putInt(24, type).putInt(28, maxMessageSize);
        b.putLong(32, 0x1234_5678L);
        b.put(40, request.getBytes(StandardCharsets.UTF_8));
        b.put(4136, response.getBytes(StandardCharsets.UTF_8));
        b.put(8232, event.getBytes(StandardCharsets.UTF_8));
        return b.array();
    }
}
