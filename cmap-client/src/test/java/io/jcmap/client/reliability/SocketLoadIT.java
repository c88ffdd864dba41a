package io.jcmap.client.reliability;

import io.jcmap.client.CmapOptions;
import io.jcmap.testkit.Corosync;
import io.jcmap.testkit.CorosyncExtension;
import io.jcmap.testkit.IpcType;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link LoadContract} over the socket transport. */
@Tag("integration")
class SocketLoadIT extends LoadContract {
    @RegisterExtension
    static final CorosyncExtension COROSYNC = CorosyncExtension.builder().ipcType(IpcType.SOCKET).build();

    /**
     * The same under a stock kernel's socket buffer limits ({@link StockSocketBuffers}): libqb
     * asks for a send buffer of the message size (512 KiB) for corosync's answers and gets
     * 425,984 bytes. jcmap counted on the message size, and a datagram's length plus 1 KiB for
     * each answer, where the kernel charges up to twice its length: corosync dropped answers and
     * readers got other keys' values (4,950 wrong of 5,081 in a scratch run of 32 threads).
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void largeValuesPilingUpUnreadUnderStockSocketBuffersStillReachEachCallerWhole(Corosync corosync)
            throws InterruptedException {
        try (StockSocketBuffers stock = StockSocketBuffers.set()) {
            readLargeValuesThroughStalls();
        }
    }

    /**
     * The same with a message size of 64 KiB, below net.core.wmem_default: libqb then leaves
     * corosync's send buffer at that default (212,992 bytes on a stock kernel and here), so
     * corosync has room for about six of the longest answers, and every reader asks for one.
     * It checks jcmap's count of the answers due against corosync's real buffer without a
     * sysctl, so it also runs where {@link StockSocketBuffers} cannot (a private network
     * namespace). With each answer counted at its length plus 1 KiB, a reader was still
     * blocked after 60 s (2026-12-07).
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void largeValuesPilingUpUnreadInTheDefaultSendBufferStillReachEachCallerWhole(Corosync corosync)
            throws InterruptedException {
        CmapOptions smallMessages = CmapOptions.builder().maxMessageSize(64 * 1024).build();
        readLargeValuesThroughStalls(smallMessages, LargeRead::longestAnswer);
    }
}
