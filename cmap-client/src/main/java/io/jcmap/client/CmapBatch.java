package io.jcmap.client;

/**
 * Asynchronous requests gathered on the client and sent together by {@link #flush}: corosync
 * is then woken once for all of them instead of once per request, which on shared memory cuts
 * its CPU time per request four- to eightfold and lets it answer hundreds of thousands of
 * requests a second (docs/benchmarks.md).
 *
 * <p>Each request ({@link CmapAsync}) is still one CMAP message with its own response and
 * outcome, exactly as from the handle's; corosync handles them in the order they were added,
 * after the requests the handle sent before the flush. Nothing is sent before
 * {@link #flush} or {@link #close}: a future of this batch never completes until then, so do not
 * wait for one before flushing. The request timeout of {@link CmapOptions} counts from the flush.
 *
 * <pre>{@code
 * try (CmapBatch batch = handle.batch()) {
 *     for (var entry : values.entrySet()) {
 *         batch.setAsync(entry.getKey(), entry.getValue());
 *     }
 * } // sent here
 * }</pre>
 *
 * <p>A batch belongs to the thread that fills it and may be reused after each flush; a call made
 * while another thread is inside one of its calls fails with {@link CsError#BUSY} and adds or
 * sends nothing. A completion action run by its flush on that thread may fill and flush it. Invalid
 * input fails at once, as on the handle (the request is not added); a request that reached
 * corosync fails through its future.
 */
public interface CmapBatch extends CmapAsync, AutoCloseable {

    /**
     * Requests added since the last flush.
     *
     * @return how many requests the next flush sends
     */
    int size();

    /**
     * Sends the requests added since the last flush, in order, and wakes corosync once for all
     * of them; returns without waiting for responses. Requests beyond the handle's window of
     * requests in flight wait for room, as those of {@link CmapHandle#setAsync} do. If the
     * handle is closed or broken, every request of the batch fails through its future.
     */
    void flush();

    /** {@link #flush}. */
    @Override
    void close();
}
