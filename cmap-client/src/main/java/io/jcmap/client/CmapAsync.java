package io.jcmap.client;

import java.util.concurrent.CompletableFuture;

/**
 * The asynchronous requests: one CMAP message each, with its own response and future. A
 * {@link CmapHandle} sends each at once, but over shared memory while corosync still has two of
 * the handle's requests to work through: then those issued meanwhile go out together, in order,
 * as soon as it is down to one, or when they are 16, or with the next synchronous call or the
 * close, and corosync takes them for one wake-up instead of one each
 * ({@code -Djcmap.fedLevel=0} sends each at once always). A {@link CmapBatch} gathers them and
 * sends them together at its flush. A future completes on the thread that read the response,
 * exceptionally with a {@link CmapException} carrying corosync's error code.
 *
 * <p>Completion actions run on that reading thread and must not block. A {@code join} or
 * {@code get} inside one, on a future of the handle (or a stage made from one by
 * {@code thenApply}, {@code thenCompose} and the like), is the exception: it reads the answers
 * it waits for itself, as a synchronous call there does, where it would otherwise wait for a
 * reader that is itself. A stage that also waits for a request issued before the action
 * ({@code thenCombine}) may run other actions inside the join; such joins nested 32 deep fail
 * with {@link CsError#LIBRARY}. Futures that {@code CompletableFuture.allOf} and {@code anyOf}
 * make are not the handle's, and a join on them there still waits for ever.
 *
 * <p>What the client itself can tell is wrong throws a {@link CmapException} at once, as in
 * the synchronous calls: a closed handle, a null value, a bad key name (null, longer than 255
 * bytes, a NUL character, or for a set shorter than 3 bytes), a request longer than the
 * connection's messages. A shorter name to get, delete, inc or dec goes to corosync, as in
 * libcmap, and its future fails with {@link CsError#NOT_EXIST}.
 * The future fails with what corosync answers, and with the connection's fate: LIBRARY when it
 * is lost, TIMEOUT when the handle's request timeout passes.
 */
public interface CmapAsync {

    /**
     * {@link CmapHandle#get} without waiting, in one message: it answers with the value as it was
     * at its place among the requests sent. It reserves room for the longest value corosync
     * stores (16 KiB, and a NUL more for a string), which corosync sends back whole, so it costs
     * more than a synchronous get of a short value; a value longer than the connection's messages
     * can carry fails with {@link CsError#TOO_BIG}.
     *
     * @param key the key's name
     * @return a future completed with the key's value, or exceptionally with a CmapException
     */
    CompletableFuture<CmapValue> getAsync(String key);

    /**
     * {@link CmapHandle#set} without waiting.
     *
     * @param key   the key's name
     * @param value the value, with its type
     * @return a future completed once the key is set, or exceptionally with a CmapException
     */
    CompletableFuture<Void> setAsync(String key, CmapValue value);

    /**
     * {@link CmapHandle#delete} without waiting.
     *
     * @param key the key's name
     * @return a future completed once the key is deleted, or exceptionally with a CmapException
     */
    CompletableFuture<Void> deleteAsync(String key);

    /**
     * {@link CmapHandle#inc} without waiting.
     *
     * @param key the key's name
     * @return a future completed once the key is incremented, or exceptionally with a CmapException
     */
    CompletableFuture<Void> incAsync(String key);

    /**
     * {@link CmapHandle#dec} without waiting.
     *
     * @param key the key's name
     * @return a future completed once the key is decremented, or exceptionally with a CmapException
     */
    CompletableFuture<Void> decAsync(String key);
}
