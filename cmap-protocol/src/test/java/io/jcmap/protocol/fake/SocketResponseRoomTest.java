package io.jcmap.protocol.fake;

import io.jcmap.protocol.ipc.Ipc;
import io.jcmap.protocol.ipc.IpcConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * On the socket transport the server's answers wait in its send buffer until we read them, and
 * one that finds it full is dropped. The connection's response capacity is that buffer as libqb
 * sized it, and answers whose footprints fit it all go with none read: a footprint bounds what
 * the kernel charges for a datagram, which is up to twice its bytes (it takes them from
 * power-of-two caches). The old accounting, the message size and a datagram's length plus 1 KiB,
 * let corosync drop answers on a stock kernel, whose 212,992-byte net.core.wmem_max caps
 * libqb's buffer below jcmap's 512 KiB messages (2026-12-07).
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SocketResponseRoomTest {
    /** CMAP's longest answer: a GET that reserved the longest value corosync stores. */
    private static final int LONGEST_CMAP_ANSWER = 40 + 16_385;

    private final ShmTempDirectory shm = ShmTempDirectory.create("jcmap-room-");

    @AfterEach
    void tearDown() {
        shm.close();
    }

    /**
     * Negotiated sizes: the fake's 16 KiB, for which libqb leaves the kernel's default buffer,
     * and 300,000 bytes, for which it asks for a larger one; the client asks for 16 KiB, so for
     * the second it sizes a socket of its own to learn the server's buffer.
     */
    @ParameterizedTest
    @ValueSource(ints = {FakeServer.MAX_MESSAGE_SIZE, 300_000})
    void answersWithinTheCapacityAllGoUnread(int negotiated) throws InterruptedException {
        SplittableRandom random = new SplittableRandom(negotiated);
        for (int trial = 0; trial < 20; trial++) {
            int longest = trial % 2 == 0 ? Math.min(negotiated, LONGEST_CMAP_ANSWER) : 400;
            CountDownLatch connected = new CountDownLatch(1);
            try (FakeSocketChannels channels = FakeSocketChannels.create(shm, negotiated);
                 FakeServer server = FakeServer.start(session -> {
                     session.send(channels.answer().bytes());
                     channels.connectToClient(session);
                     connected.countDown();
                 });
                 IpcConnection connection = Ipc.connect(server.options())) {
                assertTrue(connected.await(5, TimeUnit.SECONDS), "the fake server connected its sockets");
                long room = connection.responseCapacity();
                assertEquals(channels.responseSendBuffer(), room, "the capacity is the server's send buffer");
                long used = 0;
                int sent = 0;
                while (true) {
                    int length = random.nextInt(0, longest + 1);
                    long footprint = connection.responseFootprint(length);
                    if (used + footprint > room) {
                        break;
                    }
                    try {
                        channels.respond(new byte[length]);
                    } catch (IllegalStateException dropped) {
                        fail("an answer of " + length + " bytes found the buffer full after " + sent + " answers, "
                                + used + " of " + room + " bytes of room counted", dropped);
                    }
                    used += footprint;
                    sent++;
                }
                assertTrue(sent > 0, "answers were sent");
            }
        }
    }
}
