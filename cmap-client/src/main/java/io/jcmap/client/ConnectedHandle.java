package io.jcmap.client;

import io.jcmap.protocol.cmap.AdjustIntRequestDescriptor;
import io.jcmap.protocol.cmap.CmapMessageSize;
import io.jcmap.protocol.cmap.CmapRequests;
import io.jcmap.protocol.cmap.CmapResponseId;
import io.jcmap.protocol.cmap.CodecException;
import io.jcmap.protocol.cmap.DeleteRequestDescriptor;
import io.jcmap.protocol.cmap.GetRequestDescriptor;
import io.jcmap.protocol.cmap.GetResponse;
import io.jcmap.protocol.cmap.GetResponseDescriptor;
import io.jcmap.protocol.cmap.IterFinalizeRequestDescriptor;
import io.jcmap.protocol.cmap.IterInitRequestDescriptor;
import io.jcmap.protocol.cmap.IterInitResponse;
import io.jcmap.protocol.cmap.IterNextRequestDescriptor;
import io.jcmap.protocol.cmap.IterNextResponse;
import io.jcmap.protocol.cmap.SetCurrentMapRequestDescriptor;
import io.jcmap.protocol.cmap.SetRequestDescriptor;
import io.jcmap.protocol.cmap.StatusResponse;
import io.jcmap.protocol.ipc.ConnectAbort;
import io.jcmap.protocol.ipc.IpcConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The {@link CmapHandle} of one connection: each operation is one CMAP message through the
 * {@link Pipeline}; notifications are read from the event channel by its {@link NotificationDispatch}.
 * The application holds an {@link ApplicationHandle} over it, which it never refers to but weakly:
 * its threads and callbacks keep this, and this must not keep that (decision 0036). The calls
 * that allocate nothing are in {@link NumericCalls}, trackAdd and trackDelete in {@link Trackings}.
 */
