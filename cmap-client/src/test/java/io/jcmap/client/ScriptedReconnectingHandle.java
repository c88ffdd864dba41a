package io.jcmap.client;

import io.jcmap.protocol.ipc.IpcConnection;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A reconnecting ConnectedHandle over two scripted servers, tracking {@link #KEY}: it connects to
 * {@link #first}, which the test loses, and its round (delays of 1 ms) connects to {@link #second}.
 * The tests of what runs while a handle loses its connection share it, so that each says only how
 * the connection is lost and what runs meanwhile.
 */
final class ScriptedReconnectingHandle {
    static final String KEY = "k.tracked";

    final ScriptedCmapServer first = new ScriptedCmapServer(0x1000);
    final ScriptedCmapServer second = new ScriptedCmapServer(0x2000);
    /** Counted down by onReconnected. */
    final CountDownLatch reconnected = new CountDownLatch(1);
    /** What the handle's listener on {@link #KEY} was notified of. */
    final List<CmapNotification> received = new CopyOnWriteArrayList<>();
    /** The listener on {@link #KEY}, for a test's other trackings too. */
    final CmapListener listener = (handle, notification) -> received.add(notification);
    private ConnectedHandle handle;

    /** Opens the handle; its round connects to {@link #second} at the first attempt. */
    ConnectedHandle open() {
        return open(0, callback -> { });
    }

    /**
     * Opens the handle; its round's first {@code failedAttempts} attempts fail (corosync not back
     * yet) before it connects to {@link #second}, and {@code inCallback} runs in each of the round's
     * onDisconnected and onReconnectFailed, given the callback's name.
     */
    ConnectedHandle open(int failedAttempts, Consumer<String> inCallback) {
        return open(failedAttempts, false, inCallback);
    }

    /** As above; with {@code selectsMap} each connection first selects the map (SET_CURRENT_MAP). */
    ConnectedHandle open(int failedAttempts, boolean selectsMap, Consumer<String> inCallback) {
        AtomicInteger attempts = new AtomicInteger();
        Function<CmapOptions, IpcConnection> connector = options -> {
            int attempt = attempts.getAndIncrement();
            if (attempt == 0) {
                return first;
            }
            if (attempt <= failedAttempts) {
                throw new CmapException(CsError.LIBRARY, "scripted: corosync not back yet");
            }
            return second;
        };
        ReconnectListener reconnects = new ReconnectListener() {
            @Override
            public void onDisconnected(CmapException cause) {
                inCallback.accept("onDisconnected");
            }

            @Override
            public void onReconnectFailed(int attempt, CmapException cause, Duration nextDelay) {
                inCallback.accept("onReconnectFailed");
            }

            @Override
            public void onReconnected(int attempts) {
                reconnected.countDown();
            }
        };
        CmapOptions options = CmapOptions.builder()
                .reconnect(new ReconnectPolicy(Duration.ofMillis(1), Duration.ofMillis(1), reconnects)).build();
        handle = new ConnectedHandle(CmapMap.ICMAP, options, selectsMap, connector);
        handle.trackAdd(KEY, EnumSet.of(TrackEvent.DELETE), listener);
        return handle;
    }

    /** Closes the handle, if it was opened: for a test's tearDown. */
    void close() {
        if (handle != null) {
            handle.close();
        }
    }
}
