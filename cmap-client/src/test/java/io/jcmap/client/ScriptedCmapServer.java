package io.jcmap.client;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.cmap.CmapRequestId;
import io.jcmap.protocol.cmap.CmapResponseId;
import io.jcmap.protocol.cmap.AdjustIntRequestDescriptor;
import io.jcmap.protocol.cmap.CmapTrackType;
import io.jcmap.protocol.cmap.DeleteRequestDescriptor;
import io.jcmap.protocol.cmap.GetRequestDescriptor;
import io.jcmap.protocol.cmap.GetResponseDescriptor;
import io.jcmap.protocol.cmap.IterFinalizeRequestDescriptor;
import io.jcmap.protocol.cmap.IterInitRequestDescriptor;
import io.jcmap.protocol.cmap.IterInitResponseDescriptor;
import io.jcmap.protocol.cmap.IterNextRequestDescriptor;
import io.jcmap.protocol.cmap.IterNextResponseDescriptor;
import io.jcmap.protocol.cmap.NameDescriptor;
import io.jcmap.protocol.cmap.NotifyCallbackDescriptor;
import io.jcmap.protocol.cmap.ResponseHeaderDescriptor;
import io.jcmap.protocol.cmap.TrackAddRequestDescriptor;
import io.jcmap.protocol.cmap.TrackAddResponseDescriptor;
import io.jcmap.protocol.cmap.TrackDeleteRequestDescriptor;
import io.jcmap.protocol.cmap.TrackDeleteResponseDescriptor;
import io.jcmap.protocol.ipc.ConnectionResponse;
import io.jcmap.protocol.ipc.IpcConnection;
import io.jcmap.protocol.ipc.TransportType;
import io.jcmap.protocol.os.Credentials;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One connection to a scripted CMAP server, for unit tests of a whole handle
 * ({@link ConnectedHandle} built with a connector handing these out): it answers TRACK_ADD,
 * TRACK_DELETE and SET_CURRENT_MAP as corosync does, keeps the connection's trackings, and sends
 * a notification to each of them on {@link #change}; a SET is answered OK (the value is not kept),
 * or not at all while {@link #withholdSets}. GET, ADJUST_INT (inc, dec), DELETE and the iteration
 * messages are answered from a fixed map whose answers say which request they answer (see
 * {@link #valueOf}, {@link #exists}, {@link #keysUnder}); the connection's iterators are kept
 * until finalized ({@link #openIterators}), and one whose prefix a longer request overwrote before
 * its first ITER_NEXT lists another prefix, as corosync's does (decision 0020). No answer reaches the client while
 * {@link #withholdAnswers}. A test may hold the reader of one answer
 * ({@link #holdAnswer}): after the pipeline took the answer's request off its queue, before it
 * looks at the answer; and may make the server hang up ({@link #hangUp}).
 */
final class ScriptedCmapServer implements IpcConnection {
    private static final int ENOTCONN = 107;
    private static final int MAX_MESSAGE_SIZE = 1 << 16;
    private static final long LOOK_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

    private final long firstHandle;
    private long nextHandle;
    /** Answers and events not yet taken, and the trackings; guarded by {@code this}. */
    private final ArrayDeque<byte[]> answers = new ArrayDeque<>();
    private final ArrayDeque<byte[]> events = new ArrayDeque<>();
    private final Map<Long, Long> trackings = new LinkedHashMap<>();
    private final MemorySegment response = Arena.ofAuto().allocate(MAX_MESSAGE_SIZE);
    private final MemorySegment event = Arena.ofAuto().allocate(MAX_MESSAGE_SIZE);
    private volatile boolean hungUp;
    private volatile boolean requestsEnded;
    private volatile boolean closed;
    /** SETs are taken but not answered (a stalled corosync, for them). */
    volatile boolean withholdSets;
    /** Requests are taken but no answer is given (a corosync paused with SIGSTOP). */
    volatile boolean withholdAnswers;
    /** The connection's iterators: the keys each has still to list; guarded by {@code this}. */
    private final Map<Long, ArrayDeque<String>> iterators = new HashMap<>();
    /**
     * The iterators not yet stepped, each with whether a request that would overwrite its prefix came
     * since its ITER_INIT; guarded by {@code this}. corosync reads an iterator's prefix from the
     * ITER_INIT request only at the first ITER_NEXT, and a request longer than ITER_NEXT's 24 bytes
     * received meanwhile has overwritten it (decision 0020): such an iterator lists another prefix.
     */
    private final Map<Long, Boolean> unstepped = new HashMap<>();
    private long nextIterator = 0x7000;
    /** How many requests were sent; guarded by {@code this}. */
    private int requestsTaken;
    /**
     * How many of the next SETs are answered with another request's message id (a protocol error:
     * the pipeline breaks down, while the connection and its notifications stay up).
     */
    volatile int misanswerSets;
    /** Sends are refused for want of room (the request channel is full): nothing is taken. */
    volatile boolean refusing;
    /** The server raised flow control: a send fails with EAGAIN, nothing taken. */
    volatile boolean flowControl;
    /** Flow control is raised once this many requests were taken (then this goes back to -1). */
    volatile int flowControlAfter = -1;
    /** Whether flow control was ever raised on this connection. */
    volatile boolean flowControlRaised;
    /** Run once, on the sending thread, as flow control next refuses a send (it may lower it). */
    volatile Runnable onFlowControlRefusal;
    /** Run once, on the sending thread, at the next {@link #notifyServer} (the pipeline's send lock held). */
    volatile Runnable beforeNotify;
    /** Answers are held back (a corosync slow to answer), apart from {@link #withholdAnswers}. */
    volatile boolean delaying;
    /** Whether the connection takes requests in runs ({@link IpcConnection#takesRequestsInRuns}). */
    volatile boolean runs;
    /**
     * The room for answers not yet read, in bytes ({@link IpcConnection#responseCapacity}, each
     * answer's footprint its length): an answer that does not fit behind those waiting is dropped, as
     * libqb's server does, and counted in {@link #dropped}; one alone always fits.
     */
    volatile long responseRoom = Long.MAX_VALUE;
    /** Bytes of the answers not yet read; guarded by {@code this}. */
    private long answerBytes;
    /** Answers dropped for want of room; guarded by {@code this}. */
    private int dropped;
    /** The names of the GET, ADJUST_INT and DELETE requests taken, in order; guarded by {@code this}. */
    private final List<String> namesTaken = new ArrayList<>();
    /** How many sends were refused (for want of room, or by flow control). */
    final java.util.concurrent.atomic.AtomicInteger refusals = new java.util.concurrent.atomic.AtomicInteger();

    /** The answer id whose reader is held, or -1; the hold is used once. */
    private volatile int heldId = -1;
    private volatile boolean holdTaken;
    final CountDownLatch readerHeld = new CountDownLatch(1);
    final CountDownLatch releaseReader = new CountDownLatch(1);

    /** @param firstHandle the first track handle this server gives (each connection its own) */
    ScriptedCmapServer(long firstHandle) {
        this.firstHandle = firstHandle;
        this.nextHandle = firstHandle;
    }

    /**
     * Holds the thread that reads the next answer with {@code responseId} once it has taken that
     * answer's request off the pipeline's queue, until {@link #releaseReader}; {@link #readerHeld}
     * says it is held.
     */
    void holdAnswer(int responseId) {
        heldId = responseId;
    }

    /** The server raises flow control: sends fail with EAGAIN until {@link #flowControl} is lowered. */
    void raiseFlowControl() {
        flowControlRaised = true;
        flowControl = true;
    }

    /**
     * Holds the reader of {@code handle}'s next GET answer ({@link #holdAnswer}): a get of
     * {@code key} on another thread, returned once its reader is held with the receive lock.
     */
    CompletableFuture<Long> getWithItsReaderHeld(ConnectedHandle handle, String key, long waitSeconds)
            throws InterruptedException {
        holdAnswer(CmapResponseId.GET);
        CompletableFuture<Long> get = CompletableFuture.supplyAsync(() -> handle.getUint32(key));
        if (!readerHeld.await(waitSeconds, TimeUnit.SECONDS)) {
            throw new AssertionError("the get's answer is not being read after " + waitSeconds + " s");
        }
        return get;
    }

    /** The server is gone: a look for events finds the hang-up, as a real connection's does. */
    void hangUp() {
        hungUp = true;
    }

    /**
     * The server goes away: the hang-up and the end of requests (what a look for events and a
     * send find), {@code gapMillis} apart, the hang-up first or second, so that either a
     * dispatch or a call finds the loss first.
     */
    void lose(boolean hangUpFirst, long gapMillis) {
        if (hangUpFirst) {
            hangUp();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(gapMillis));
            endRequests();
        } else {
            endRequests();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(gapMillis));
            hangUp();
        }
    }

    /** The track handles of this connection's trackings, mapped to their instances. */
    synchronized Map<Long, Long> trackings() {
        return Map.copyOf(trackings);
    }

    /** How many requests were sent on this connection. */
    synchronized int requestsTaken() {
        return requestsTaken;
    }

    /** Whether the client closed this connection. */
    boolean isClosed() {
        return closed;
    }

    /** Whether this connection has a tracking of the client's {@code instance}. */
    synchronized boolean tracks(long instance) {
        return trackings.containsValue(instance);
    }

    /** A key changed: a DELETE notification of {@code key} to every tracking, as corosync sends. */
    synchronized void change(String key) {
        for (long instance : trackings.values()) {
            events.addLast(notification(instance, key));
        }
    }

    @Override
    public ConnectionResponse info() {
        return new ConnectionResponse(TransportType.SHM, MAX_MESSAGE_SIZE, "request", "response", "event",
                new Credentials(1, 0, 0));
    }

    @Override
    public synchronized boolean send(MemorySegment message, int length) {
        if (requestsEnded || closed) {
            throw new ErrnoException(ENOTCONN, "scripted server: requests ended");
        }
        if (flowControl) {
            refusals.incrementAndGet();
            Runnable hook = onFlowControlRefusal;
            if (hook != null) {
                onFlowControlRefusal = null;
                hook.run();
            }
            throw io.jcmap.protocol.ipc.FlowControl.raised();
        }
        if (refusing) {
            refusals.incrementAndGet();
            return false;
        }
        int id = message.get(JAVA_INT_UNALIGNED, 0);
        requestsTaken++;
        switch (id) {
            case CmapRequestId.GET -> namesTaken.add(name(message, GetRequestDescriptor.KEY_NAME_OFFSET));
            case CmapRequestId.ADJUST_INT -> namesTaken.add(name(message, AdjustIntRequestDescriptor.KEY_NAME_OFFSET));
            case CmapRequestId.DELETE -> namesTaken.add(name(message, DeleteRequestDescriptor.KEY_NAME_OFFSET));
            default -> { }
        }
        int before = answers.size();
        if (length > IterNextRequestDescriptor.LENGTH) {
            unstepped.replaceAll((iterator, overwritten) -> true);
        }
        switch (id) {
            case CmapRequestId.TRACK_ADD -> {
                long instance = message.get(JAVA_LONG_UNALIGNED, TrackAddRequestDescriptor.TRACK_INST_HANDLE_OFFSET);
                long handle = nextHandle++;
                trackings.put(handle, instance);
                byte[] answer = header(CmapResponseId.TRACK_ADD, TrackAddResponseDescriptor.LENGTH, CsError.OK);
                MemorySegment.ofArray(answer).set(JAVA_LONG_UNALIGNED, TrackAddResponseDescriptor.TRACK_HANDLE_OFFSET,
                        handle);
                answers.addLast(answer);
            }
            case CmapRequestId.TRACK_DELETE -> {
                long handle = message.get(JAVA_LONG_UNALIGNED, TrackDeleteRequestDescriptor.TRACK_HANDLE_OFFSET);
                Long instance = trackings.remove(handle);
                byte[] answer = header(CmapResponseId.TRACK_DELETE, TrackDeleteResponseDescriptor.LENGTH,
                        instance == null ? CsError.BAD_HANDLE : CsError.OK);
                MemorySegment.ofArray(answer).set(JAVA_LONG_UNALIGNED,
                        TrackDeleteResponseDescriptor.TRACK_INST_HANDLE_OFFSET, instance == null ? 0 : instance);
                answers.addLast(answer);
            }
            case CmapRequestId.SET_CURRENT_MAP -> answers.addLast(header(CmapResponseId.SET_CURRENT_MAP,
                    ResponseHeaderDescriptor.LENGTH, CsError.OK));
            case CmapRequestId.SET -> {
                // the value is not kept: a SET is answered OK, unless answers to SETs are withheld
                if (misanswerSets > 0) {
                    misanswerSets--;
                    answers.addLast(header(CmapResponseId.TRACK_DELETE, ResponseHeaderDescriptor.LENGTH, CsError.OK));
                } else if (!withholdSets) {
                    answers.addLast(header(CmapResponseId.SET, ResponseHeaderDescriptor.LENGTH, CsError.OK));
                }
            }
            case CmapRequestId.GET -> answers.addLast(get(message));
            case CmapRequestId.ADJUST_INT -> answers.addLast(header(CmapResponseId.ADJUST_INT,
                    ResponseHeaderDescriptor.LENGTH, exists(name(message, AdjustIntRequestDescriptor.KEY_NAME_OFFSET))
                            ? CsError.OK : CsError.NOT_EXIST));
            case CmapRequestId.DELETE -> answers.addLast(header(CmapResponseId.DELETE,
                    ResponseHeaderDescriptor.LENGTH, exists(name(message, DeleteRequestDescriptor.KEY_NAME_OFFSET))
                            ? CsError.OK : CsError.NOT_EXIST));
            case CmapRequestId.ITER_INIT -> answers.addLast(iterInit(message));
            case CmapRequestId.ITER_NEXT -> answers.addLast(iterNext(
                    message.get(JAVA_LONG_UNALIGNED, IterNextRequestDescriptor.ITER_HANDLE_OFFSET)));
            case CmapRequestId.ITER_FINALIZE -> answers.addLast(finalizeIterator(
                    message.get(JAVA_LONG_UNALIGNED, IterFinalizeRequestDescriptor.ITER_HANDLE_OFFSET)));
            default -> throw new IllegalStateException("scripted server: no script for request " + id);
        }
        if (requestsTaken == flowControlAfter) {
            flowControlAfter = -1;
            raiseFlowControl();
        }
        if (answers.size() > before) {
            byte[] answer = answers.peekLast();
            // an answer as long as a message always fits when none waits (a ring holds one at least)
            if (answerBytes > 0 && answerBytes + answer.length > responseRoom) {
                answers.pollLast(); // libqb's server drops an answer that does not fit
                dropped++;
            } else {
                answerBytes += answer.length;
            }
        }
        return true;
    }

    @Override
    public int notifyServer() {
        Runnable hook = beforeNotify;
        if (hook != null) {
            beforeNotify = null;
            hook.run();
        }
        return 0;
    }

    @Override
    public boolean takesRequestsInRuns() {
        return runs;
    }

    @Override
    public long responseCapacity() {
        return responseRoom;
    }

    @Override
    public long responseFootprint(long length) {
        return length;
    }

    /** How many answers were dropped for want of room. */
    synchronized int dropped() {
        return dropped;
    }

    /** The names of the GET, ADJUST_INT and DELETE requests taken, in order. */
    synchronized List<String> namesTaken() {
        return List.copyOf(namesTaken);
    }

    @Override
    public int receiveResponse(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            if (requestsEnded || closed) {
                throw new ErrnoException(ENOTCONN, "scripted server: requests ended");
            }
            byte[] answer;
            synchronized (this) {
                answer = withholdAnswers || delaying ? null : answers.pollFirst();
                if (answer != null) {
                    answerBytes -= answer.length;
                }
            }
            if (answer != null) {
                MemorySegment.copy(answer, 0, response, JAVA_BYTE, 0, answer.length);
                return answer.length;
            }
            if (System.nanoTime() - deadline >= 0) {
                return -1;
            }
            LockSupport.parkNanos(LOOK_NANOS);
        }
    }

    /** Called by the pipeline once it took the answer's request off its queue, before it looks at it. */
    @Override
    public MemorySegment response() {
        if (!holdTaken && response.get(JAVA_INT_UNALIGNED, ResponseHeaderDescriptor.ID_OFFSET) == heldId) {
            holdTaken = true;
            readerHeld.countDown();
            try {
                if (!releaseReader.await(20, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("scripted server: the held reader was never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return response;
    }

    @Override
    public int receiveEvent(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            if (closed) {
                throw new ErrnoException(ENOTCONN, "scripted server: closed");
            }
            byte[] next;
            synchronized (this) {
                next = events.pollFirst();
            }
            if (next != null) {
                MemorySegment.copy(next, 0, event, JAVA_BYTE, 0, next.length);
                return next.length;
            }
            if (hungUp) {
                throw new ErrnoException(ENOTCONN, "scripted server: hung up");
            }
            if (System.nanoTime() - deadline >= 0) {
                return -1;
            }
            LockSupport.parkNanos(LOOK_NANOS);
        }
    }

    @Override
    public MemorySegment event() {
        return event;
    }

    @Override
    public int eventFd() {
        return -1;
    }

    @Override
    public boolean isConnected() {
        return !hungUp && !closed;
    }

    @Override
    public void endRequests() {
        requestsEnded = true;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "ScriptedCmapServer[first handle " + firstHandle + "]";
    }

    private static byte[] header(int id, int size, CsError error) {
        byte[] message = new byte[size];
        MemorySegment segment = MemorySegment.ofArray(message);
        segment.set(JAVA_INT_UNALIGNED, ResponseHeaderDescriptor.ID_OFFSET, id);
        segment.set(JAVA_INT_UNALIGNED, ResponseHeaderDescriptor.SIZE_OFFSET, size);
        segment.set(JAVA_INT_UNALIGNED, ResponseHeaderDescriptor.ERROR_OFFSET, error.code());
        return message;
    }

    /** A DELETE notification without values: a fixed part only. */
    private static byte[] notification(long instance, String key) {
        byte[] message = header(CmapResponseId.NOTIFY_CALLBACK, NotifyCallbackDescriptor.LENGTH, CsError.OK);
        MemorySegment segment = MemorySegment.ofArray(message);
        segment.set(JAVA_LONG_UNALIGNED, NotifyCallbackDescriptor.TRACK_INST_HANDLE_OFFSET, instance);
        byte[] name = key.getBytes(StandardCharsets.US_ASCII);
        segment.set(JAVA_SHORT_UNALIGNED, NotifyCallbackDescriptor.KEY_NAME_OFFSET + NameDescriptor.LENGTH_OFFSET,
                (short) name.length);
        MemorySegment.copy(name, 0, segment, JAVA_BYTE,
                NotifyCallbackDescriptor.KEY_NAME_OFFSET + NameDescriptor.VALUE_OFFSET, name.length);
        segment.set(JAVA_INT_UNALIGNED, NotifyCallbackDescriptor.EVENT_OFFSET, CmapTrackType.DELETE);
        return message;
    }

    // ---- the fixed map: each answer tells which request it answers ----------------------------

    /**
     * The value of {@code key} in the scripted map, or null if it has none: "g.N" holds the uint32
     * N; "s.N" a string naming N, longer than a first get's 256 bytes when N % 3 == 0.
     */
    static CmapValue valueOf(String key) {
        long n = numberOf(key);
        if (n < 0) {
            return null;
        }
        if (key.startsWith("g.")) {
            return CmapValue.uint32(n);
        }
        if (key.startsWith("s.")) {
            return CmapValue.string("value " + n + " " + "x".repeat(n % 3 == 0 ? 300 : (int) (n % 50)));
        }
        return null;
    }

    /** Whether an inc, dec or delete of {@code key} ("i.N", "d.N") finds it: N even. */
    static boolean exists(String key) {
        long n = numberOf(key);
        return n >= 0 && n % 2 == 0;
    }

    /** The keys an iteration of {@code prefix} lists, in order: N % 13 of them under "it.N.". */
    static List<String> keysUnder(String prefix) {
        List<String> keys = new ArrayList<>();
        if (prefix.startsWith("it.") && prefix.endsWith(".")) {
            long n = numberOf(prefix.substring(0, prefix.length() - 1));
            for (int i = 0; n >= 0 && i < n % 13; i++) {
                keys.add(prefix + "k" + (char) ('a' + i));
            }
        }
        return keys;
    }

    /** The number after the key's first dot, or -1. */
    private static long numberOf(String key) {
        int dot = key.indexOf('.');
        int tag = key.indexOf('~'); // a tag naming the request, which the value ignores
        try {
            return dot < 0 ? -1 : Long.parseLong(key.substring(dot + 1, tag < 0 ? key.length() : tag));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** How many iterators of this connection were not finalized. */
    synchronized int openIterators() {
        return iterators.size();
    }

    private static String name(MemorySegment message, long offset) {
        int length = Short.toUnsignedInt(message.get(JAVA_SHORT_UNALIGNED, offset + NameDescriptor.LENGTH_OFFSET));
        byte[] bytes = new byte[length];
        MemorySegment.copy(message, JAVA_BYTE, offset + NameDescriptor.VALUE_OFFSET, bytes, 0, length);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** As corosync answers a GET: the whole reservation, or INVALID_PARAM if the value does not fit it. */
    private static byte[] get(MemorySegment message) {
        CmapValue value = valueOf(name(message, GetRequestDescriptor.KEY_NAME_OFFSET));
        long reserve = message.get(JAVA_LONG_UNALIGNED, GetRequestDescriptor.VALUE_LEN_OFFSET);
        if (value == null) {
            return header(CmapResponseId.GET, GetResponseDescriptor.LENGTH, CsError.NOT_EXIST);
        }
        int length = value.encodedLength();
        if (reserve > 0 && reserve < length) {
            return header(CmapResponseId.GET, GetResponseDescriptor.LENGTH, CsError.INVALID_PARAM);
        }
        byte[] answer = header(CmapResponseId.GET, GetResponseDescriptor.LENGTH + (int) reserve, CsError.OK);
        MemorySegment segment = MemorySegment.ofArray(answer);
        segment.set(JAVA_LONG_UNALIGNED, GetResponseDescriptor.VALUE_LEN_OFFSET, length);
        segment.set(JAVA_BYTE, GetResponseDescriptor.TYPE_OFFSET, (byte) value.type().code());
        if (reserve > 0) {
            value.writeTo(segment, GetResponseDescriptor.VALUE_OFFSET);
        }
        return answer;
    }

    private byte[] iterInit(MemorySegment message) {
        long iterator = nextIterator++;
        iterators.put(iterator, new ArrayDeque<>(keysUnder(name(message, IterInitRequestDescriptor.PREFIX_OFFSET))));
        unstepped.put(iterator, false);
        byte[] answer = header(CmapResponseId.ITER_INIT, IterInitResponseDescriptor.LENGTH, CsError.OK);
        MemorySegment.ofArray(answer).set(JAVA_LONG_UNALIGNED, IterInitResponseDescriptor.ITER_HANDLE_OFFSET, iterator);
        return answer;
    }

    private byte[] finalizeIterator(long iterator) {
        unstepped.remove(iterator);
        return header(CmapResponseId.ITER_FINALIZE, ResponseHeaderDescriptor.LENGTH,
                iterators.remove(iterator) != null ? CsError.OK : CsError.BAD_HANDLE);
    }

    /** The iterator's next key, as a uint8 key of length 1; NO_SECTIONS past the end, BAD_HANDLE if unknown. */
    private byte[] iterNext(long iterator) {
        if (Boolean.TRUE.equals(unstepped.remove(iterator))) {
            iterators.put(iterator, new ArrayDeque<>(List.of("zz.another.prefix")));
        }
        ArrayDeque<String> left = iterators.get(iterator);
        if (left == null || left.isEmpty()) {
            return header(CmapResponseId.ITER_NEXT, ResponseHeaderDescriptor.LENGTH,
                    left == null ? CsError.BAD_HANDLE : CsError.NO_SECTIONS);
        }
        byte[] answer = header(CmapResponseId.ITER_NEXT, IterNextResponseDescriptor.LENGTH, CsError.OK);
        MemorySegment segment = MemorySegment.ofArray(answer);
        byte[] name = left.pollFirst().getBytes(StandardCharsets.US_ASCII);
        segment.set(JAVA_SHORT_UNALIGNED, IterNextResponseDescriptor.KEY_NAME_OFFSET + NameDescriptor.LENGTH_OFFSET,
                (short) name.length);
        MemorySegment.copy(name, 0, segment, JAVA_BYTE,
                IterNextResponseDescriptor.KEY_NAME_OFFSET + NameDescriptor.VALUE_OFFSET, name.length);
        segment.set(JAVA_LONG_UNALIGNED, IterNextResponseDescriptor.VALUE_LEN_OFFSET, 1);
        segment.set(JAVA_BYTE, IterNextResponseDescriptor.TYPE_OFFSET, (byte) CmapType.UINT8.code());
        return answer;
    }

    /** Every handle this server gave, in order (for messages). */
    synchronized List<Long> handlesGiven() {
        return java.util.stream.LongStream.range(firstHandle, nextHandle).boxed().toList();
    }
}
