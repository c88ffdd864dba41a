package io.jcmap.protocol.os;

import io.jcmap.protocol.ErrnoException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Datagrams sent together with one sendmmsg, over a datagram socketpair. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class DatagramRunTest {
    /** Larger than a quarter of the default send buffer (212,992 bytes): a few fill it. */
    private static final int LARGE = 64 * 1024;

    private final SocketPairs sockets = new SocketPairs();
    private final Arena arena = sockets.arena();

    @AfterEach
    void closeAll() {
        sockets.close();
    }

    private UnixSocket[] pair() {
        return sockets.pair(true);
    }

    /** {@code length} bytes, each {@code mark}. */
    private MemorySegment datagram(int mark, int length) {
        MemorySegment bytes = arena.allocate(length);
        bytes.fill((byte) mark);
        return bytes;
    }

    @Test
    void aRunArrivesAsItsDatagramsInOrderWithTheirLengths() {
        UnixSocket[] pair = pair();
        DatagramRun run = new DatagramRun(8);
        int[] lengths = {24, 300, 1, 4096};
        for (int i = 0; i < lengths.length; i++) {
            // a longer segment than the datagram: only the length given goes
            assertTrue(run.add(datagram(i + 1, lengths[i] + 16), lengths[i]));
        }
        assertEquals(lengths.length, run.size());

        assertEquals(lengths.length, run.sendOn(pair[0]));
        assertTrue(run.isEmpty(), "sent, so gone from the run");

        MemorySegment into = arena.allocate(8192);
        for (int i = 0; i < lengths.length; i++) {
            assertEquals(lengths[i], pair[1].receive(into, into.byteSize()));
            assertEquals(i + 1, into.get(JAVA_BYTE, 0));
            assertEquals(i + 1, into.get(JAVA_BYTE, lengths[i] - 1));
        }
        assertEquals(UnixSocket.WOULD_BLOCK, pair[1].receive(into, into.byteSize()));
    }

    @Test
    void aFullRunRefusesMoreAndKeepsWhatItHas() {
        DatagramRun run = new DatagramRun(2);
        assertTrue(run.add(datagram(1, 8), 8));
        assertTrue(run.add(datagram(2, 8), 8));
        assertFalse(run.add(datagram(3, 8), 8));
        assertEquals(2, run.size());
        run.clear();
        assertTrue(run.isEmpty());
        assertTrue(run.add(datagram(4, 8), 8), "room again once cleared");
    }

    @Test
    void aRunLargerThanTheSendBufferGoesAsFarAsItFitsAndSaysHowFar() {
        UnixSocket[] pair = pair();
        int count = 8;
        DatagramRun run = new DatagramRun(count);
        for (int i = 0; i < count; i++) {
            run.add(datagram(i + 1, LARGE), LARGE);
        }

        int sent = run.sendOn(pair[0]);
        assertTrue(sent > 0 && sent < count, sent + " of " + count + " sent");
        assertTrue(run.isEmpty(), "the rest is the caller's to send again");

        MemorySegment into = arena.allocate(LARGE);
        for (int i = 0; i < sent; i++) {
            assertEquals(LARGE, pair[1].receive(into, LARGE));
            assertEquals(i + 1, into.get(JAVA_BYTE, 0), "the first ones, in order");
        }
        assertEquals(UnixSocket.WOULD_BLOCK, pair[1].receive(into, LARGE));
    }

    @Test
    void aRunOnAFullSocketSendsNothing() {
        UnixSocket[] pair = pair();
        MemorySegment filler = datagram(9, LARGE);
        while (pair[0].send(filler, LARGE) != UnixSocket.WOULD_BLOCK) {
            // fill the send buffer: the peer reads nothing
        }
        DatagramRun run = new DatagramRun(4);
        run.add(datagram(1, 16), 16);

        assertEquals(0, run.sendOn(pair[0]));
        assertTrue(run.isEmpty());
    }

    @Test
    void aRunOnAClosedPeerFailsWithItsErrno() {
        UnixSocket[] pair = pair();
        pair[1].close();
        DatagramRun run = new DatagramRun(4);
        run.add(datagram(1, 16), 16);

        ErrnoException failed = assertThrows(ErrnoException.class, () -> run.sendOn(pair[0]));
        assertTrue(failed.getMessage().contains("sendmmsg"), failed.getMessage());
        assertTrue(run.isEmpty(), "cleared even after a failure");
    }
}
