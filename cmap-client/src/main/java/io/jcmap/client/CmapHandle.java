package io.jcmap.client;

import java.util.Set;

/**
 * An open connection to corosync's CMAP service: the Java face of {@code cmap_handle_t}.
 *
 * <p>Every method maps to one CMAP message (typed getters of strings and binaries may need
 * two, as libcmap's do). Failures are {@link CmapException}s carrying corosync's
 * {@link CsError}: a missing key is {@link CsError#NOT_EXIST}, a getter of the wrong type
 * {@link CsError#INVALID_PARAM}, a read-only key {@link CsError#ACCESS}, a vanished corosync
 * {@link CsError#LIBRARY}, an expired request timeout {@link CsError#TIMEOUT}.
 *
 * <p>An interrupt ends a call's wait for corosync with {@link CsError#INTERRUPT}, the
 * interrupt status kept (decision 0035). A call made by an interrupted thread sends nothing. One
 * interrupted while it waits for its answer (within a tenth of a second on a thread waiting
 * inside a system call) may still be carried out by corosync, as after a {@code TIMEOUT}: an
 * {@code inc} may have incremented; a tracking or an iterator that corosync makes after its
 * caller gave up is deleted or finalized. {@link #trackDelete}, the finalizing of an iterator
 * and {@link #close()} let go of what corosync holds for us, and are not ended by interrupts.
 *
 * <p>A handle is safe to share between threads; many requests, synchronous and asynchronous,
 * may be in flight at once and are answered in order. Tracking callbacks run on the thread
 * that calls {@link #dispatch}, one at a time and in the order corosync sent them; a callback
 * may call any method of the handle, {@link #close()} included. After {@code close()} every
 * call fails with {@link CsError#BAD_HANDLE}, but {@link #map()}, {@link #isOpen()} and
 * {@code close()} itself, which ask corosync nothing.
 *
 * <p>Close every handle, best with try-with-resources. A handle that becomes unreachable
 * unclosed is closed by a safety net once the garbage collector finds it (decision 0036), with
 * a warning logged: its connection leaves corosync as on {@code close()}. That happens at some
 * collection, or never, so it is no way to close. A handle stays reachable, and open, while a
 * thread is inside one of its calls (a {@link #dispatch} in progress above all), while a request
 * of it is unanswered, and while the application keeps one of its iterators or batches. A
 * {@link CmapListener} or {@link ReconnectListener} that refers to its handle keeps it for good
 * (a listener is given its handle, and need not keep one); the {@link #context()} does not.
 */
public interface CmapHandle extends CmapAsync, AutoCloseable {

    /**
     * The map this handle reads and writes.
     *
     * @return the handle's map
     */
    CmapMap map();

    // ---- set --------------------------------------------------------------------------------

    /**
     * Stores {@code value} under {@code key}, creating the key or replacing its value and type.
     *
     * @param key   the key's name
     * @param value the value, with its type
     */
    void set(String key, CmapValue value);

    /**
     * {@code cmap_set_int8}.
     *
     * @param key   the key's name
     * @param value the value
     */
    default void setInt8(String key, byte value) {
        set(key, CmapValue.int8(value));
    }

    /**
     * {@code cmap_set_uint8}; {@code value} in 0..255.
     *
     * @param key   the key's name
     * @param value the value, in 0..255
     */
    default void setUint8(String key, int value) {
        set(key, CmapValue.uint8(value));
    }

    /**
     * {@code cmap_set_int16}.
     *
     * @param key   the key's name
     * @param value the value
     */
    default void setInt16(String key, short value) {
        set(key, CmapValue.int16(value));
    }

    /**
     * {@code cmap_set_uint16}; {@code value} in 0..65535.
     *
     * @param key   the key's name
     * @param value the value, in 0..65535
     */
    default void setUint16(String key, int value) {
        set(key, CmapValue.uint16(value));
    }

    /**
     * {@code cmap_set_int32}.
     *
     * @param key   the key's name
     * @param value the value
     */
    default void setInt32(String key, int value) {
        set(key, CmapValue.int32(value));
    }

    /**
     * {@code cmap_set_uint32}; {@code value} in 0..4294967295.
     *
     * @param key   the key's name
     * @param value the value, in 0..4294967295
     */
    default void setUint32(String key, long value) {
        set(key, CmapValue.uint32(value));
    }

    /**
     * {@code cmap_set_int64}.
     *
     * @param key   the key's name
     * @param value the value
     */
    default void setInt64(String key, long value) {
        set(key, CmapValue.int64(value));
    }

    /**
     * {@code cmap_set_uint64}; {@code bits} is read as unsigned (see {@link Long#toUnsignedString}).
     *
     * @param key  the key's name
     * @param bits the value's 64 bits, read as unsigned
     */
    default void setUint64(String key, long bits) {
        set(key, CmapValue.uint64(bits));
    }

    /**
     * {@code cmap_set_float}.
     *
     * @param key   the key's name
     * @param value the value
     */
    default void setFloat(String key, float value) {
        set(key, CmapValue.float32(value));
    }

