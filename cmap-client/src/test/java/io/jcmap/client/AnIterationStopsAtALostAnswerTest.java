package io.jcmap.client;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jcmap.protocol.cmap.CmapRequestId;
import io.jcmap.protocol.cmap.RequestHeaderDescriptor;
import io.jcmap.protocol.ipc.ConnectionResponse;
import io.jcmap.protocol.ipc.IpcConnection;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A burst whose third iter_next is answered after its caller gave up (a timeout), while the
 * burst's later ones, sent later, are answered within theirs. The keys read before the lost
 * answer are handed out, then the iteration ends with LIBRARY: none after the hole. Since keys
 * go into the iterator as their answers are read, the later answers' keys went in too, and the
 * iterator handed out ka..kf, kh..kl without kg (a review's test, 3 of 3 runs).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AnIterationStopsAtALostAnswerTest {
    private static final String PREFIX = "it.12.";
    private static final long TIMEOUT_MILLIS = 500;
    /** The iter_next whose send is slowed: the burst's last ones get later deadlines. */
    private static final int SLOW_ITER_NEXT = 7;
    /** Answers from this one on wait: past the deadline of the one before the slow send, within those after. */
    private static final int FIRST_LATE_ANSWER = 8;

    @Test
    void keysAfterALostAnswerAreNotHandedOut() {
        Staggered connection = new Staggered(new ScriptedCmapServer(0x1000));
        ConnectedHandle handle = new ConnectedHandle(CmapMap.ICMAP,
                CmapOptions.builder().requestTimeout(Duration.ofMillis(TIMEOUT_MILLIS)).build(), false,
                options -> connection);
        List<String> handedOut = new ArrayList<>();
        List<CsError> failures = new ArrayList<>();
        try (CmapIterator keys = handle.iterate(PREFIX)) {
            // on past the timeout, as a caller may: the keys read before the lost answer come, then LIBRARY
            while (failures.size() < 3 && !failures.contains(CsError.LIBRARY)) {
                try {
                    if (!keys.hasNext()) {
                        break;
                    }
                    handedOut.add(keys.next().name());
                } catch (CmapException e) {
                    failures.add(e.error());
                }
            }
        } finally {
            handle.close();
        }

        assertEquals(List.of(CsError.TIMEOUT, CsError.LIBRARY), failures, "after " + handedOut);
        List<String> all = ScriptedCmapServer.keysUnder(PREFIX);
        assertEquals(all.subList(0, handedOut.size()), handedOut, "keys after a hole in the walk");
    }

    /**
     * The scripted server with its {@link #SLOW_ITER_NEXT}th iter_next sent 400 ms late, and its
     * answers from the {@link #FIRST_LATE_ANSWER}th (the iter_init's counted) held until 650 ms
     * after that send began.
     */
    private static final class Staggered implements IpcConnection {
        private final ScriptedCmapServer server;
        private int iterNexts;
        private int answers;
        private volatile long heldUntil = Long.MAX_VALUE;

        Staggered(ScriptedCmapServer server) {
            this.server = server;
        }

        @Override
        public boolean send(MemorySegment message, int length) {
            boolean sent = server.send(message, length);
            if (message.get(JAVA_INT_UNALIGNED, RequestHeaderDescriptor.ID_OFFSET) == CmapRequestId.ITER_NEXT
                    && ++iterNexts == SLOW_ITER_NEXT) {
                long now = System.nanoTime();
                heldUntil = now + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS + 150);
                parkUntil(now + TimeUnit.MILLISECONDS.toNanos(400));
            }
            return sent;
        }

        @Override
        public int receiveResponse(long timeoutNanos) {
            long wait = heldUntil - System.nanoTime();
            if (answers >= FIRST_LATE_ANSWER - 1 && wait > 0) {
                LockSupport.parkNanos(Math.min(timeoutNanos, wait));
                return -1;
            }
            int length = server.receiveResponse(timeoutNanos);
            if (length >= 0) {
                answers++;
            }
            return length;
        }

        private static void parkUntil(long deadline) {
            for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
        }

        @Override
        public ConnectionResponse info() {
            return server.info();
        }

        @Override
        public int notifyServer() {
            return server.notifyServer();
        }

        @Override
        public boolean takesRequestsInRuns() {
            return server.takesRequestsInRuns();
        }

        @Override
        public long responseCapacity() {
            return server.responseCapacity();
        }

        @Override
        public long responseFootprint(long length) {
            return server.responseFootprint(length);
        }

        @Override
        public MemorySegment response() {
            return server.response();
        }

        @Override
        public int receiveEvent(long timeoutNanos) {
            return server.receiveEvent(timeoutNanos);
        }

        @Override
        public MemorySegment event() {
            return server.event();
        }

        @Override
        public int eventFd() {
            return server.eventFd();
        }

        @Override
        public boolean isConnected() {
            return server.isConnected();
        }

        @Override
        public void endRequests() {
            server.endRequests();
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
