package io.jcmap.client;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.jcmap.protocol.ipc.IpcConnection;

/**
 * The program {@link TrackDeleteAcrossReconnectTest} runs under its debugger: a trackDelete
 * whose thread the debugger holds once the tracking's handle is read and before the request
 * goes anywhere, while the handle loses its connection and reconnects. Exits 0 when the
 * application's tracking ends up deleted by trackDelete (at once, or when repeated after a
 * LIBRARY failure, which says it was not), 1 when trackDelete fails otherwise or the tracking
 * survives, 2 when the debugger never held it.
 */
final class TrackDeleteAcrossReconnectProgram {
    private static final String KEY = "k.tracked";

    private TrackDeleteAcrossReconnectProgram() {
    }

    public static void main(String[] args) throws Exception {
        ScriptedCmapServer first = new ScriptedCmapServer(0x1000);
        ScriptedCmapServer second = new ScriptedCmapServer(0x2000);
        Deque<IpcConnection> servers = new ArrayDeque<>(List.of(first, second));
        CountDownLatch reconnected = new CountDownLatch(1);
        CmapOptions options = CmapOptions.builder().reconnect(new ReconnectPolicy(Duration.ofMillis(1),
                Duration.ofMillis(1), new ReconnectListener() {
                    @Override
                    public void onReconnected(int attempts) {
                        reconnected.countDown();
                    }
                })).build();
        ConnectedHandle handle = new ConnectedHandle(CmapMap.ICMAP, options, false, o -> {
            IpcConnection next = servers.pollFirst();
            if (next == null) {
                throw new CmapException(CsError.LIBRARY, "scripted: no more servers");
            }
            return next;
        });
        long track = handle.trackAdd(KEY, EnumSet.of(TrackEvent.DELETE), (h, n) -> { });

        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread deleting = Thread.ofPlatform().name("track-delete").start(() -> {
            DebuggedChildJvm.watchThisThread(); // the debugger watches its next calls from here on
            try {
                handle.trackDelete(track);
                outcome.set("deleted");
            } catch (CmapException e) {
                outcome.set(e);
            }
        });
        DebuggedChildJvm.awaitOrExit(() -> DebuggedChildJvm.held, () -> "the debugger never held trackDelete");
        first.hangUp();
        handle.dispatch(DispatchType.ALL);
        if (!reconnected.await(20, TimeUnit.SECONDS)) {
            System.out.println("RESULT: no reconnect");
            System.exit(2);
        }
        DebuggedChildJvm.releaseHeld();
        deleting.join(20_000);

        Object result = outcome.get();
        System.out.println("trackDelete(0x" + Long.toHexString(track) + ") across the reconnect: " + result);
        if (result instanceof CmapException e) {
            if (e.error() != CsError.LIBRARY) {
                System.out.println("RESULT: trackDelete of a live tracking failed with " + e.error()
                        + "; the new connection's trackings: " + hex(second) + ", the tracking goes on");
                System.exit(1);
            }
            handle.trackDelete(track); // LIBRARY: not deleted, as during the outage; once more now
        }
        if (!second.trackings().isEmpty()) {
            System.out.println("RESULT: deleted, but the new connection keeps " + hex(second));
            System.exit(1);
        }
        System.out.println("RESULT: ok");
        handle.close();
        System.exit(0);
    }

    private static String hex(ScriptedCmapServer server) {
        return server.trackings().keySet().stream().map(h -> "0x" + Long.toHexString(h)).toList().toString();
    }
}