    /**
     * {@code cmap_set_double}.
     *
     * @param key   the key's name
     * @param value the value
     */
    default void setDouble(String key, double value) {
        set(key, CmapValue.float64(value));
    }

    /**
     * {@code cmap_set_string}.
     *
     * @param key   the key's name
     * @param value the value
     */
    default void setString(String key, String value) {
        set(key, CmapValue.string(value));
    }

    /**
     * {@code cmap_set} with a binary value.
     *
     * @param key   the key's name
     * @param value the bytes (copied)
     */
    default void setBinary(String key, byte[] value) {
        set(key, CmapValue.binary(value));
    }

    // ---- get --------------------------------------------------------------------------------

    /**
     * The value of {@code key}, of whatever type it has.
     *
     * @param key the key's name
     * @return the key's value, with its type
     */
    CmapValue get(String key);

    /**
     * {@code cmap_get_int8}: fails with INVALID_PARAM if the key holds another type.
     *
     * @param key the key's name
     * @return the key's value
     */
    byte getInt8(String key);

    /**
     * {@code cmap_get_uint8}.
     *
     * @param key the key's name
     * @return the key's value, in 0..255
     */
    int getUint8(String key);

    /**
     * {@code cmap_get_int16}.
     *
     * @param key the key's name
     * @return the key's value
     */
    short getInt16(String key);

    /**
     * {@code cmap_get_uint16}.
     *
     * @param key the key's name
     * @return the key's value, in 0..65535
     */
    int getUint16(String key);

    /**
     * {@code cmap_get_int32}.
     *
     * @param key the key's name
     * @return the key's value
     */
    int getInt32(String key);

    /**
     * {@code cmap_get_uint32}, widened so that no value is negative.
     *
     * @param key the key's name
     * @return the key's value, in 0..4294967295
     */
    long getUint32(String key);

    /**
     * {@code cmap_get_int64}.
     *
     * @param key the key's name
     * @return the key's value
     */
    long getInt64(String key);

    /**
     * {@code cmap_get_uint64}: the 64 bits, to be read as unsigned.
     *
     * @param key the key's name
     * @return the 64 bits of the key's value, to be read as unsigned
     */
    long getUint64(String key);

    /**
     * {@code cmap_get_float}.
     *
     * @param key the key's name
     * @return the key's value
     */
    float getFloat(String key);

    /**
     * {@code cmap_get_double}.
     *
     * @param key the key's name
     * @return the key's value
     */
    double getDouble(String key);

    /**
     * {@code cmap_get_string}.
     *
     * @param key the key's name
     * @return the key's value
     */
    String getString(String key);

    /**
     * The bytes of a BINARY key.
     *
     * @param key the key's name
     * @return a copy of the key's bytes
     */
    byte[] getBinary(String key);

    // ---- delete, inc, dec -------------------------------------------------------------------

    /**
     * {@code cmap_delete}.
     *
     * @param key the key's name
     */
    void delete(String key);

    /**
     * {@code cmap_inc}: adds one to an integer key, wrapping as its C type does.
     *
     * @param key the key's name
     */
    void inc(String key);

    /**
     * {@code cmap_dec}: subtracts one from an integer key.
     *
     * @param key the key's name
     */
    void dec(String key);

    // ---- iteration ----------------------------------------------------------------------------

    /**
     * Iterates over the keys starting with {@code prefix} (null or empty: all keys). The
     * server-side iterator is finalized when the iterator is exhausted or closed. The first keys
     * are fetched at once; while they are, other threads' requests on this handle wait (corosync
     * needs nothing between the iterator's creation and its first step, decision 0020). When
     * the creation times out ({@link CsError#TIMEOUT}) and corosync makes the iterator later,
     * the handle finalizes it once it reads the late answer (with its next call).
     *
     * <p>Keys are fetched ahead in bursts, so they show the map as it was when corosync answered
     * for them, but for this handle's own writes: a key this handle sets or deletes before the
     * iterator hands it out (an asynchronous write once its future is done) is handed out as it
     * now is, or not at all, and a key it creates among the keys fetched ahead is handed out in
     * its place, as libcmap's {@code cmap_iter_next} would find them.
     *
     * @param prefix the prefix of the keys to visit; null or empty for all keys
     * @return an iterator over the keys' names, types and value lengths
     * @throws CmapException {@link CsError#TRY_AGAIN} when requests of completion actions run on
     *                       this thread came between its creation and its first step four times
     */
    CmapIterator iterate(String prefix);

    // ---- tracking -----------------------------------------------------------------------------

