package io.jcmap.protocol.fake;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.ipc.ConnectAbort;
import io.jcmap.protocol.ipc.Ipc;
import io.jcmap.protocol.ipc.IpcOptions;
import io.jcmap.protocol.os.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Ipc#connect(IpcOptions, ConnectAbort)}: another thread ends a connect that waits for a
 * server which took the connection and answers nothing (a stopped corosync), well before the
 * connect timeout; and an aborted one refuses later connects before they reach the server.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConnectAbortTest {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    @Test
    void anAbortEndsAConnectWaitingForTheHandshakeAnswer() throws Exception {
        try (FakeServer silent = FakeServer.start(session -> { })) {
            IpcOptions options = silent.options(CONNECT_TIMEOUT, FakeServer.rootOrSelf());
            ConnectAbort abort = new ConnectAbort();
            CompletableFuture<Void> connect = CompletableFuture.runAsync(() -> Ipc.connect(options, abort).close(),
                    runnable -> Thread.ofPlatform().daemon().start(runnable));
            awaitAuthenticateRead(silent);
            abort.abort();
            ExecutionException failed = assertThrows(ExecutionException.class, () -> connect.get(5, TimeUnit.SECONDS),
                    "the connect had not ended 5 s after the abort");
            ErrnoException cause = (ErrnoException) failed.getCause();
            assertEquals(Errno.ECANCELED, cause.errno(), cause::getMessage);
            silent.sessions().getFirst().awaitClosed(); // the server sees us leave
            assertTrue(silent.sessions().getFirst().socket().isClosed(), "the fake's end closed");
        }
    }

    @Test
    void anAbortedConnectReachesNoServer() {
        try (FakeServer silent = FakeServer.start(session -> { })) {
            ConnectAbort abort = new ConnectAbort();
            abort.abort();
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> Ipc.connect(silent.options(CONNECT_TIMEOUT, FakeServer.rootOrSelf()), abort));
            assertEquals(Errno.ECANCELED, e.errno(), e::getMessage);
            assertEquals(0, silent.sessions().size(), "sessions the fake accepted");
        }
    }

    /** Waits until the fake has read the authenticate request: the client waits for its answer. */
    private static void awaitAuthenticateRead(FakeServer server) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.sessions().isEmpty() || server.sessions().getFirst().requestedMaxMessageSize() < 0) {
            assertTrue(System.nanoTime() - deadline < 0, "the fake never read the authenticate request");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
