package io.jcmap.protocol.ipc;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.os.Credentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * struct qb_ipc_connection_response as byte vectors: id @0, size @8, error @16 (each 8-aligned),
 * connection_type @24, max_msg_size @28, connection @32 (intptr), request @40, response @4136,
 * event @8232 (char[4096] each); 12328 bytes in all.
 */
class ConnectionResponsesTest {
    private static final int LENGTH = 12328;
    private static final int EBADMSG = 74;
    private static final int MIB = 1 << 20;
    private static final Credentials SERVER = new Credentials(4242, 0, 0);

    private static final class Answer {
        final ByteBuffer buf = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);

        Answer() {
            buf.putInt(0, -1).putInt(8, LENGTH).putInt(16, 0).putInt(24, 1).putInt(28, MIB).putLong(32, 0x7f00dead0000L);
            name(40, "/dev/shm/qb-1-2-3-abc/qb-request-cmap");
            name(4136, "/dev/shm/qb-1-2-3-abc/qb-response-cmap");
            name(8232, "/dev/shm/qb-1-2-3-abc/qb-event-cmap");
        }

        Answer i32(int offset, int value) {
            buf.putInt(offset, value);
            return this;
        }

        Answer name(int offset, String name) {
            for (int i = 0; i < 4096; i++) {
                buf.put(offset + i, (byte) 0);
            }
            buf.put(offset, name.getBytes(StandardCharsets.UTF_8));
            return this;
        }

        /** Fills a whole name field, leaving no room for its NUL. */
        Answer unterminated(int offset) {
            for (int i = 0; i < 4096; i++) {
                buf.put(offset + i, (byte) 'x');
            }
            return this;
        }

        ConnectionResponse decode() {
            // native memory, 8-aligned, as the setup socket's receive buffer is
            MemorySegment received = Arena.ofAuto().allocate(LENGTH, 8).copyFrom(MemorySegment.ofArray(buf.array()));
            return SetupSocket.ConnectionResponses.decode(received, SERVER, MIB);
        }

        void assertErrno(int errno) {
            ErrnoException e = assertThrows(ErrnoException.class, this::decode);
            assertEquals(errno, e.errno(), e.getMessage());
        }
    }

    @Test
    void shmAnswerDecodes() {
        ConnectionResponse r = new Answer().decode();
        assertEquals(TransportType.SHM, r.type());
        assertEquals(MIB, r.maxMessageSize());
        assertEquals("/dev/shm/qb-1-2-3-abc/qb-request-cmap", r.requestName());
        assertEquals("/dev/shm/qb-1-2-3-abc/qb-response-cmap", r.responseName());
        assertEquals("/dev/shm/qb-1-2-3-abc/qb-event-cmap", r.eventName());
        assertSame(SERVER, r.server());
    }

    @Test
    void socketAnswerDecodes() {
        ConnectionResponse r = new Answer().i32(24, 0)
                .name(40, "/dev/shm/qb-1-2-3-abc/qb-control-cmap")
                .name(4136, "/dev/shm/qb-1-2-3-abc/qb-cmap")
                .name(8232, "").decode();
        assertEquals(TransportType.SOCKET, r.type());
        assertEquals("/dev/shm/qb-1-2-3-abc/qb-control-cmap", r.requestName());
        assertEquals("/dev/shm/qb-1-2-3-abc/qb-cmap", r.responseName());
        assertEquals("", r.eventName());
    }

    @Test
    void largerMaxSizeThanAskedIsAccepted() {
        assertEquals(2 * MIB, new Answer().i32(28, 2 * MIB).decode().maxMessageSize());
        assertEquals(64 * MIB, new Answer().i32(28, 64 * MIB).decode().maxMessageSize());
    }

    @Test
    void nameOf4095BytesWithItsNulIsAccepted() {
        String longest = "/dev/shm/" + "n".repeat(4095 - 9);
        assertEquals(longest, new Answer().name(40, longest).decode().requestName());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 12, 13, 111, 4095})
    void negativeErrorIsTheServersErrno(int errno) {
        new Answer().i32(16, -errno).assertErrno(errno);
    }

    @Test
    void refusalIsReportedEvenWithoutTheRestOfTheAnswer() {
        // libqb leaves type, size and names zero when it refuses; the error decides
        Answer refusal = new Answer().i32(16, -13).i32(24, 0).i32(28, 0).name(40, "").name(4136, "").name(8232, "");
        refusal.assertErrno(13);
    }

    @ParameterizedTest
    @ValueSource(ints = {5, Integer.MAX_VALUE, Integer.MIN_VALUE, -4096, -100000})
    void positiveOrAbsurdErrorIsMalformed(int error) {
        new Answer().i32(16, error).assertErrno(EBADMSG);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, -2, 5})
    void wrongIdIsMalformed(int id) {
        new Answer().i32(0, id).assertErrno(EBADMSG);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 24, LENGTH - 1, LENGTH + 1, -1})
    void wrongSizeIsMalformed(int size) {
        new Answer().i32(8, size).assertErrno(EBADMSG);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, -1, 100})
    void unknownTransportTypeIsMalformed(int type) {
        new Answer().i32(24, type).assertErrno(EBADMSG);
    }

    @ParameterizedTest
    @ValueSource(ints = {40, 4136, 8232})
    void nameWithoutNulIsMalformed(int offset) {
        new Answer().unterminated(offset).assertErrno(EBADMSG);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 24, MIB - 1, 64 * MIB + 1, Integer.MAX_VALUE, -1, Integer.MIN_VALUE})
    void absurdOrTooSmallMaxSizeIsMalformed(int max) {
        new Answer().i32(28, max).assertErrno(EBADMSG);
    }

    @Test
    void connectionPointerIsOpaque() {
        Answer answer = new Answer();
        answer.buf.putLong(32, -1L);
        assertEquals(TransportType.SHM, answer.decode().type());
    }
}
