package io.jcmap.protocol.fake;

import io.jcmap.protocol.shm.ChunkDescriptor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.UnaryOperator;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The three rings of one fake SHM connection, and the server half of the protocol on them: take
 * a request from the request ring after its notification byte, answer in the response ring,
 * send events into the event ring with their notification bytes.
 */
public final class FakeRings implements AutoCloseable {
    private final FakeRing request;
    private final FakeRing response;
    private final FakeRing event;
    private final int maxMessageSize;

    private FakeRings(FakeRing request, FakeRing response, FakeRing event, int maxMessageSize) {
        this.request = request;
        this.response = response;
        this.event = event;
        this.maxMessageSize = maxMessageSize;
    }

    public static FakeRings create(ShmTempDirectory directory, int maxMessageSize) {
        FakeRing request = FakeRing.create(directory, "qb-request-fake", maxMessageSize, true);
        FakeRing response = FakeRing.create(directory, "qb-response-fake", maxMessageSize, false);
        FakeRing event = FakeRing.create(directory, "qb-event-fake", maxMessageSize, false);
        return new FakeRings(request, response, event, maxMessageSize);
    }

    public FakeRing request() {
        return request;
    }

    public FakeRing response() {
        return response;
    }

    public FakeRing event() {
        return event;
    }

    /** The well-formed answer naming these rings. */
    public HandshakeAnswer answer() {
        return HandshakeAnswer.shm(maxMessageSize, request.name(), response.name(), event.name());
    }

    /** Waits for the next request (notification byte, then the chunk) and returns its bytes. */
    public byte[] takeRequest(FakeSession session) {
        session.awaitNotification();
        if (!request.ring().semaphore().tryAcquire()) {
            throw new IllegalStateException("notification byte without a request in the ring");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(maxMessageSize);
            int length = request.ring().read(buffer);
            return buffer.asSlice(0, length).toArray(JAVA_BYTE);
        }
    }

    /** Puts one response into the response ring (which posts its semaphore). */
    public void respond(byte[] message) {
        write(response, message);
    }

    /** Puts one event into the event ring and sends its notification byte. */
    public void sendEvent(FakeSession session, byte[] message) {
        write(event, message);
        session.notifyEvent();
    }

    /** Answers every request with {@code answer} until the client leaves. */
    public void serve(FakeSession session, UnaryOperator<byte[]> answer) {
        while (true) {
            byte[] reply = answer.apply(takeRequest(session));
            if (reply != null) {
                respond(reply);
            }
        }
    }

    private static void write(FakeRing ring, byte[] message) {
        if (!ring.ring().write(MemorySegment.ofArray(message), message.length)) {
            throw new IllegalStateException("no room in " + ring.name() + " for " + message.length + " bytes");
        }
    }

    /** Words a chunk of {@code length} payload bytes takes, header included. */
    public static int chunkWords(int length) {
        return (int) (ChunkDescriptor.HEADER_WORDS + ChunkDescriptor.payloadWords(length));
    }

    @Override
    public void close() {
        request.close();
        response.close();
        event.close();
    }
}