final class ConnectedHandle implements CmapHandle {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectedHandle.class);
    /**
     * Value bytes reserved by a first GET of unknown size; larger values take a second look, but
     * for keys in {@link #longValueKeys}.
     */
    private static final int FIRST_GET_RESERVE = 256;
    /** The stats map's only keys that take a set (which clears statistics); corosync's STATS_CLEAR. */
    private static final String STATS_CLEAR = "stats.clear.";
    private static final int GET_ATTEMPTS = 4;
    /** Starts of an iteration tried before giving up, should this thread's own requests keep coming between. */
    private static final int ITER_START_ATTEMPTS = 4;
    private static final int NO_SECTIONS = CsError.NO_SECTIONS.code();
    private static final int OK = CsError.OK.code();

    private final CmapMap map;
    private final CmapOptions options;
    private final boolean selectsMap;
    private final long requestTimeoutNanos;
    private final Reconnector reconnector;
    /** Opens each connection: {@link Cmap#connect}, or a unit test's scripted server. */
    private final Connector connector;
    private final TrackRegistry tracks = new TrackRegistry();
    /** trackAdd and trackDelete, and the trackings' registration again after a reconnect. */
    private final Trackings trackings = new Trackings(this, tracks);
    private final Object sessionChange = new Object();
    private volatile Session session;
    /** Reads and delivers the notifications, and keeps the lost connections that hold some. */
    private final NotificationDispatch notifications;
    // flyweights used only by the thread holding the pipeline's receive lock
    private final GetResponse getResponse = new GetResponse();
    private final IterNextResponse iterNextResponse = new IterNextResponse();
    private final IterInitResponse iterInitResponse = new IterInitResponse();
    /** Keys whose last value read was longer than {@link #FIRST_GET_RESERVE}, with its length. */
    private final LongValueKeys longValueKeys = new LongValueKeys();
    /** The iterators open on this handle, told of its writes (decision 0004). */
    private final OpenIterators openIterators = new OpenIterators();
    /** The typed numeric setters and getters, inc and dec: the calls that allocate nothing. */
    private final NumericCalls numbers = new NumericCalls(this, openIterators);
    private volatile boolean closed;
    private volatile Object context;
    /** The handle the application holds, shown to listeners; weakly, or it would never be unreachable (0036). */
    private volatile WeakReference<CmapHandle> front;

    /** Where an asynchronous request goes: the pipeline at once, or a {@link HandleBatch}. */
    interface AsyncTarget {
        <T> CompletableFuture<T> call(String operation, String key, int responseId, int size, long responseBound,
                                      Pipeline.Encoder encoder, Pipeline.Decoder<T> decoder);

        default <T> CompletableFuture<T> call(String operation, String key, int responseId, int size,
                                              Pipeline.Encoder encoder, Pipeline.Decoder<T> decoder) {
            return call(operation, key, responseId, size, Pipeline.DEFAULT_RESPONSE_BOUND, encoder, decoder);
        }
    }

    /** One connection and its pipeline; a reconnect replaces both. */
    record Session(IpcConnection connection, Pipeline pipeline) {
    }

    /**
     * Connects; with {@code selectsMap} also selects the map (cmap_initialize_map).
     *
     * @throws CmapException as {@link Cmap#initialize}
     */
    ConnectedHandle(CmapMap map, CmapOptions options, boolean selectsMap) {
        this(map, options, selectsMap, (Connector) Cmap::connect);
    }

    /** As above, with connections from {@code connector} (a unit test's scripted server), which close cannot end. */
    ConnectedHandle(CmapMap map, CmapOptions options, boolean selectsMap,
                    Function<CmapOptions, IpcConnection> connector) {
        this(map, options, selectsMap, (given, abort) -> connector.apply(given));
    }

    /** As above, with connections from {@code connector}. */
    ConnectedHandle(CmapMap map, CmapOptions options, boolean selectsMap, Connector connector) {
        this.map = map;
        this.connector = connector;
        this.options = options;
        this.selectsMap = selectsMap;
        this.requestTimeoutNanos = options.requestTimeout().map(Duration::toNanos).orElse(0L);
        this.reconnector = options.reconnect().map(policy -> new Reconnector(this, policy)).orElse(null);
        this.notifications = new NotificationDispatch(this, reconnector, tracks, sessionChange);
        this.session = openSession();
    }

    /** Opens a connection; {@code abort} ends it while it waits for corosync. */
    @FunctionalInterface
    interface Connector {
        IpcConnection connect(CmapOptions options, ConnectAbort abort);
    }

    /** A new connection, its map selected; used at start and by each reconnect attempt. */
    Session openSession() {
        return openSession(new ConnectAbort(), fresh -> { });
    }

    /**
     * As above, handing the session to {@code opened} before its first request (for a close to end its waits);
     * {@code abort} ends the connect while it waits for corosync (a close meanwhile).
     */
    Session openSession(ConnectAbort abort, Consumer<Session> opened) {
        IpcConnection connection = connector.connect(options, abort);
        Session fresh = new Session(connection, new Pipeline(connection, requestTimeoutNanos,
                reason -> lost(connection, reason)));
        opened.accept(fresh);
        if (selectsMap) {
            try {
                fresh.pipeline().call("initialize_map", null, CmapResponseId.SET_CURRENT_MAP,
                        SetCurrentMapRequestDescriptor.LENGTH,
                        buffer -> CmapRequests.setCurrentMap(buffer, map.code()),
                        (response, length) -> status(response, length, CmapResponseId.SET_CURRENT_MAP));
            } catch (CmapException e) {
                connection.close();
                throw e;
            }
        }
        return fresh;
    }

    /** Registers the trackings again on a fresh session ({@link Trackings#restore}). */
    void restoreTracks(Session fresh) {
        trackings.restore(fresh);
    }

    /** Makes {@code fresh} the handle's session and wakes dispatchers waiting for it. */
    void install(Session fresh) {
        synchronized (sessionChange) {
            if (closed) {
                fresh.connection().close();
                return;
            }
            Pipeline lost = session.pipeline();
            session = fresh;
            // their server iterators went with the old connection: the new one's writes are not theirs
            openIterators.forget(lost);
            sessionChange.notifyAll();
        }
    }

    /** Whether {@code candidate} is the handle's session now. */
    boolean isInstalled(Session candidate) {
        return session == candidate;
    }

    /**
     * A pipeline broke down: the handle is closing, or the connection was lost. A lost
     * connection of a handle that tracks keys is kept for dispatch (notifications that had
     * arrived are still delivered: "tracking never loses an event"); any other is closed.
     */
    private void lost(IpcConnection broken, CmapException reason) {
        if (closed || tracks.isEmpty()) {
            broken.close();
        } else {
            notifications.keepForDispatch(broken);
        }
        if (!closed && reconnector != null) {
            reconnector.connectionLost(reason);
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** {@code application} is the handle the application holds over this one. */
    void frontedBy(CmapHandle application) {
        front = new WeakReference<>(application);
    }

    /**
     * The handle a listener is given: the application's, which the thread dispatching holds
     * (ApplicationHandle#dispatch), or this one where the application has no other (unit tests).
     */
    CmapHandle shown() {
        WeakReference<CmapHandle> reference = front;
        CmapHandle application = reference == null ? null : reference.get();
        return application != null ? application : this;
    }

    /** The handle's session now; a reconnect replaces it. */
    Session session() {
        return session;
    }

    Pipeline pipeline() {
        return session.pipeline();
    }

    private IpcConnection connection() {
        return session.connection();
    }

    @Override
    public CmapMap map() {
        return map;
    }

    // ---- status-only requests ------------------------------------------------------------

    void checkOpen(String operation, String key) {
        if (closed) {
            throw new CmapException(CsError.BAD_HANDLE, CallName.of(operation, key) + ": handle closed");
        }
    }

    private static Void status(MemorySegment response, int length, int responseId) {
        int error = StatusResponse.decode(response, length, responseId);
        if (error != OK) {
            throw CmapException.ofCode(error, "");
        }
        return null;
    }

    @Override
    public void set(String key, CmapValue value) {
        checkOpen("set", key);
        callSet(key, SetValue.of(key, value, maxSetValueLength()));
    }

    /**
     * {@code cmap_set_string}. An ASCII text without a NUL is checked and encoded in two bulk
     * copies, one for a text of at most 64 characters ({@link CmapText#asciiValueBytes}), and
     * the request is written from the first; as a
     * {@link CmapValue.Str} it is copied for its check and again for its encoding (a set of 16,000
     * characters made five copies, 80 KB, and took 1.15 and 1.26 times libcmap's time at p50 and
     * p99 on SHM, 2026-12-07). Any other text goes the value's way.
     */
    @Override
    public void setString(String key, String value) {
        byte[] ascii = CmapText.asciiValueBytes(value);
        if (ascii == null) {
            set(key, CmapValue.string(value)); // refuses a bad text before a closed handle, as ever
            return;
        }
        checkOpen("set", key);
        callSet(key, new SetValue.Encoded(CmapType.STRING, ascii));
    }

    private void callSet(String key, SetValue wire) {
        pipeline().call("set", key, CmapResponseId.SET, setSize(key, wire), setEncoder(key, wire),
                setDecoder(key, wire));
    }

    @Override
    public CmapBatch batch() {
        return batch(this);
    }

    /** A batch that keeps {@code owner}, the application's handle, while the application keeps the batch. */
    CmapBatch batch(CmapHandle owner) {
        checkOpen("batch", null);
        return new HandleBatch(this, owner);
    }

    /** Sends a batch through the current session's pipeline (a reconnect may have replaced it). */
    void send(RequestBatch batch) {
        pipeline().sendBatch(batch);
    }

    @Override
    public CompletableFuture<Void> setAsync(String key, CmapValue value) {
        return setAsync(key, value, pipeline()::callAsync);
    }

    CompletableFuture<Void> setAsync(String key, CmapValue value, AsyncTarget target) {
        checkOpen("set", key);
        SetValue wire = SetValue.of(key, value, maxSetValueLength());
        return target.call("set", key, CmapResponseId.SET, setSize(key, wire), setEncoder(key, wire),
                setDecoder(key, wire));
    }

    /**
     * A SET answer's decoder, which tells the open iterators of the write as the answer is read,
     * in order with their keys' answers and other writes' ({@link KeysAhead}), and before the
     * caller's wait returns or its future completes. It looks for open iterators then too: one
     * opened while the request waited to go out (behind a batch's flush, behind the wire an
     * iteration holds) has keys answered before it.
     */
    private Pipeline.Decoder<Void> setDecoder(String key, SetValue wire) {
        return (response, length) -> {
            status(response, length, CmapResponseId.SET);
            if (openIterators.any()) {
                openIterators.stored(key, wire.type(), wire.storedLength());
            }
            return null;
        };
    }

    private long maxSetValueLength() {
        return CmapMessageSize.maxSetValueLength(connection().maxMessageSize());
    }

    private int setSize(String key, SetValue value) {
        long size = (long) SetRequestDescriptor.LENGTH + value.length();
        if (size > connection().maxMessageSize()) {
            throw tooLongToSend(key, value.length(), size);
        }
        return (int) size;
    }

    /**
     * A SET that does not fit our messages fails as it would through libcmap's 1 MiB (decision
     * 0016): a bad key first, then what corosync would answer in its order: on the stats map
     * ACCESS for a key it keeps read-only, on the default map INVALID_PARAM for a value longer
     * than it keeps. A read-only key of the default map, which only corosync knows, gets the
     * latter where libcmap gets ACCESS; a stats clear, which corosync would carry out, TOO_BIG.
     */
    private CmapException tooLongToSend(String key, long valueLength, long size) {
        int limit = connection().maxMessageSize();
        try {
            CmapRequests.checkSetKey(key);
        } catch (CodecException e) {
            return CmapException.ofCodec(CallName.of("set", key), e);
        }
        if (map == CmapMap.STATS && !key.startsWith(STATS_CLEAR) && CmapMessageSize.setSentByLibcmap(valueLength)) {
            // corosync looks at the map's read-only keys first: every stats key but the clears
            return new CmapException(CsError.ACCESS, CallName.of("set", key) + ": the stats map's keys are "
                    + "read-only but " + STATS_CLEAR + "* (the value of " + valueLength + " bytes is too long for "
                    + "this connection's messages of " + limit + " bytes too)");
        }
        if (map == CmapMap.ICMAP && CmapMessageSize.setRefusedByCorosync(valueLength)) {
            return new CmapException(CsError.INVALID_PARAM, CallName.of("set", key) + ": a value of " + valueLength
                    + " bytes is longer than the " + CmapMessageSize.MAX_ACCEPTED_VALUE_LENGTH
                    + " corosync accepts (too long for this connection's messages of " + limit + " bytes too)");
        }
        return new CmapException(CsError.TOO_BIG, CallName.of("set", key) + ": a request of " + size
                + " bytes exceeds the connection's limit of " + limit);
    }

    private static Pipeline.Encoder setEncoder(String key, SetValue value) {
        return buffer -> {
            // the value is laid out in place; the encoder's copy of it onto itself is a no-op
            MemorySegment valueArea = buffer.asSlice(SetRequestDescriptor.VALUE_OFFSET, value.length());
            value.writeTo(valueArea);
            return CmapRequests.set(buffer, key, value.type().code(), valueArea);
        };
    }

    @Override
    public void delete(String key) {
        checkOpen("delete", key);
        pipeline().call("delete", key, CmapResponseId.DELETE, DeleteRequestDescriptor.LENGTH,
                buffer -> CmapRequests.delete(buffer, key), deleteDecoder(key));
    }

    @Override
    public CompletableFuture<Void> deleteAsync(String key) {
        return deleteAsync(key, pipeline()::callAsync);
    }

    CompletableFuture<Void> deleteAsync(String key, AsyncTarget target) {
        checkOpen("delete", key);
        return target.call("delete", key, CmapResponseId.DELETE, DeleteRequestDescriptor.LENGTH,
                buffer -> CmapRequests.delete(buffer, key), deleteDecoder(key));
    }

    /** A DELETE answer's decoder, which tells the open iterators as {@link #setDecoder} does. */
    private Pipeline.Decoder<Void> deleteDecoder(String key) {
        return (response, length) -> {
            status(response, length, CmapResponseId.DELETE);
            if (openIterators.any()) {
                openIterators.deleted(key);
            }
            return null;
        };
    }

    @Override
    public void inc(String key) {
        numbers.adjust("inc", key, 1);
    }

    @Override
    public void dec(String key) {
        numbers.adjust("dec", key, -1);
    }

    @Override
    public CompletableFuture<Void> incAsync(String key) {
        return adjustAsync("inc", key, 1, pipeline()::callAsync);
    }

    @Override
    public CompletableFuture<Void> decAsync(String key) {
        return adjustAsync("dec", key, -1, pipeline()::callAsync);
    }

    CompletableFuture<Void> adjustAsync(String operation, String key, int step, AsyncTarget target) {
        checkOpen(operation, key);
        return target.call(operation, key, CmapResponseId.ADJUST_INT,
                AdjustIntRequestDescriptor.LENGTH,
                buffer -> CmapRequests.adjustInt(buffer, key, step),
                (response, length) -> status(response, length, CmapResponseId.ADJUST_INT));
    }

    // ---- get -----------------------------------------------------------------------------------

    /**
     * What one GET found: the value, or that it needs a larger reservation.
     *
     * @param length the value's length on the wire: of the value found, or the length it needs
     *               (0: not known)
     */
    private record Lookup<T>(T value, long length) {
    }

    /**
     * Makes what a get returns from the value in its answer, while the answer is at hand: a
     * {@link CmapValue}, or for getString and getBinary the text or bytes alone, which spares
     * them the record's copy of a binary value and its second check of a text.
     */
    @FunctionalInterface
    private interface ValueReader<T> {
        T read(int type, MemorySegment value, long length);
    }

    private static final ValueReader<CmapValue> ANY_VALUE = (type, value, length) ->
            CmapValue.decode(type, value, 0, length);
    private static final ValueReader<String> TEXT = (type, value, length) ->
            ValueCodec.decodeText(type, value, 0, length);
    private static final ValueReader<byte[]> BYTES = (type, value, length) ->
            ValueCodec.decodeBytes(type, value, 0, length);

    private <T> Lookup<T> decodeGet(MemorySegment response, int length, long reserved, ValueReader<T> reader) {
        GetResponse get = getResponse.wrap(response, length);
        int error = get.error();
        if (error == CsError.INVALID_PARAM.code() && reserved > 0) {
            return new Lookup<>(null, 0); // the default map says "does not fit": ask for the length
        }
        if (error != OK) {
            throw CmapException.ofCode(error, "");
        }
        if (!get.valueIncluded()) {
            return new Lookup<>(null, get.valueLength());
        }
        return new Lookup<>(reader.read(get.type(), get.value(), get.valueLength()), get.valueLength());
    }

    private <T> Lookup<T> getOnce(String key, long reserve, ValueReader<T> reader) {
        return pipeline().call("get", key, CmapResponseId.GET, GetRequestDescriptor.LENGTH,
                CmapMessageSize.getResponseLength(reserve), buffer -> CmapRequests.get(buffer, key, reserve),
                (response, length) -> decodeGet(response, length, reserve, reader));
    }

    @Override
    public CmapValue get(String key) {
        return get(key, ANY_VALUE);
    }

    private <T> T get(String key, ValueReader<T> reader) {
        checkOpen("get", key);
        long remembered = longValueKeys.reserveFor(key);
        long reserve = remembered > 0 ? Math.min(remembered, asyncGetReserve()) : FIRST_GET_RESERVE;
        for (int attempt = 0; attempt < GET_ATTEMPTS; attempt++) {
            checkReserve(key, reserve);
            Lookup<T> lookup = getOnce(key, reserve, reader);
            if (lookup.value() != null) {
                longValueKeys.note(key, lookup.length(), FIRST_GET_RESERVE);
                return lookup.value();
            }
            long longest = asyncGetReserve();
            if (reserve < longest) {
                // the second look reserves the longest value corosync stores, as getAsync does:
                // a value that another client switches between a short and a long form then
                // fits whichever form it has by then, and no length query is needed
                reserve = Math.max(longest, lookup.length());
            } else {
                // 0 means: ask for the length first (a length query reserves nothing)
                reserve = Math.max(reserve, lookup.length() > 0 ? lookup.length() : lengthOf(key));
            }
        }
        throw new CmapException(CsError.TRY_AGAIN, CallName.of("get", key) + ": the value kept changing size");
    }

    private long lengthOf(String key) {
        Lookup<CmapValue> lookup = getOnce(key, 0, ANY_VALUE);
        return lookup.value() != null ? lookup.length() : Math.max(1, lookup.length());
    }

    private void checkReserve(String key, long reserve) {
        if (GetResponseDescriptor.LENGTH + reserve > connection().maxMessageSize()) {
            throw new CmapException(CsError.TOO_BIG, CallName.of("get", key) + ": a value of " + reserve
                    + " bytes does not fit the connection's limit of " + connection().maxMessageSize());
        }
    }

    @Override
    public CompletableFuture<CmapValue> getAsync(String key) {
        return getAsync(key, pipeline()::callAsync);
    }

    /**
     * One GET that reserves room for the longest value corosync stores, or for what the
     * connection's messages carry if that is less: a second look, as {@link #get} takes for a
     * long value, would come after the requests sent behind this one and could see what they
     * changed. corosync answers with the whole reservation, whatever the value's length.
     */
    CompletableFuture<CmapValue> getAsync(String key, AsyncTarget target) {
        checkOpen("get", key);
        long reserve = asyncGetReserve();
        return target.call("get", key, CmapResponseId.GET, GetRequestDescriptor.LENGTH,
                CmapMessageSize.getResponseLength(reserve), buffer -> CmapRequests.get(buffer, key, reserve),
                (response, length) -> {
                    Lookup<CmapValue> lookup = decodeGet(response, length, reserve, ANY_VALUE);
                    if (lookup.value() == null) {
                        throw new CmapException(CsError.TOO_BIG, "the value is longer than the " + reserve
                                + " bytes an asynchronous get can receive on this connection");
                    }
                    return lookup.value();
                });
    }

    private long asyncGetReserve() {
        return Math.min(CmapMessageSize.MAX_STORED_VALUE_LENGTH,
                CmapMessageSize.maxGetValueLength(connection().maxMessageSize()));
    }

    @Override
    public String getString(String key) {
        return get(key, TEXT);
    }

    @Override
    public byte[] getBinary(String key) {
        return get(key, BYTES);
    }

    // ---- typed numbers: NumericCalls ----------------------------------------------------------

    @Override
    public void setInt8(String key, byte value) {
        numbers.set(key, CmapType.INT8, value);
    }

    @Override
    public void setUint8(String key, int value) {
        numbers.set(key, CmapType.UINT8, Range.check("uint8", value, 0, Range.UINT8_MAX));
    }

    @Override
    public void setInt16(String key, short value) {
        numbers.set(key, CmapType.INT16, value);
    }

    @Override
    public void setUint16(String key, int value) {
        numbers.set(key, CmapType.UINT16, Range.check("uint16", value, 0, Range.UINT16_MAX));
    }

    @Override
    public void setInt32(String key, int value) {
        numbers.set(key, CmapType.INT32, value);
    }

    @Override
    public void setUint32(String key, long value) {
        numbers.set(key, CmapType.UINT32, Range.check("uint32", value, 0, Range.UINT32_MAX));
    }

    @Override
    public void setInt64(String key, long value) {
        numbers.set(key, CmapType.INT64, value);
    }

    @Override
    public void setUint64(String key, long bits) {
        numbers.set(key, CmapType.UINT64, bits);
    }

    @Override
    public void setFloat(String key, float value) {
        numbers.set(key, CmapType.FLOAT, Float.floatToRawIntBits(value));
    }

    @Override
    public void setDouble(String key, double value) {
        numbers.set(key, CmapType.DOUBLE, Double.doubleToRawLongBits(value));
    }

    @Override
    public byte getInt8(String key) {
        return (byte) numbers.get(key, CmapType.INT8);
    }

    @Override
    public int getUint8(String key) {
        return (int) numbers.get(key, CmapType.UINT8);
    }

    @Override
    public short getInt16(String key) {
        return (short) numbers.get(key, CmapType.INT16);
    }

    @Override
    public int getUint16(String key) {
        return (int) numbers.get(key, CmapType.UINT16);
    }

    @Override
    public int getInt32(String key) {
        return (int) numbers.get(key, CmapType.INT32);
    }

    @Override
    public long getUint32(String key) {
        return numbers.get(key, CmapType.UINT32);
    }

    @Override
    public long getInt64(String key) {
        return numbers.get(key, CmapType.INT64);
    }

    @Override
    public long getUint64(String key) {
        return numbers.get(key, CmapType.UINT64);
    }

    @Override
    public float getFloat(String key) {
        return Float.intBitsToFloat((int) numbers.get(key, CmapType.FLOAT));
    }

    @Override
    public double getDouble(String key) {
        return Double.longBitsToDouble(numbers.get(key, CmapType.DOUBLE));
    }

    // ---- iteration -------------------------------------------------------------------------------

    OpenIterators openIterators() {
        return openIterators;
    }

    @Override
    public CmapIterator iterate(String prefix) {
        return iterate(prefix, this);
    }

    /** An iterator that keeps {@code owner}, the application's handle, while the application keeps the iterator. */
    CmapIterator iterate(String prefix, CmapHandle owner) {
        String effective = prefix == null ? "" : prefix;
        checkOpen("iter_init", effective);
        // corosync reads the prefix from our request at the first ITER_NEXT: nothing may come between (0020)
        for (int attempt = 1; ; attempt++) {
            Pipeline pipeline = pipeline();
            // told of the handle's writes from before its iter_init goes out: one sent after it is
            // answered after keys of the first burst, which it may change (decision 0004)
            KeysAhead ahead = new KeysAhead(effective, pipeline);
            openIterators.add(ahead);
            Pipeline.Held<Long, CmapKeyInfo> start;
            try {
                start = pipeline.callHeld(iterInitCall(pipeline, effective),
                        iterHandle -> iterNextCall(iterHandle, ahead), KeyIterator.FIRST_BURST);
            } catch (RuntimeException | Error e) {
                openIterators.remove(ahead);
                throw e;
            }
            if (start.kept()) {
                return new KeyIterator(this, owner, pipeline, start.first(), ahead);
            }
            openIterators.remove(ahead); // its keys may be of another prefix
            if (start.failure() != null) {
                // its answer is not waited for: after a TIMEOUT that would wait as long again (0032)
                iterFinalize(pipeline, start.first(), false);
                throw start.failure();
            }
            // not waited for: a refusal by flow control would reach a caller who cannot finalize it again,
            // while an unwaited finalize waits flow control out (PendingRequest#waitsOutFlowControl)
            iterFinalize(pipeline, start.first(), false);
            if (attempt == ITER_START_ATTEMPTS) {
                throw new CmapException(CsError.TRY_AGAIN, CallName.of("iter_init", effective) + ": requests issued by"
                        + " completion actions on this thread came between it and its first iter_next "
                        + ITER_START_ATTEMPTS + " times");
            }
        }
    }

    /** An iter_init whose iterator, should it be made after the caller timed out, is finalized. */
    private Pipeline.Call<Long> iterInitCall(Pipeline pipeline, String prefix) {
        return new Pipeline.Call<>("iter_init", prefix, CmapResponseId.ITER_INIT, IterInitRequestDescriptor.LENGTH,
                buffer -> CmapRequests.iterInit(buffer, prefix),
                (response, length) -> iterHandle(iterInitResponse.wrap(response, length)),
                (response, length) -> iterFinalize(pipeline, iterHandle(new IterInitResponse().wrap(response, length)),
                        false),
                false);
    }

    private static long iterHandle(IterInitResponse answer) {
        if (answer.error() != OK) {
            throw CmapException.ofCode(answer.error(), "");
        }
        return answer.iterHandle();
    }

    /**
     * The next {@code count} keys of the server's iterator {@code iterHandle}, asked for in one
     * burst, or the failure that ended them; an entry is null once the server has no more (it
     * answers every iter_next after the end so). The iterator lives on the connection of
     * {@code pipeline}: after a reconnect it is gone with that connection, and nothing is sent to
     * the new one.
     */
    Pipeline.Results<CmapKeyInfo> iterNext(Pipeline pipeline, long iterHandle, int count, KeysAhead ahead) {
        checkOpen("iter_next", null);
        if (pipeline != pipeline()) {
            throw new CmapException(CsError.LIBRARY, "iter_next: the iterator's connection was lost "
                    + "(the handle has reconnected since); iterate again");
        }
        return pipeline.callRepeated(iterNextCall(iterHandle, ahead), count);
    }

    /**
     * An iter_next whose key goes into {@code ahead} as its answer is read, in order with the
     * handle's writes. An answer that fails, or that comes after its caller gave up (a timeout),
     * leaves a hole in the walk: {@code ahead} then takes none of the burst's later keys.
     */
    private Pipeline.Call<CmapKeyInfo> iterNextCall(long iterHandle, KeysAhead ahead) {
        return new Pipeline.Call<>("iter_next", null, CmapResponseId.ITER_NEXT, IterNextRequestDescriptor.LENGTH,
                buffer -> CmapRequests.iterNext(buffer, iterHandle),
                (response, length) -> {
                    IterNextResponse next = iterNextResponse.wrap(response, length);
                    if (next.error() != OK && next.error() != NO_SECTIONS) {
                        ahead.lostAnswer();
                        throw CmapException.ofCode(next.error(), "");
                    }
                    CmapKeyInfo key = next.error() == NO_SECTIONS ? null
                            : new CmapKeyInfo(next.keyName(), CmapType.of(next.type()), next.valueLength());
                    ahead.walked(key);
                    return key;
                },
                (response, length) -> ahead.lostAnswer(), false);
    }

    /**
     * Finalizes the server's iterator {@code iterHandle}: waits for the answer if {@code wait},
     * else only sends the request, whose answer (or failure) is then read and dropped (decision 0032).
     */
    void iterFinalize(Pipeline pipeline, long iterHandle, boolean wait) {
        if (closed || pipeline != pipeline() || pipeline.brokenReason() != null) {
            return; // the server dropped its iterators with the connection (lost, or replaced since)
        }
        Pipeline.Encoder request = buffer -> CmapRequests.iterFinalize(buffer, iterHandle);
        Pipeline.Decoder<Void> answer = (response, length) -> status(response, length, CmapResponseId.ITER_FINALIZE);
        if (wait) {
            // sent even if the caller times out first: else corosync keeps the iterator to the end
            pipeline.call(new Pipeline.Call<>("iter_finalize", null, CmapResponseId.ITER_FINALIZE,
                    IterFinalizeRequestDescriptor.LENGTH, request, answer, null, true));
        } else {
            pipeline.sendUnwaited("iter_finalize", null, CmapResponseId.ITER_FINALIZE,
                    IterFinalizeRequestDescriptor.LENGTH, request, answer);
        }
    }

    // ---- tracking: Trackings ------------------------------------------------------------------

    @Override
    public long trackAdd(String key, Set<TrackEvent> events, CmapListener listener) {
        return trackings.add(key, events, listener);
    }

    @Override
    public void trackDelete(long trackHandle) {
        trackings.delete(trackHandle);
    }

    // ---- dispatch --------------------------------------------------------------------------------

    @Override
    public int dispatch(DispatchType type) {
        checkOpen("dispatch", null);
        return notifications.dispatch(type);
    }

    @Override
    public int fd() {
        checkOpen("fd_get", null);
        Session current = session;
        CmapException broken = current.pipeline().brokenReason();
        if (broken != null) {
            // its descriptor is closed once dispatch has taken the notifications it holds
            throw new CmapException(CsError.LIBRARY, "fd_get: connection lost" + (reconnector == null ? ""
                    : "; the handle reconnects, fd() then gives the new descriptor"), broken);
        }
        return current.connection().eventFd();
    }

    @Override
    public Object context() {
        checkOpen("context_get", null);
        return context;
    }

    @Override
    public void setContext(Object context) {
        checkOpen("context_set", null);
        this.context = context;
    }

    // ---- life cycle -------------------------------------------------------------------------------

    @Override
    public boolean isOpen() {
        Session current = session;
        return !closed && current.pipeline().brokenReason() == null && current.connection().isConnected();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        synchronized (sessionChange) {
            closed = true;
            sessionChange.notifyAll();
        }
        if (reconnector != null) {
            reconnector.stop();
        }
        Session last = session;
        last.pipeline().close(new CmapException(CsError.BAD_HANDLE, "handle closed"), !tracks.isEmpty());
        last.connection().close(); // a pipeline broken by a loss only ended the connection's requests
        notifications.closeLostConnections();
        tracks.clear();
        LOG.debug("closed {}", session.connection());
    }

    /**
     * The Cleaner's close of a handle the application dropped unclosed (decision 0036): what
     * {@link #close} does, with a warning. No request of the application is in flight (each keeps
     * its handle until answered), so no completion action runs here; no listener is called.
     */
    void closeDropped() {
        if (closed) {
            return;
        }
        LOG.warn("{} was not closed before the application dropped it: closing its connection now;"
                + " close handles when done with them", this);
        close();
    }

    @Override
    public String toString() {
        return "CmapHandle[" + map + ", " + session.connection() + (closed ? ", closed]" : "]");
    }
}
