package io.jcmap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A close() whose finalize waits in the backlog, and which another thread's read sends while
 * corosync's flow control is raised. The refusal was noted under the send lock, while the close
 * still waited, and given to it only once the lock was released: when the close timed out in
 * between (here while the same run of the backlog notifies the server of a request sent behind
 * the finalize), it heard TIMEOUT instead of TRY_AGAIN, and nobody sent the finalize again, so
 * corosync kept the iterator. Now the close hears the TRY_AGAIN at once (CmapIterator#close: the
 * iterator is left), or, should it have given up first, the finalize waits out flow control.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FinalizeRefusedAsItsCallerGivesUpTest {
    private static final long WAIT_SECONDS = 10;

    @Test
    void aCloseRefusedByFlowControlHearsItOrItsFinalizeGoes() throws Exception {
        ScriptedCmapServer server = new ScriptedCmapServer(0x1000);
        ConnectedHandle handle = new ConnectedHandle(CmapMap.ICMAP,
                CmapOptions.builder().requestTimeout(Duration.ofMillis(500)).build(), false, options -> server);
        CountDownLatch closeReturned = new CountDownLatch(1);
        try {
            CmapIterator keys = handle.iterate("it.5."); // not at its end: its close waits for the answer

            // another thread reads, and keeps reading (the receive lock) while the server holds its reader
            CompletableFuture<Long> get = server.getWithItsReaderHeld(handle, "g.5", WAIT_SECONDS);

            // the channel is full: the close's finalize, then an asynchronous get, wait in the backlog
            server.refusing = true;
            CompletableFuture<CmapException> closed = new CompletableFuture<>();
            Thread closing = Thread.ofPlatform().daemon().name("closing").start(() -> {
                try {
                    keys.close();
                    closed.complete(null);
                } catch (CmapException e) {
                    closed.complete(e);
                } finally {
                    closeReturned.countDown();
                }
            });
            Waits.until(() -> waitsForItsAnswer(closing), "the close waits for its finalize's answer");
            CompletableFuture<CmapValue> behind = handle.getAsync("g.1");

            // flow control refuses the finalize and is lowered at once: the get goes, and the server's
            // notification of it, in the same run, lasts until the close returned
            server.onFlowControlRefusal = () -> server.flowControl = false;
            server.beforeNotify = () -> {
                try {
                    closeReturned.await(WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            synchronized (server) { // as one, for a send
                server.raiseFlowControl();
                server.refusing = false;
            }
            server.releaseReader.countDown();
            CmapException closeFailure = closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(CmapValue.uint32(1), behind.get(WAIT_SECONDS, TimeUnit.SECONDS));
            assertEquals(5L, get.get(WAIT_SECONDS, TimeUnit.SECONDS));

            if (closeFailure != null && closeFailure.error() == CsError.TRY_AGAIN) {
                assertEquals(1, server.openIterators(), "a close that heard TRY_AGAIN sent nothing");
                return; // documented: corosync keeps that iterator (CmapIterator#close)
            }
            assertEquals(5L, handle.getUint32("g.5"), "the handle still works");
            Waits.until(() -> server.openIterators() == 0, () -> "the iterator is finalized once flow control is"
                    + " lowered, after a close that failed with " + closeFailure + " (its finalize refused by flow"
                    + " control, and that refusal not given to it)");
        } finally {
            closeReturned.countDown();
            server.flowControl = false;
            server.releaseReader.countDown();
            handle.close();
        }
    }

    /** Whether {@code thread} waits in the pipeline for an answer: its request was sent or queued. */
    private static boolean waitsForItsAnswer(Thread thread) {
        return PipelineFrames.waitsInside(thread, "call", "await");
    }
}
