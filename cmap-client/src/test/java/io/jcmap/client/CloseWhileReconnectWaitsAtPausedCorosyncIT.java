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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * close() of a handle whose reconnect round waits for a real corosync paused (SIGSTOP) in the
 * middle of the round: after the round connected, before corosync answers its first request
 * ({@link CloseWhileReconnectWaitsForAnswerTest} against scripted servers), or before corosync
 * answers the round's handshake (the kernel queues the connection at its listening socket).
 * close() must end the round and leave no connection, though corosync never answers.
 */
@Tag("integration")
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CloseWhileReconnectWaitsAtPausedCorosyncIT {
    @RegisterExtension
    static final CorosyncExtension COROSYNC = CorosyncExtension.builder().ipcType(IpcType.SHM).build();
    private static final long WAIT_SECONDS = 5;
    /** Far beyond WAIT_SECONDS: a round that waits it out outlives close() visibly. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final String KEY = "rel.pausedround.key";

    @AfterEach
    void resumeCorosync(Corosync corosync) {
        if (corosync.isRunning()) {
            corosync.resume();
        } else {
            corosync.restart();
        }
    }

    @ParameterizedTest(name = "waiting for the answer to {1}")
    @CsvSource({"true, SET_CURRENT_MAP", "false, TRACK_ADD"})
    void closeEndsTheRoundAndClosesItsConnection(boolean selectsMap, String unanswered, Corosync corosync)
            throws Exception {
        AtomicInteger connects = new AtomicInteger();
        AtomicReference<Thread> round = new AtomicReference<>();
        AtomicReference<IpcConnection> fresh = new AtomicReference<>();
        CountDownLatch paused = new CountDownLatch(1);
        ConnectedHandle.Connector connector = (given, abort) -> {
            IpcConnection connection = Cmap.connect(given, abort);
            if (connects.getAndIncrement() > 0) {
                // the round's: connected, then corosync stops before it answers anything
                round.set(Thread.currentThread());
                fresh.set(connection);
                corosync.pause();
                paused.countDown();
            }
            return connection;
        };
        ConnectedHandle handle = new ConnectedHandle(CmapMap.ICMAP, options(corosync).build(), selectsMap, connector);
        try {
            loseTheConnectionUntil(handle, corosync, () -> paused.getCount() == 0,
                    "the round connected to the restarted corosync");
            Waits.until(() -> inStack(round.get(), frame -> frame.getClassName().equals(Pipeline.class.getName())
                    && frame.getMethodName().equals("await")), "the round waits for the answer to " + unanswered);
        } finally {
            handle.close();
        }
        assertRoundEnded(round.get(), "it waits for the answer to " + unanswered + " from the paused corosync");
        assertFalse(fresh.get().isConnected(), "the round's connection is closed");
    }

    @Test
    void closeEndsTheRoundsConnect(Corosync corosync) throws Exception {
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
        ConnectedHandle handle = new ConnectedHandle(CmapMap.ICMAP, options(corosync).connectTimeout(CONNECT_TIMEOUT)
                .build(), true, connector);
        try {
            // the handshake's wait shows as SetupSocket's frames (in the transport it shows as RUNNABLE)
            loseTheConnectionUntil(handle, corosync, () -> inStack(round.get(),
                    frame -> frame.getClassName().startsWith(SetupSocket.class.getName())),
                    "the round waits for the paused corosync's handshake answer");
        } finally {
            handle.close();
        }
        assertRoundEnded(round.get(), "its connect waits for the paused corosync's handshake answer up to the"
                + " connect timeout (" + CONNECT_TIMEOUT.toSeconds() + " s)");
        assertNull(connected.get(), "the round's connect returned a connection");
    }

    /**
     * As above, on the handle {@link Cmap#initialize} makes, with its own connector: the round's
     * connect must be one a close can abort there too (a merge once made the default path
     * connect with an abort nobody could reach, which only a test through that path would see).
     */
    @Test
    void closeEndsTheRoundsConnectOfAnInitializedHandle(Corosync corosync) throws Exception {
        AtomicReference<Thread> round = new AtomicReference<>();
        CountDownLatch paused = new CountDownLatch(1);
        ReconnectListener listener = new ReconnectListener() {
            @Override
            public void onReconnectFailed(int attempt, CmapException cause, Duration nextDelay) {
                if (round.compareAndSet(null, Thread.currentThread())) {
                    corosync.restart(); // back, then stopped before it can answer the next attempt's handshake
                    corosync.pause();
                    paused.countDown();
                }
            }
        };
        CmapHandle handle = Cmap.initialize(CmapMap.ICMAP, CorosyncEndpoint.options(corosync)
                .connectTimeout(CONNECT_TIMEOUT)
                .reconnect(new ReconnectPolicy(Duration.ofMillis(10), Duration.ofMillis(100), listener)).build());
        try {
            corosync.kill();
            Waits.until(() -> {
                try {
                    handle.getUint64(KEY);
                } catch (CmapException lostOrAbsent) {
                    // LIBRARY while lost
                }
                return paused.getCount() == 0 && inStack(round.get(),
                        frame -> frame.getClassName().startsWith(SetupSocket.class.getName()));
            }, "the round waits for the paused corosync's handshake answer");
        } finally {
            handle.close();
        }
        assertRoundEnded(round.get(), "its connect waits for the paused corosync's handshake answer up to the"
                + " connect timeout (" + CONNECT_TIMEOUT.toSeconds() + " s)");
    }

    private static CmapOptions.Builder options(Corosync corosync) {
        return CorosyncEndpoint.options(corosync).reconnect(new ReconnectPolicy(Duration.ofMillis(10),
                Duration.ofMillis(100), new ReconnectListener() { }));
    }

    /** Tracks a key, restarts corosync and calls until a call found the loss and {@code roundThere}. */
    private static void loseTheConnectionUntil(ConnectedHandle handle, Corosync corosync, BooleanSupplier roundThere,
                                               String what) {
        handle.trackAdd(KEY, EnumSet.of(TrackEvent.MODIFY), (h, n) -> { });
        corosync.restart();
        Waits.until(() -> {
            try {
                handle.getUint64(KEY);
            } catch (CmapException lostOrAbsent) {
                // LIBRARY while lost, NOT_EXIST once reconnected (which the pause prevents)
            }
            return roundThere.getAsBoolean();
        }, what);
    }

    private static void assertRoundEnded(Thread roundThread, String why) throws InterruptedException {
        roundThread.join(Duration.ofSeconds(WAIT_SECONDS));
        assertFalse(roundThread.isAlive(), () -> "the reconnect round was still running " + WAIT_SECONDS
                + " s after close(): " + why);
    }

    /** Whether {@code thread} (null: none yet) is in a frame that {@code frame} accepts. */
    private static boolean inStack(Thread thread, Predicate<StackTraceElement> frame) {
        if (thread == null) {
            return false;
        }
        for (StackTraceElement element : thread.getStackTrace()) {
            if (frame.test(element)) {
                return true;
            }
        }
        return false;
    }
}
