package io.jcmap.protocol.ipc;

import java.lang.foreign.MemorySegment;

/**
 * One client connection to a libqb service: requests go out, responses come back in the
 * order of the requests, events arrive on their own channel.
 *
 * <p>Each direction has one user at a time: callers serialize {@link #send}, serialize
 * {@link #receiveResponse} and serialize {@link #receiveEvent}; the three may run
 * concurrently. {@link #close()} may be called from any thread at any time: it wakes up
 * waiting threads, which then fail with ENOTCONN, and releases the shared memory once they
 * have left.
 *
 * <p>Failures are {@link io.jcmap.protocol.ErrnoException}s: EAGAIN when the server asks us
 * to slow down, ENOTCONN when it is gone or we closed, EBADMSG for malformed data.
 */
public interface IpcConnection extends AutoCloseable {

    /** The handshake's outcome: transport, message size, server credentials. */
    ConnectionResponse info();

    default int maxMessageSize() {
        return info().maxMessageSize();
    }

    /**
     * Queues one request without waiting for its response.
     *
     * @return false when the channel is full for now (the server has not yet read enough of the
     *     requests before it): nothing was written, and the same send succeeds once it has
     * @throws io.jcmap.protocol.ErrnoException EAGAIN when the server raised flow control on the
     *     request channel (libqb's way of asking clients to try again later); nothing was written
     */
    boolean send(MemorySegment message, int length);

    /**
     * As {@link #send}, but the request may not reach the server, or the server not be woken for
     * it, before the next {@link #notifyServer}, which does it for all such requests at once. A
     * transport without such savings sends as {@link #send} does. The bytes must stay as they are
     * until that {@link #notifyServer} returns.
     *
     * <p>Call {@link #notifyServer} at once after the last of a run of these, on the same thread,
     * before any {@link #send}: libqb's SHM server, woken for an earlier request, handles every
     * request it finds in the ring and then waits, its main loop blocked, for one notification
     * byte per request handled.
     */
    default boolean sendWithoutNotifying(MemorySegment message, int length) {
        return send(message, length);
    }

    /**
     * Delivers the requests sent by {@link #sendWithoutNotifying} since the last notification,
     * with one system call for all of them where {@link #send} costs one per request: on SHM
     * one notification (the server then needs one poll and one read for the run), on the socket
     * transport one {@code sendmmsg}.
     *
     * @return how many of those requests, the last ones, did not go because the channel filled
     *     up: they were not sent, and the caller sends them again later; 0 on SHM, whose
     *     requests are in the ring already
     * @throws io.jcmap.protocol.ErrnoException ENOTCONN when the server is gone
     */
    default int notifyServer() {
        return 0;
    }

    /**
     * Whether requests that reach the server together cost less than the same requests one by
     * one. libqb's SHM server, woken once, takes every request it finds in the ring and reads
     * their notification bytes with one call, where each request sent alone costs it a wake-up,
     * a poll and a read. On the socket transport each request is a datagram of its own, but a
     * run goes out with one system call, and corosync takes the requests it finds queued in one
     * go where requests trickling in one by one let it sleep and be woken for each.
     */
    default boolean takesRequestsInRuns() {
        return false;
    }

    /**
     * How many bytes of responses the server can have waiting for us before it must drop the
     * next one: libqb's server does not wait for room, it drops a response that does not fit
     * (the SHM response ring; on the socket transport its send buffer), and the client, matching
     * responses by order, would then give later callers the wrong answers. A client keeps the
     * {@link #responseFootprint}s of the requests it has in flight within it.
     */
    default long responseCapacity() {
        return Long.MAX_VALUE;
    }

    /** What a response of up to {@code length} bytes takes of {@link #responseCapacity}. */
    default long responseFootprint(long length) {
        return length;
    }

    /**
     * Waits up to {@code timeoutNanos} for the next response and takes it off the channel.
     *
     * @return its length, or -1 if none came in time; the bytes are in {@link #response()}
     */
    int receiveResponse(long timeoutNanos);

    /**
     * Waits up to {@code timeoutNanos} until a response is waiting, without taking it: a thread
     * may wait here while another holds the right to read. False positives are allowed (the
     * caller then finds nothing to read); the default says "maybe" at once.
     *
     * @return false if none came in time
     */
    default boolean awaitResponse(long timeoutNanos) {
        return true;
    }

    /**
     * Whether the server connects its end of the response channel only when it sends its first
     * response, and, should this client be gone by then, retries that connect for about a
     * second with its main loop blocked (libqb's socket transport). A client should then keep a
     * single request on the wire until the first response; {@link #leave} does the rest.
     */
    default boolean serverConnectsOnFirstResponse() {
        return false;
    }

    /**
     * Closes, but where the server may still connect its end of a channel to ours (see
     * {@link #serverConnectsOnFirstResponse}: a request never answered, or events expected and
     * none received yet), first tells it we leave and waits up to {@code graceNanos} for it to
     * let go of us, so that it never finds our sockets gone. Elsewhere the same as {@link #close}.
     *
     * @param eventsExpected whether the server may send events (the client tracks keys)
     */
    default void leave(long graceNanos, boolean eventsExpected) {
        close();
    }

    /**
     * Whether {@code receiveResponse(0)} costs no system call when nothing is waiting, so that a
     * caller may look for responses after every request it sends.
     */
    default boolean looksWithoutSyscall() {
        return false;
    }

    /**
     * Ends requests and responses but keeps the events: a thread waiting for a response wakes up
     * and fails with ENOTCONN, as does every later send or response receive, while events that
     * have arrived stay readable through {@link #receiveEvent} until {@link #close()}. For a
     * connection found lost (the server died, or broke the protocol) whose events the application
     * has not dispatched yet: closing at once would throw them away. The default closes.
     */
    default void endRequests() {
        close();
    }

    /** The last response received; valid until the next {@link #receiveResponse}. */
    MemorySegment response();

    /**
     * Waits up to {@code timeoutNanos} (0: just look) for the next event and takes it.
     *
     * @return its length, or -1 if none came in time; the bytes are in {@link #event()}
     */
    int receiveEvent(long timeoutNanos);

    /** The last event received; valid until the next {@link #receiveEvent}. */
    MemorySegment event();

    /**
     * The descriptor that becomes readable when an event is waiting (cmap_fd_get), and for good
     * once the server hung up. For the application to poll; never read from it.
     */
    int eventFd();

    /** False once the server hung up or we closed. */
    boolean isConnected();

    @Override
    void close();
}
