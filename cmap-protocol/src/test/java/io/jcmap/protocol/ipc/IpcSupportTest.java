package io.jcmap.protocol.ipc;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.os.UnixAddress;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The small pieces the connections are built from: options, call counting, receive buffers. */
class IpcSupportTest {
    private static final int ENOTCONN = 107;

    @Test
    void aServiceIsReachedByItsAbstractNameWithTheSizeItAsksFor() {
        IpcOptions options = IpcOptions.forService("cmap", 1 << 20, Set.of(0));
        assertEquals(UnixAddress.abstractName("cmap"), options.endpoint());
        assertEquals(1 << 20, options.maxMessageSize());
        assertEquals(Path.of("/dev/shm"), options.shmDirectory());
        assertEquals(Set.of(0), options.allowedServerUids());
    }

    @Test
    void optionsRefuseNonsense() {
        UnixAddress cmap = UnixAddress.abstractName("cmap");
        Path shm = Path.of("/dev/shm");
        Duration second = Duration.ofSeconds(1);
        assertThrows(IllegalArgumentException.class, () -> new IpcOptions(cmap, 12327, second, Set.of(), shm, second));
        assertThrows(IllegalArgumentException.class, () -> new IpcOptions(cmap, 1 << 20, Duration.ZERO, Set.of(), shm, second));
        assertThrows(IllegalArgumentException.class, () -> new IpcOptions(cmap, 1 << 20, second, Set.of(), shm, Duration.ofMillis(-1)));
    }

    @Test
    void activeCallsRefuseEntryOnceClosedAndWaitForThoseInside() throws Exception {
        ActiveCalls calls = new ActiveCalls();
        calls.enter();
        assertTrue(calls.markClosed());
        assertFalse(calls.markClosed());
        assertTrue(calls.isClosed());
        assertEquals(ENOTCONN, assertThrows(ErrnoException.class, calls::enter).errno());
        assertFalse(calls.awaitIdle(TimeUnit.MILLISECONDS.toNanos(20)));
        CompletableFuture<Boolean> idle = CompletableFuture.supplyAsync(() -> calls.awaitIdle(TimeUnit.SECONDS.toNanos(10)));
        calls.exit();
        assertTrue(idle.get(10, TimeUnit.SECONDS));
    }

    @Test
    void receiveBufferGrowsAndKeepsItsSegmentOtherwise() {
        ReceiveBuffer buffer = new ReceiveBuffer();
        assertEquals(0, buffer.segment().byteSize(), "nothing allocated before the first message");
        var first = buffer.ensure(100);
        assertEquals(ReceiveBuffer.INITIAL, first.byteSize());
        assertSame(first, buffer.ensure(ReceiveBuffer.INITIAL));
        var grown = buffer.ensure(ReceiveBuffer.INITIAL + 1);
        assertNotSame(first, grown);
        assertTrue(grown.byteSize() >= 2 * ReceiveBuffer.INITIAL);
        assertSame(grown, buffer.segment());
        assertEquals(1 << 24, buffer.ensure(1 << 24).byteSize());
    }
}
