package io.jcmap.protocol.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.os.Credentials;
import io.jcmap.protocol.os.Errno;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Fuzzing of the handshake answer's decoder ({@code struct qb_ipc_connection_response}, 12328
 * bytes, always received whole): whatever the server sends, the decoder returns a consistent
 * {@link ConnectionResponse} or throws an {@link ErrnoException}: the server's own errno for a
 * refusal, EBADMSG for anything malformed. ConnectionResponsesTest has the examples.
 */
class ConnectionResponsePropertiesTest {
    private static final int LENGTH = ConnectionResponseDescriptor.LENGTH;
    private static final int MIB = 1 << 20;
    private static final int[] NAME_OFFSETS = {ConnectionResponseDescriptor.REQUEST_NAME_OFFSET,
            ConnectionResponseDescriptor.RESPONSE_NAME_OFFSET, ConnectionResponseDescriptor.EVENT_NAME_OFFSET};
    private static final Credentials SERVER = new Credentials(4242, 0, 0);

    @Property(tries = 1000, shrinking = ShrinkingMode.OFF)
    void randomAnswersOnlyFailWithAnErrno(@ForAll @Size(min = LENGTH, max = LENGTH) byte[] bytes,
                                          @ForAll("requestedSizes") int requested) {
        decodeAndCheck(bytes, requested);
    }

    @Property(tries = 3000, shrinking = ShrinkingMode.OFF)
    void mutatedValidAnswersOnlyFailWithAnErrno(@ForAll boolean shm,
                                                @ForAll @Size(max = 6) List<@IntRange(min = 0, max = LENGTH - 1) Integer> positions,
                                                @ForAll @Size(min = 6, max = 6) List<Byte> values,
                                                @ForAll @Size(max = 3) List<@IntRange(min = 0, max = 8) Integer> headerWords,
                                                @ForAll @Size(min = 3, max = 3) List<Integer> wordValues,
                                                @ForAll @IntRange(min = 0, max = 3) int unterminated,
                                                @ForAll("requestedSizes") int requested) {
        ByteBuffer answer = valid(shm);
        for (int i = 0; i < positions.size(); i++) {
            answer.put(positions.get(i), values.get(i));
        }
        for (int i = 0; i < headerWords.size(); i++) {
            // id, size, error, connection_type and max_msg_size live in the first 32 bytes
            answer.putInt(headerWords.get(i) * 4 % 32, wordValues.get(i));
        }
        if (unterminated > 0) {
            int offset = NAME_OFFSETS[unterminated - 1];
            for (int i = 0; i < ConnectionResponseDescriptor.PATH_MAX; i++) {
                answer.put(offset + i, (byte) 'x');
            }
        }
        decodeAndCheck(answer.array(), requested);
    }

    @Provide
    Arbitrary<Integer> requestedSizes() {
        return Arbitraries.oneOf(Arbitraries.of(MIB, 1, 4096, 64 * MIB), Arbitraries.integers().between(1, 2 * MIB));
    }

    private static ByteBuffer valid(boolean shm) {
        ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(ConnectionResponseDescriptor.ID_OFFSET, ConnectionRequestDescriptor.AUTHENTICATE)
                .putInt(ConnectionResponseDescriptor.SIZE_OFFSET, LENGTH)
                .putInt(ConnectionResponseDescriptor.CONNECTION_TYPE_OFFSET,
                        shm ? ConnectionResponseDescriptor.TYPE_SHM : ConnectionResponseDescriptor.TYPE_SOCKET)
                .putInt(ConnectionResponseDescriptor.MAX_MESSAGE_SIZE_OFFSET, MIB);
        String base = "/dev/shm/qb-1-2-3-abc/qb-";
        String[] names = shm ? new String[] {base + "request-cmap", base + "response-cmap", base + "event-cmap"}
                : new String[] {base + "control-cmap", "/dev/shm/qb-1-2-3-abc/qb-cmap", ""};
        for (int i = 0; i < 3; i++) {
            b.put(NAME_OFFSETS[i], names[i].getBytes(StandardCharsets.UTF_8));
        }
        return b;
    }

    private static void decodeAndCheck(byte[] bytes, int requested) {
        MemorySegment received = Arena.ofAuto().allocate(LENGTH, 8).copyFrom(MemorySegment.ofArray(bytes));
        int error = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(ConnectionResponseDescriptor.ERROR_OFFSET);
        ConnectionResponse response;
        try {
            response = SetupSocket.ConnectionResponses.decode(received, SERVER, requested);
        } catch (ErrnoException e) {
            int expected = error < 0 && error >= -Errno.MAX_ERRNO ? -error : Errno.EBADMSG;
            assertEquals(expected, e.errno(), e::getMessage);
            assertFalse(e.getMessage().isEmpty());
            return;
        }
        assertEquals(0, error, "a refusal never decodes");
        assertTrue(response.maxMessageSize() >= requested && response.maxMessageSize() <= 64 * MIB,
                () -> "max message size " + response.maxMessageSize());
        for (String name : List.of(response.requestName(), response.responseName(), response.eventName())) {
            assertFalse(name.indexOf('\0') >= 0, "a name ends at its NUL");
            assertTrue(name.getBytes(StandardCharsets.UTF_8).length < ConnectionResponseDescriptor.PATH_MAX
                    || name.contains("\uFFFD"), "a name fits its field");
        }
        assertEquals(SERVER, response.server());
    }
}
