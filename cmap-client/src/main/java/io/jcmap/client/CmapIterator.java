package io.jcmap.client;

import java.util.Iterator;

/**
 * Keys of a map, fetched one by one from corosync ({@code cmap_iter_next}). Closing it, or
 * reaching its end, finalizes the server-side iterator ({@code cmap_iter_finalize}). Not
 * thread-safe: a call made while another call of it is under way, on another thread or in a
 * completion action run inside it, fails with {@link CsError#BUSY} and changes nothing.
 *
 * <p>Keys are fetched ahead, several per round trip, and show the map as corosync gave them,
 * except for the handle's own sets and deletes (from any of its threads): a key the handle wrote
 * before the iterator handed it out comes as it now is, or not at all, as
 * {@code cmap_iter_next} would find it. So a delete of the handle between {@link #hasNext()}
 * and {@link #next()} can take the key that {@link #hasNext()} saw: {@link #next()} then hands
 * out the one after it, or, with none left, throws {@link java.util.NoSuchElementException}
 * where libcmap's {@code cmap_iter_next} answers {@code CS_ERR_NO_SECTIONS}.
 *
 * <p>The server-side iterator lives on one connection. When the handle has reconnected since
 * ({@link ReconnectPolicy}), the iterator hands out the keys it had fetched and then fails with
 * {@link CsError#LIBRARY}; iterate again. Its {@link #close()} then sends nothing.
 *
 * <p>{@link #hasNext()} and {@link #next()} fetch keys with requests like any other call and
 * throw {@link CmapException} as they do: {@link CsError#BAD_HANDLE} once the handle is closed,
 * {@link CsError#TIMEOUT} past the handle's request timeout. A failure of requests that went
 * out, whatever it is, ends the iteration: corosync's iterator may have moved past keys never
 * handed out (requests that timed out are still answered, later), so a later
 * {@link #hasNext()} or {@link #next()} that would fetch fails with {@link CsError#LIBRARY}, the
 * first failure as its cause; iterate again. A {@link CsError#TRY_AGAIN} of corosync's flow
 * control, given before anything was sent, does not end it: the call may be repeated. That
 * includes the finalize sent at the end: refused so, {@link #hasNext()} or {@link #next()} fails
 * with it, and the next call of the iterator, or {@link #close()}, sends the finalize again. A
 * closed iterator has nothing more: {@link #hasNext()} is false (where libcmap's
 * {@code cmap_iter_next} on a finalized iterator gives BAD_HANDLE).
 */
public interface CmapIterator extends Iterator<CmapKeyInfo>, AutoCloseable {

    /**
     * Finalizes the iterator on the server; idempotent. Unless the handle is closed, has lost its
     * connection or has reconnected since (corosync dropped the iterator with the connection, so
     * nothing is sent and nothing fails), this is a request that waits for its answer as any call
     * does, up to the handle's request timeout. After a failure that ended the iteration (a
     * {@link CsError#TIMEOUT} above all) it is only sent: its answer, or its failure, is dropped
     * when it comes, so a try-with-resources block ends with the iteration's failure instead of
     * waiting for the stalled server a second time. It is sent once: when it fails, it is not sent
     * again, and corosync drops the iterator with the connection.
     *
     * @throws CmapException the finalize request failed (when waited for)
     */
    @Override
    void close();
}