    /**
     * Asks corosync to notify {@code listener} of changes to {@code key} (or, with
     * {@link TrackEvent#PREFIX}, to every key starting with it). Notifications are delivered by
     * {@link #dispatch}.
     *
     * <p>When it fails with {@link CsError#TIMEOUT}, nothing is tracked: should corosync make
     * the tracking when it runs again, the handle deletes it once it reads the late answer
     * (with its next call).
     *
     * @param key      the key's name, or with {@link TrackEvent#PREFIX} the prefix; null is
     *                 taken as the empty name, as libcmap takes NULL: with PREFIX it tracks
     *                 every key, without PREFIX it is accepted but never fires
     * @param events   ADD, DELETE and/or MODIFY, optionally with PREFIX
     * @param listener the listener, called once per notification
     * @return the track handle, for {@link #trackDelete} and found in each notification
     * @throws CmapException {@link CsError#TOO_BIG} when the handle's messages are shorter than
     *                       {@link CmapOptions#MIN_TRACKING_MESSAGE_SIZE}, the longest
     *                       notification; {@link CsError#INVALID_PARAM} for null events or
     *                       listener
     */
    long trackAdd(String key, Set<TrackEvent> events, CmapListener listener);

    /**
     * Stops a tracking; notifications of it still waiting are dropped. When it returns, no
     * callback of the tracking runs any more: one running on another thread has finished.
     *
     * <p>When it fails with {@link CsError#TIMEOUT}, the tracking is stopped all the same: no
     * callback of it runs any more, a reconnect ({@link ReconnectPolicy}) does not register it
     * again, and the track handle is unknown to the handle, as after a successful call. The
     * request is not revoked: corosync executes it when it runs again, and one that timed out
     * before it left the client (behind a full window or channel, while corosync was stopped)
     * is sent once there is room.
     *
     * @param trackHandle the track handle {@link #trackAdd} returned
     */
    void trackDelete(long trackHandle);

    /**
     * Runs tracking callbacks as {@code cmap_dispatch(3)} does; see {@link DispatchType}.
     *
     * <p>An exception a listener throws ends the dispatch and reaches its caller; the
     * notifications after it stay waiting for the next dispatch.
     *
     * <p>When corosync went away, the notifications that had reached us before are delivered
     * first; then dispatch reports the loss (or, reconnecting, goes on with the new connection's).
     *
     * <p>{@link DispatchType#ONE} and {@link DispatchType#BLOCKING} end with INTERRUPT once
     * their thread is interrupted: at once if it was when called, else before the next callback
     * or within a tenth of a second of waiting; the status stays set. The types that never wait ignore it.
     *
     * @param type how to wait and how many notifications to deliver
     * @return how many callbacks ran
     * @throws CmapException TRY_AGAIN for {@link DispatchType#ONE_NONBLOCKING} with nothing
     *     waiting, and for a waiting type called in a {@link ReconnectListener} callback while
     *     the handle reconnects, or in a completion action that the loss of the connection runs
     *     (the reconnect starts once it has returned); LIBRARY when corosync went away; INTERRUPT when a waiting type's
     *     thread is interrupted
     */
    int dispatch(DispatchType type);

    /**
     * The descriptor that becomes readable when notifications wait ({@code cmap_fd_get}), for
     * an application's own poll loop; call {@code dispatch(ALL)} when it is. It also becomes
     * readable, for good, when corosync goes away, and that dispatch then reports the loss; on
     * the socket transport libcmap's descriptor does not (there this one is an {@code epoll}
     * descriptor: poll it, never read it). A handle that reconnects
     * ({@link CmapOptions.Builder#reconnect}) has a new descriptor afterwards.
     *
     * @return the descriptor to poll
     * @throws CmapException LIBRARY while the connection is lost; the old descriptor stays open
     *     until dispatch has delivered the notifications that had reached it
     */
    int fd();

    /**
     * The object set with {@link #setContext} ({@code cmap_context_get}).
     *
     * @return the object, or null if none was set
     */
    Object context();

    /**
     * Attaches an application object to the handle ({@code cmap_context_set}).
     *
     * @param context the object, or null
     */
    void setContext(Object context);

    // ---- asynchronous faces -----------------------------------------------------------------

    // getAsync, setAsync, deleteAsync, incAsync, decAsync: see CmapAsync

    /**
     * A batch of asynchronous requests sent together by its {@link CmapBatch#flush}, for bulk
     * writers: corosync is woken once per batch rather than once per request.
     *
     * @return a new, empty batch on this handle
     */
    CmapBatch batch();

    // ---- life cycle -------------------------------------------------------------------------

    /**
     * False once closed or once corosync went away.
     *
     * @return whether the handle is open and its connection alive
     */
    boolean isOpen();

    /**
     * {@code cmap_finalize}; idempotent. Wakes up and ends a dispatch in progress; requests still
     * unanswered fail with BAD_HANDLE (corosync may still execute those it has read).
     *
     * <p>On the socket transport corosync connects back to a client only with its first answer,
     * and its first event, and would retry for about a second, its main loop blocked, were the
     * client gone. So while it may still do either (a request never answered; keys tracked and
     * no event yet), the close tells corosync we leave and waits for it to let go of us, for up
     * to one second. A dispatch waiting meanwhile ends at its next liveness check (every 100 ms),
     * not after that second.
     *
     * <p>A handle never closed is closed so, with a warning, once it is unreachable (see above).
     */
    @Override
    void close();
}
