package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.jcmap.client.it.CorosyncEndpoint;
import io.jcmap.protocol.ipc.IpcConnection;
import io.jcmap.testkit.Corosync;
import io.jcmap.testkit.CorosyncExtension;
import io.jcmap.testkit.IpcType;

import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link CloseWhileReconnectWaitsForAnswerTest} against a real corosync: the round connects to the
 * restarted corosync, which is then paused (SIGSTOP) before it answers the round's first request.
 * close() must end the round and close its connection, though corosync never answers.
 */
@Tag("integration")
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CloseWhileReconnectWaitsAtPausedCorosyncIT {
    @RegisterExtension
    static final CorosyncExtension COROSYNC = CorosyncExtension.builder().ipcType(IpcType.SHM).build();
    private static final long WAIT_SECONDS = 5;

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
        ReconnectListener quiet = new ReconnectListener() { };
        CmapOptions options = CorosyncEndpoint.options(corosync)
                .reconnect(new ReconnectPolicy(Duration.ofMillis(10), Duration.ofMillis(100), quiet)).build();
        AtomicInteger connects = new AtomicInteger();
        AtomicReference<Thread> round = new AtomicReference<>();
        AtomicReference<IpcConnection> fresh = new AtomicReference<>();
        CountDownLatch paused = new CountDownLatch(1);
        Function<CmapOptions, IpcConnection> connector = given -> {
            IpcConnection connection = Cmap.connect(given);
            if (connects.getAndIncrement() > 0) {
                // the round's: connected, then corosync stops before it answers anything
                round.set(Thread.currentThread());
                fresh.set(connection);
                corosync.pause();
                paused.countDown();
            }
            return connection;
        };
        ConnectedHandle handle = new ConnectedHandle(CmapMap.ICMAP, options, selectsMap, connector);
        try {
            handle.trackAdd("rel.pausedround.key", EnumSet.of(TrackEvent.MODIFY), (h, n) -> { });
            corosync.restart();
            // a call finds the connection lost, which starts the round
            Waits.until(() -> {
                try {
                    handle.getUint64("rel.pausedround.key");
                } catch (CmapException lostOrAbsent) {
                    // LIBRARY while lost, NOT_EXIST once reconnected (which the pause prevents)
                }
                return paused.getCount() == 0;
            }, "the round connected to the restarted corosync");
            Waits.until(() -> awaitsAnAnswer(round.get()), "the round waits for the answer to " + unanswered);
        } finally {
            handle.close();
        }
        Thread roundThread = round.get();
        roundThread.join(Duration.ofSeconds(WAIT_SECONDS));
        assertFalse(roundThread.isAlive(), () -> "the reconnect round was still running " + WAIT_SECONDS
                + " s after close(): it waits for the answer to " + unanswered + " from the paused corosync");
        assertFalse(fresh.get().isConnected(), "the round's connection is closed");
    }

    /** Whether {@code thread} waits for a request's answer (Pipeline#await; in the transport it shows as RUNNABLE). */
    private static boolean awaitsAnAnswer(Thread thread) {
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().equals(Pipeline.class.getName()) && frame.getMethodName().equals("await")) {
                return true;
            }
        }
        return false;
    }
}
