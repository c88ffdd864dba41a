package io.jcmap.protocol.fake;

import io.jcmap.protocol.ipc.Ipc;
import io.jcmap.protocol.ipc.IpcConnection;
import io.jcmap.protocol.shm.Ring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Responses whose footprints fit the SHM connection's response capacity always find room in
 * the response ring, written one after another with none read (the server's check is libqb's
 * free-space test, which {@link Ring#write} shares), and when they fill it exactly, not even an
 * empty response fits beside them.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ResponseRoomTest {
    private static final int MAX = FakeServer.MAX_MESSAGE_SIZE;

    private final Arena arena = Arena.ofShared();

    @AfterEach
    void tearDown() {
        arena.close();
    }

    @Test
    void responsesWithinTheCapacityAllFitUnread() {
        SplittableRandom random = new SplittableRandom(18);
        MemorySegment message = arena.allocate(MAX);
        int exact = 0;
        for (int trial = 0; trial < 50; trial++) {
            try (ShmTempDirectory shm = ShmTempDirectory.create("jcmap-room-");
                 FakeRings rings = FakeRings.create(shm, MAX);
                 FakeServer server = FakeServer.start(session -> session.send(rings.answer().bytes()));
                 IpcConnection connection = Ipc.connect(server.options())) {
                Ring ring = rings.response().ring();
                long room = connection.responseCapacity();
                // start anywhere in the ring: write and read a first response
                int skip = random.nextInt(1, MAX);
                assertTrue(ring.write(message, skip));
                assertTrue(ring.semaphore().tryAcquire()); // as a reader takes the count with the chunk
                ring.read(arena.allocate(MAX));
                long used = 0;
                while (true) {
                    int length = trial % 2 == 0 ? random.nextInt(0, MAX + 1) : random.nextInt(0, 400);
                    long footprint = connection.responseFootprint(length);
                    if (used + footprint > room) {
                        break;
                    }
                    long before = used;
                    assertTrue(ring.write(message, length), () -> "a response of " + length + " bytes refused with "
                            + before + " of " + room + " bytes of room taken");
                    used += footprint;
                }
                // the rest exactly, if a response can take it: it fits (the capacity is not too large),
                // and then not even an empty one does (nor too small)
                long rest = room - used;
                int last = (int) Math.min(MAX, rest - connection.responseFootprint(0));
                if (last >= 0 && connection.responseFootprint(last) == rest) {
                    assertTrue(ring.write(message, last), "a response filling the capacity exactly");
                    assertFalse(ring.write(message, 0), "an empty response beside them");
                    exact++;
                }
            }
        }
        assertTrue(exact > 10, "trials that filled the capacity exactly: " + exact);
    }
}
