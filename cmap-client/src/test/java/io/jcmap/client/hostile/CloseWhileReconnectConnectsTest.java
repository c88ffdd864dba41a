package io.jcmap.client.hostile;

import io.jcmap.client.Cmap;
import io.jcmap.client.CmapException;
import io.jcmap.client.CmapHandle;
import io.jcmap.client.CmapMap;
import io.jcmap.client.CmapOptions;
import io.jcmap.client.CsError;
import io.jcmap.client.Endpoint;
import io.jcmap.client.ReconnectListener;
import io.jcmap.client.ReconnectPolicy;
import io.jcmap.protocol.fake.FakeRings;
import io.jcmap.protocol.fake.FakeServer;
import io.jcmap.protocol.fake.FakeSession;
import io.jcmap.protocol.fake.ShmTempDirectory;
import io.jcmap.protocol.ipc.SetupSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * close() of a handle whose reconnect round is still inside its connect: the server accepted the
 * round's setup socket but never answers the handshake (a corosync paused with SIGSTOP, whose
 * listen queue takes the connection). close() broke down only a round's session once opened; the
 * connect waited out the connect timeout, the round's thread and socket with it.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CloseWhileReconnectConnectsTest {
    private static final int SET_CURRENT_MAP_RESPONSE = 10;
    private static final int CS_OK = 1;
    private static final long WAIT_SECONDS = 5;
    /** Far beyond WAIT_SECONDS: a round that waits it out outlives close() visibly. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    private final ShmTempDirectory shm = ShmTempDirectory.create("jcmap-hostile-");

    @AfterEach
    void tearDown() {
        shm.close();
    }

    @Test
    void closeEndsTheRoundsConnectAndItsSocket() throws Exception {
        List<String> callsAfterClose = new CopyOnWriteArrayList<>();
        AtomicInteger closes = new AtomicInteger();
        AtomicReference<Thread> round = new AtomicReference<>();
        ReconnectListener listener = new ReconnectListener() {
            @Override
            public void onDisconnected(CmapException cause) {
                round.compareAndSet(null, Thread.currentThread()); // the round's thread
            }

            @Override
            public void onReconnectFailed(int attempt, CmapException cause, Duration nextDelay) {
                if (closes.get() > 0) {
                    callsAfterClose.add("onReconnectFailed(" + attempt + ", " + cause.getMessage() + ")");
                }
            }

            @Override
            public void onReconnected(int attempts) {
                callsAfterClose.add("onReconnected(" + attempts + ")");
            }
        };
        AtomicInteger sessions = new AtomicInteger();
        try (FakeRings rings = FakeRings.create(shm, FakeServer.MAX_MESSAGE_SIZE);
             FakeServer server = FakeServer.start(session -> {
                 if (sessions.getAndIncrement() == 0) {
                     servedThenHungUp(rings, session);
                 } // the round's: accepted, its handshake never answered
             })) {
            CmapOptions options = CmapOptions.builder().endpoint(Endpoint.abstractName(server.name()))
                    .maxMessageSize(FakeServer.MAX_MESSAGE_SIZE).connectTimeout(CONNECT_TIMEOUT)
                    .reconnect(new ReconnectPolicy(Duration.ofMillis(1), Duration.ofMillis(1), listener)).build();
            CmapHandle cmap = Cmap.initialize(CmapMap.ICMAP, options);
            FakeSession roundsSession;
            long started;
            try {
                CmapException lost = assertThrows(CmapException.class, () -> cmap.getUint8("any.key"));
                assertEquals(CsError.LIBRARY, lost.error(), lost::getMessage);
                Waits.until(() -> server.sessions().size() == 2, "the server accepted the round's connection");
                roundsSession = server.sessions().get(1);
                Waits.until(() -> inHandshake(round.get()), "the reconnect round waits for the handshake answer");
            } finally {
                started = System.nanoTime();
                closes.incrementAndGet();
                cmap.close(); // also when the test failed before: the round would reconnect for ever
            }
            long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            Thread roundThread = round.get();
            roundThread.join(Duration.ofSeconds(WAIT_SECONDS));
            assertFalse(roundThread.isAlive(), () -> "the reconnect round was still running " + WAIT_SECONDS
                    + " s after close() (which took " + closeMillis + " ms): its connect waits for the handshake"
                    + " answer up to the connect timeout (" + CONNECT_TIMEOUT.toSeconds() + " s)\n"
                    + stackOf(roundThread));
            Waits.until(() -> roundsSession.socket().isClosed(), "the server saw the round's setup socket close");
            assertTrue(closeMillis < TimeUnit.SECONDS.toMillis(WAIT_SECONDS), "close() took " + closeMillis + " ms");
            assertEquals(List.of(), callsAfterClose, "listener calls after close()");
        }
    }

    /** Answers the handshake and initialize_map, takes the next request and hangs up. */
    private static void servedThenHungUp(FakeRings rings, FakeSession session) {
        session.send(rings.answer().bytes());
        rings.takeRequest(session);
        rings.respond(ByteBuffer.allocate(24).order(ByteOrder.nativeOrder())
                .putInt(0, SET_CURRENT_MAP_RESPONSE).putInt(8, 24).putInt(16, CS_OK).array());
        rings.takeRequest(session);
        session.hangUp();
    }

    /** Whether {@code thread} waits in the handshake of a connect. */
    private static boolean inHandshake(Thread thread) {
        if (thread == null) {
            return false;
        }
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().startsWith(SetupSocket.class.getName())) {
                return true;
            }
        }
        return false;
    }

    private static String stackOf(Thread thread) {
        StringBuilder out = new StringBuilder();
        for (StackTraceElement frame : thread.getStackTrace()) {
            out.append("\tat ").append(frame).append('\n');
        }
        return out.toString();
    }

    /** Waiting on a condition with a timeout (the client package's Waits is not visible here). */
    private static final class Waits {
        static void until(java.util.function.BooleanSupplier condition, String what) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!condition.getAsBoolean()) {
                assertTrue(System.nanoTime() - deadline < 0, "timed out waiting until " + what);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
    }
}
