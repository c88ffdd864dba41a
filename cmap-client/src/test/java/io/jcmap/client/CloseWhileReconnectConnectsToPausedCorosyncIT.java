package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jcmap.client.it.CorosyncEndpoint;
import io.jcmap.protocol.ipc.IpcConnection;
import io.jcmap.protocol.ipc.SetupSocket;
import io.jcmap.testkit.Corosync;
import io.jcmap.testkit.CorosyncExtension;
import io.jcmap.testkit.IpcType;

import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A reconnect round still inside its connect when the handle closes, against a real corosync
 * paused (SIGSTOP) just before the round connects: the kernel queues the connection at corosync's
 * listening socket, and the handshake answer never comes. close() must end the connect, not
 * leave the round's thread and socket until the connect timeout.
 */
@Tag("integration")
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CloseWhileReconnectConnectsToPausedCorosyncIT {
    @RegisterExtension
    static final CorosyncExtension COROSYNC = CorosyncExtension.builder().ipcType(IpcType.SHM).build();
    private static final long WAIT_SECONDS = 5;
    /** Far beyond WAIT_SECONDS: a round that waits it out outlives close() visibly. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    @AfterEach
    void resumeCorosync(Corosync corosync) {
        if (corosync.isRunning()) {
            corosync.resume();
        } else {
            corosync.restart();
        }
    }

    @Test
    void closeEndsTheRoundsConnect(Corosync corosync) throws Exception {
        CmapOptions options = CorosyncEndpoint.options(corosync).connectTimeout(CONNECT_TIMEOUT)
                .reconnect(new ReconnectPolicy(Duration.ofMillis(10), Duration.ofMillis(100),
                        new ReconnectListener() { })).build();
        AtomicInteger connects = new AtomicInteger();
        AtomicReference<Thread> round = new AtomicReference<>();
        AtomicReference<IpcConnection> connected = new AtomicReference<>();
        ConnectedHandle.Connector connector = (given, abort) -> {
            if (connects.getAndIncrement() > 0 && round.compareAndSet(null, Thread.currentThread())) {
                corosync.pause(); // the round's: corosync stops before it can answer the handshake
            }
            IpcConnection connection = Cmap.connect(given, abort);
            if (round.get() == Thread.currentThread()) {
                connected.set(connection);
            }
            return connection;
        };
        ConnectedHandle handle = new ConnectedHandle(CmapMap.ICMAP, options, true, connector);
        try {
            handle.trackAdd("rel.pausedconnect.key", EnumSet.of(TrackEvent.MODIFY), (h, n) -> { });
            corosync.restart();
            // a call finds the connection lost, which starts the round
            Waits.until(() -> {
                try {
                    handle.getUint64("rel.pausedconnect.key");
                } catch (CmapException lostOrAbsent) {
                    // LIBRARY while lost, NOT_EXIST once reconnected (which the pause prevents)
                }
                return inHandshake(round.get());
            }, "the round waits for the paused corosync's handshake answer");
        } finally {
            handle.close();
        }
        Thread roundThread = round.get();
        roundThread.join(Duration.ofSeconds(WAIT_SECONDS));
        assertFalse(roundThread.isAlive(), () -> "the reconnect round was still running " + WAIT_SECONDS
                + " s after close(): its connect waits for the paused corosync's handshake answer up to the"
                + " connect timeout (" + CONNECT_TIMEOUT.toSeconds() + " s)");
        assertNull(connected.get(), "the round's connect returned a connection");
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
}
