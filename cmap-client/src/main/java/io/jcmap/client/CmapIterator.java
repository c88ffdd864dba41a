package io.jcmap.client;

import java.util.Iterator;

/**
 * Keys of a map, fetched one by one from corosync ({@code cmap_iter_next}). Closing it, or
 * reaching its end, finalizes the server-side iterator ({@code cmap_iter_finalize}). Not
 * thread-safe.
 *
 * <p>The server-side iterator lives on one connection. When the handle has reconnected since
 * ({@link ReconnectPolicy}), the iterator hands out the keys it had fetched and then fails with
 * {@link CsError#LIBRARY}; iterate again. Its {@link #close()} then sends nothing.
 */
public interface CmapIterator extends Iterator<CmapKeyInfo>, AutoCloseable {

    /** Finalizes the iterator on the server; idempotent. */
    @Override
    void close();
}
