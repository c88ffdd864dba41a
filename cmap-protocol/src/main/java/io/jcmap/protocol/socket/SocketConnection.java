package io.jcmap.protocol.socket;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.ipc.ActiveCalls;
import io.jcmap.protocol.ipc.ConnectionResponse;
import io.jcmap.protocol.ipc.FlowControl;
import io.jcmap.protocol.ipc.IpcConnection;
import io.jcmap.protocol.ipc.IpcOptions;
import io.jcmap.protocol.ipc.ReceiveBuffer;
import io.jcmap.protocol.ipc.ResponseSpin;
import io.jcmap.protocol.ipc.SetupSocket;
import io.jcmap.protocol.ipc.WaitSpin;
import io.jcmap.protocol.os.AnonymousMemory;
import io.jcmap.protocol.os.DatagramRun;
import io.jcmap.protocol.os.Errno;
import io.jcmap.protocol.os.LookPace;
import io.jcmap.protocol.os.PollGroup;
import io.jcmap.protocol.os.SharedMapping;
import io.jcmap.protocol.os.UnixAddress;
import io.jcmap.protocol.os.UnixSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The socket transport ({@code qb_ipc_type: socket}): requests and responses travel as
 * datagrams on one socket pair, events on another; all four ends have abstract names derived
 * from the base name the server sent. A small shared control file counts datagrams in flight
 * per channel and carries the server's flow-control flag.
 *
 * <p>The server counts each response there once it is queued, so a look for a response reads
 * the count and makes a system call only when it says one is waiting: a caller may look after
 * every request it sends, as on SHM, at no cost when nothing is there.
 *
 * <p>Requests sent without notifying wait in a {@link DatagramRun} and go out together with one
 * {@code sendmmsg} at {@link #notifyServer}: a pipelining client then pays one system call per
 * run instead of one per request, and corosync finds requests queued whenever it looks, where
 * requests trickling in one by one let it fall asleep and be woken for each (decision 0029).
 */
public final class SocketConnection implements IpcConnection {
    private static final Logger LOG = LoggerFactory.getLogger(SocketConnection.class);
    private static final VarHandle INT = JAVA_INT.varHandle();
    /**
     * What the kernel charges a send buffer per datagram beyond twice its bytes, rounded up: it
     * takes a datagram's bytes and their skb_shared_info from a cache of power-of-two sizes (up
     * to 16 KiB; beyond that in pages), so at most twice the two, and adds the sk_buff (256
     * bytes). As we read the kernel's structs, the shared info is 320 bytes at the default
     * CONFIG_MAX_SKB_FRAGS of 17 (the review measured at most twice the length plus 894 here)
     * but 768 at 45, where the charge can reach twice the length plus 1,792 (decision 0019).
     */
    private static final long DATAGRAM_OVERHEAD = 2048;
    /**
     * The least room for one event datagram, whatever the negotiated size: a CMAP notification
     * carries two values of up to 16 KiB, and corosync sends it over a smaller negotiated size.
     */
    private static final long EVENT_LANDING_MINIMUM = 64 * 1024;
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** The most requests of one run; more are refused as a full channel, and go with a later run. */
    static final int LONGEST_RUN = 64;
    /**
     * The longest request that joins a run. Every valid CMAP request is shorter (a SET of the
     * longest value corosync keeps is 16,681 bytes); a longer one goes alone, as {@link #send}
     * sends it, so that the kernel's refusal of it fails that request only: {@code EMSGSIZE} past
     * the send buffer ({@code net.core.wmem_max} may keep it below the message size), or
     * {@code ENOBUFS} when it cannot allocate a buffer that large. In a run, {@code sendmmsg}
     * reports such a failure for the run, which the caller takes for the connection's.
     */
    static final int LONGEST_RUN_DATAGRAM = 64 * 1024;
    /**
     * How long {@link #awaitResponse} watches the server's count before it polls, where spinning
     * is on at all ({@link WaitSpin}): while corosync works through requests of ours it answers
     * one every 6 or 7 us here, and a reader asleep in poll costs it a wake-up per answer
     * (decision 0029).
     */
    static final long AWAIT_SPIN_NANOS = Math.min(WaitSpin.NANOS, TimeUnit.MICROSECONDS.toNanos(15));
    /** What a wait for events watches the server's event count for before it sleeps (decision 0038). */
    static final long EVENT_SPIN_NANOS = WaitSpin.socketEventNanos();

    private final SetupSocket setup;
    private final IpcOptions options;
    private final SharedMapping control;
    private final UnixSocket requests;
    private final UnixSocket events;
    /** The server's send buffer for our answers (see {@link #responseCapacity}). */
    private final long responseCapacity;
    private final ActiveCalls calls = new ActiveCalls();
    /** Requests sent without notifying, until {@link #notifyServer}; by the sending thread only. */
    private final DatagramRun run = new DatagramRun(LONGEST_RUN);
    /**
     * Where datagrams arrive, one area per channel, each as large as the largest message: a
     * datagram is taken whole with one {@code recv}, without a peek at its size first. Touched
     * only inside a call, like the control file (so both are unmapped only when no thread is in
     * one); what callers read afterwards is the copy in the receive buffer, which a late reader
     * may still touch. Mapped by the first receive: a handle that only connects and closes saves
     * the two system calls.
     */
    private volatile AnonymousMemory landing;
    private volatile MemorySegment responseLanding;
    private volatile MemorySegment eventLanding;
    private final ReceiveBuffer responseBuffer = new ReceiveBuffer();
    private final ResponseSpin responseSpin = new ResponseSpin();
    private final ReceiveBuffer eventBuffer = new ReceiveBuffer();
    private volatile boolean hungUp;
    /**
     * What the application polls (eventFd): the event socket and the setup socket as one, so
     * that corosync's death, which only the setup socket shows, wakes a poll loop too. Made by
     * the first eventFd, inside a call, so never after close; closed by close.
     */
    private volatile PollGroup pollGroup;
    /**
     * A wait saw the request socket readable while the count said nothing was waiting: the next
     * look calls recv anyway. The count lags the datagram by a moment (the server increments it
     * after its send returns), and a socket that reports an error has nothing counted.
     */
    private volatile boolean readableUncounted;
    /** What tells whether the server has connected its ends to ours yet (decision 0012). */
    private volatile boolean requested;
    private volatile boolean responded;
    private volatile boolean eventReceived;
    /**
     * Set by {@link #leave}: the handle is closing. A wait for events ends at its next slice
     * instead of waiting out the grace for the server to let go (up to a second).
     */
    private volatile boolean leaving;

    private SocketConnection(SetupSocket setup, IpcOptions options, SharedMapping control,
                             UnixSocket requests, UnixSocket events, long responseCapacity) {
        this.setup = setup;
        this.options = options;
        this.control = control;
        this.requests = requests;
        this.events = events;
        this.responseCapacity = responseCapacity;
        // answers are late only when corosync stalls; notifications come after quiet times
        requests.lookPace(LookPace.PATIENT);
    }

    /** Maps the control file and binds and connects both datagram channels. */
    public static SocketConnection open(SetupSocket setup, IpcOptions options) {
        return open(setup, options, ChannelSockets.open(setup.response().maxMessageSize()));
    }

    /**
     * As {@link #open(SetupSocket, IpcOptions)}, with the channels' sockets made already; they
     * belong to the connection from now on, and are closed if it fails to open.
     */
    public static SocketConnection open(SetupSocket setup, IpcOptions options, ChannelSockets sockets) {
        ConnectionResponse info = setup.response();
        SharedMapping control = null;
        try {
            long responseCapacity = sockets.serverSendBuffer(info.maxMessageSize()); // before they are resized
            ChannelSockets sized = sockets.sizedFor(info.maxMessageSize());
            control = SharedMapping.open(options.shmDirectory(), info.requestName(), ControlDescriptor.LENGTH);
            String base = info.responseName();
            long deadline = System.nanoTime() + options.connectTimeout().toNanos();
            connect(sized.requests(), base + ControlDescriptor.RESPONSE_SOCKET, base + ControlDescriptor.REQUEST_SOCKET,
                    deadline);
            connect(sized.events(), base + ControlDescriptor.EVENT_SOCKET, base + ControlDescriptor.EVENT_SENDER_SOCKET,
                    deadline);
            return new SocketConnection(setup, options, control, sized.requests(), sized.events(),
                    responseCapacity);
        } catch (RuntimeException e) {
            sockets.close();
            if (control != null) {
                control.close();
            }
            throw e;
        }
    }

    private static void connect(UnixSocket socket, String local, String remote, long deadline) {
        // The server connects its end to our name when it first sends, so bind before anything.
        socket.bind(UnixAddress.abstractName(local));
        socket.connect(UnixAddress.abstractName(remote), deadline);
    }

    @Override
    public ConnectionResponse info() {
        return setup.response();
    }

    @Override
    public boolean send(MemorySegment message, int length) {
        calls.enter();
        try {
            checkSendable(length);
            if (!run.isEmpty()) {
                throw new IllegalStateException(run.size() + " requests sent without notifying wait for notifyServer");
            }
            return sendAlone(message, length);
        } finally {
            calls.exit();
        }
    }

    /**
     * Keeps the request for the run that {@link #notifyServer} sends; it is the caller's until
     * then. Refused (false) when the run is full: to the caller, the channel is full for now.
     */
    @Override
    public boolean sendWithoutNotifying(MemorySegment message, int length) {
        calls.enter();
        try {
            checkSendable(length);
            if (length > LONGEST_RUN_DATAGRAM) {
                // after the run staged before it, which goes first (false: the channel is full for now)
                return run.isEmpty() && sendAlone(message, length);
            }
            return run.add(message, length);
        } finally {
            calls.exit();
        }
    }

    /** Sends one request at once; inside a call, with no run staged. */
    private boolean sendAlone(MemorySegment message, int length) {
        long sent = requests.send(message, length);
        if (sent == UnixSocket.WOULD_BLOCK) {
            return false;
        }
        countSent(1);
        return true;
    }

    /** Sends the run with one {@code sendmmsg}, as far as the socket's buffer takes it. */
    @Override
    public int notifyServer() {
        calls.enter();
        try {
            int staged = run.size();
            if (staged == 0) {
                return 0;
            }
            try {
                calls.checkRequestsOpen();
            } catch (RuntimeException e) {
                run.clear();
                throw e;
            }
            int sent = run.sendOn(requests);
            countSent(sent);
            return staged - sent;
        } finally {
            calls.exit();
        }
    }

    /** Throws unless a request of {@code length} bytes may go now; inside a call only. */
    private void checkSendable(int length) {
        calls.checkRequestsOpen();
        if (length > info().maxMessageSize()) {
            throw new ErrnoException(Errno.EMSGSIZE, "message of " + length + " bytes exceeds "
                    + info().maxMessageSize());
        }
        long flowControl = (long) ControlDescriptor.REQUEST_CHANNEL + ControlDescriptor.FLOW_CONTROL_OFFSET;
        if ((int) INT.getVolatile(control.segment(), flowControl) == FlowControl.STOP) {
            throw FlowControl.raised();
        }
    }

    /** Counts {@code sent} requests in the control file, as libqb's client does after each send. */
    private void countSent(int sent) {
        if (sent == 0) {
            return;
        }
        INT.getAndAdd(control.segment(), (long) ControlDescriptor.REQUEST_CHANNEL + ControlDescriptor.SENT_OFFSET, sent);
        if (!requested) {
            requested = true;
        }
    }

    /**
     * True here too: a run costs us one system call, and corosync takes requests that arrive
     * together in one go instead of sleeping and being woken between them.
     */
    @Override
    public boolean takesRequestsInRuns() {
        return true;
    }

    @Override
    public void endRequests() {
        if (calls.endRequests()) {
            requests.shutdown(); // wakes a thread waiting for a response: it finds them ended
        }
    }

    @Override
    public int receiveResponse(long timeoutNanos) {
        return receive(requests, ControlDescriptor.RESPONSE_CHANNEL, responseBuffer, timeoutNanos);
    }

    /**
     * The server's send buffer: responses we have not read are charged to it, and a send that
     * finds it full fails and the response is dropped. libqb asks for the message size, which the
     * kernel may cap well below it (decision 0019).
     */
    @Override
    public long responseCapacity() {
        return responseCapacity;
    }

    /** The most the kernel charges the server's send buffer for a datagram of that length. */
    @Override
    public long responseFootprint(long length) {
        return 2 * length + DATAGRAM_OVERHEAD;
    }

    @Override
    public boolean looksWithoutSyscall() {
        return true;
    }

    /** libqb's {@code _finish_connecting}: ten tries of connect, 100 ms apart (decision 0012). */
    @Override
    public boolean serverConnectsOnFirstResponse() {
        return true;
    }

    /**
     * Waits until the count says a response is waiting, or the socket becomes readable, without
     * taking anything: a short spin on the count ({@link #AWAIT_SPIN_NANOS}), then poll, in
     * liveness slices like {@link #receive}, so that callers may read meanwhile. Our own close
     * ends it at once (the shutdown makes the socket readable).
     */
    @Override
    public boolean awaitResponse(long timeoutNanos) {
        calls.enter();
        try {
            long deadline = System.nanoTime() + timeoutNanos;
            long slice = options.livenessInterval().toNanos();
            long spin = Math.min(AWAIT_SPIN_NANOS, timeoutNanos);
            if (spin > 0) {
                spinForCount(ControlDescriptor.RESPONSE_CHANNEL, spin);
            }
            while (true) {
                calls.checkRequestsOpen();
                if (calls.isClosed() || hungUp) {
                    checkOpen();
                }
                if (responsesCounted() > 0) {
                    return true;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                if (requests.poll(UnixSocket.READABLE, millisRoundedUp(Math.min(remaining, slice))) != 0) {
                    if (calls.isClosed()) {
                        throw closed(); // our shutdown made it readable
                    }
                    calls.checkRequestsOpen(); // so did endRequests()
                    readableUncounted = responsesCounted() <= 0;
                    return true;
                }
                checkOpen();
            }
        } finally {
            calls.exit();
        }
    }

    private static int millisRoundedUp(long nanos) {
        return (int) ((nanos + 999_999) / 1_000_000);
    }

    /** Watches the server's count of {@code channel} for up to {@code nanos} before a blocking receive. */
    private void spinForCount(int channel, long nanos) {
        long end = System.nanoTime() + nanos;
        while (counted(channel) <= 0 && System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }

    /** Responses the server sent that we have not received; inside a call only (see {@link #landing}). */
    private int responsesCounted() {
        return counted(ControlDescriptor.RESPONSE_CHANNEL);
    }

    /** Datagrams the server sent on {@code channel} that we have not received; inside a call only. */
    private int counted(int channel) {
        return (int) INT.getVolatile(control.segment(), (long) channel + ControlDescriptor.SENT_OFFSET);
    }

    /** Whether a look for a response must call recv: the count says one waits, or a wait saw it readable. */
    private boolean responseMayWait() {
        if (responsesCounted() > 0) {
            return true;
        }
        if (readableUncounted) {
            readableUncounted = false;
            return true;
        }
        return false;
    }

    @Override
    public MemorySegment response() {
        return responseBuffer.segment();
    }

    @Override
    public int receiveEvent(long timeoutNanos) {
        return receive(events, ControlDescriptor.EVENT_CHANNEL, eventBuffer, timeoutNanos);
    }

    @Override
    public MemorySegment event() {
        return eventBuffer.segment();
    }

    /**
     * How long a wait watches the server's count before its first sleep (decisions 0013, 0017):
     * for a response as long as the last answer took, half again (decision 0028); for events the
     * longest of those (decision 0038). Never past the wait's {@code remaining} time.
     */
    private long firstWatch(boolean events, long remaining) {
        return events ? Math.min(EVENT_SPIN_NANOS, remaining) : responseSpin.within(remaining);
    }

    private int receive(UnixSocket socket, int channel, ReceiveBuffer buffer, long timeoutNanos) {
        calls.enter();
        try {
            MemorySegment target = landing(channel);
            long started = System.nanoTime();
            long deadline = started + timeoutNanos;
            long slice = options.livenessInterval().toNanos();
            boolean events = channel == ControlDescriptor.EVENT_CHANNEL;
            boolean firstPass = true;
            while (true) {
                if (!events) {
                    calls.checkRequestsOpen(); // also what a wake-up by endRequests() finds
                }
                // events the server sent before it went away are still taken: only a look that
                // finds none reports the hang-up
                boolean serverGone = hungUp && events;
                if (calls.isClosed() || (hungUp && !events)) {
                    checkOpen();
                }
                if (events && leaving && !serverGone) {
                    return -1; // the handle is closing: its dispatch ends now, not after the grace of leave()
                }
                long remaining = serverGone ? 0 : deadline - System.nanoTime();
                // The wait happens inside recv, as libqb's client does it: one system call that
                // the server's send wakes directly. A hang-up of the setup socket cannot end it,
                // so it waits a liveness slice at most and then looks; our own close shuts the
                // socket down, which ends it at once. Before its first sleep, the server's count is
                // watched for a moment (firstWatch); a slice that ended empty is no reason to
                // watch again.
                long spin = firstPass ? firstWatch(events, remaining) : 0;
                firstPass = false;
                if (spin > 0) {
                    spinForCount(channel, spin);
                }
                boolean look = remaining <= 0;
                if (look && channel == ControlDescriptor.RESPONSE_CHANNEL && !responseMayWait()) {
                    return -1;
                }
                long size = look ? socket.receiveIfWaiting(target, target.byteSize())
                        : socket.receiveWithin(target, target.byteSize(), Math.min(remaining, slice));
                if (size == 0) {
                    // our own shutdown reads as an empty datagram; libqb never sends one
                    if (!events) {
                        calls.checkRequestsOpen();
                    }
                    checkOpen();
                    throw new ErrnoException(Errno.EBADMSG, "server sent an empty datagram");
                }
                if (size != UnixSocket.WOULD_BLOCK) {
                    if (!events && timeoutNanos > 0) {
                        responseSpin.answered(System.nanoTime() - started);
                    }
                    return accept(target, size, buffer, channel);
                }
                if (look) {
                    if (events) {
                        checkOpen(); // how dispatch(ALL) learns that the server is gone
                    }
                    return -1; // a look for a response costs no hang-up check: a wait that finds nothing does
                }
                checkOpen();
            }
        } finally {
            calls.exit();
        }
    }

    /** The landing area of {@code channel}, mapped now if no receive has mapped them yet; inside a call only. */
    private MemorySegment landing(int channel) {
        MemorySegment area = channel == ControlDescriptor.RESPONSE_CHANNEL ? responseLanding : eventLanding;
        if (area == null) {
            mapLanding();
            area = channel == ControlDescriptor.RESPONSE_CHANNEL ? responseLanding : eventLanding;
        }
        return area;
    }

    private synchronized void mapLanding() {
        if (landing != null) {
            return;
        }
        // an event may come over the negotiated size (corosync sends one its socket buffer takes):
        // room for EVENT_LANDING_MINIMUM at least, reserved lazily like the rest
        long responses = info().maxMessageSize();
        long events = Math.max(responses, EVENT_LANDING_MINIMUM);
        AnonymousMemory mapped = AnonymousMemory.reserve(responses + events);
        responseLanding = mapped.segment().asSlice(0, responses);
        eventLanding = mapped.segment().asSlice(responses, events);
        landing = mapped; // last: close() unmaps what it sees here, after every call has left
    }

    /**
     * Copies a datagram received whole into the receive buffer and accounts for it, or refuses
     * one that the landing area (as large as the largest message allowed) cut short: the kernel
     * reports a datagram's full size.
     */
    private int accept(MemorySegment landing, long size, ReceiveBuffer buffer, int channel) {
        // taken off the socket either way, so no longer waiting: a look must not count it
        INT.getAndAdd(control.segment(), (long) channel + ControlDescriptor.SENT_OFFSET, -1);
        noteArrival(channel);
        if (size > landing.byteSize()) {
            throw new ErrnoException(Errno.EMSGSIZE, "server sent a datagram of " + size + " bytes, over the limit of "
                    + landing.byteSize());
        }
        MemorySegment.copy(landing, 0, buffer.ensure(size), 0, size);
        return (int) size;
    }

    /** A datagram came on {@code channel}: the server has connected its end of it. */
    private void noteArrival(int channel) {
        if (channel == ControlDescriptor.RESPONSE_CHANNEL) {
            if (!responded) {
                responded = true;
            }
        } else if (!eventReceived) {
            eventReceived = true;
        }
    }

    private void checkOpen() {
        if (calls.isClosed()) {
            throw closed();
        }
        if (hungUp || setup.isHungUp()) {
            hungUp = true;
            throw new ErrnoException(Errno.ENOTCONN, "server closed the connection (pid "
                    + info().server().pid() + ")");
        }
    }

    private static ErrnoException closed() {
        return new ErrnoException(Errno.ENOTCONN, "connection closed");
    }

    /**
     * Unlike libcmap's (the event socket alone), readable too when the server hangs up: a
     * poll loop then calls dispatch, which reports the loss.
     */
    @Override
    public int eventFd() {
        PollGroup group = pollGroup;
        if (group != null) {
            return group.fd();
        }
        calls.enter();
        try {
            synchronized (this) {
                if (pollGroup == null) {
                    pollGroup = PollGroup.of(events.fd(), setup.socket().fd());
                }
                return pollGroup.fd();
            }
        } finally {
            calls.exit();
        }
    }

    @Override
    public boolean isConnected() {
        if (calls.isClosed() || hungUp) {
            return false;
        }
        try {
            hungUp = setup.isHungUp();
        } catch (ErrnoException e) {
            hungUp = true;
        }
        return !hungUp;
    }

    /**
     * libqb's server connects its end of each channel when it first sends on it, and if our
     * socket is gone by then it retries for about a second with corosync's main loop blocked
     * (decision 0012). So while it may still do that, we half-close the setup socket, which it
     * reads as our departure, and keep our sockets until it hangs up.
     */
    @Override
    public void leave(long graceNanos, boolean eventsExpected) {
        leaving = true;
        boolean mayConnect = (requested && !responded) || (eventsExpected && !eventReceived);
        if (mayConnect && !calls.isClosed() && !hungUp) {
            try {
                setup.shutdownOutput();
                if (!setup.awaitHangUp(graceNanos)) {
                    LOG.debug("left {} before the server let go of it: it may stall connecting to us", this);
                }
            } catch (ErrnoException e) {
                LOG.debug("leaving {}: {}", this, e.getMessage()); // it is gone already
            }
        }
        close();
    }

    @Override
    public void close() {
        if (!calls.markClosed()) {
            return;
        }
        // The control file's name goes first, as libqb's client does it: a dead server cannot
        // remove it, and a live one starts to only once it sees us leave, so the name is still
        // there to remove (no failed walk per close). Our mapping stays valid until unmapped below.
        control.removeName();
        // Of the sockets, the setup socket goes first, always: its hang-up is how corosync learns we left. If
        // our event socket vanished before that, corosync's next event to us would find its name
        // refused and retry for a second, with its whole main loop blocked (seen in CI).
        setup.shutdown();
        // Shutting a socket down also wakes up threads waiting on it. The event socket is the
        // application's to poll as well (eventFd), so it always is; on the request socket only our
        // own calls wait, and with none inside (none can enter now) closing it says enough.
        if (!calls.isIdle()) {
            requests.shutdown();
        }
        events.shutdown();
        if (!calls.awaitIdle(CLOSE_WAIT_NANOS)) {
            LOG.warn("threads still inside the connection after {} ms; its memory stays mapped",
                    TimeUnit.NANOSECONDS.toMillis(CLOSE_WAIT_NANOS));
            return;
        }
        PollGroup group = pollGroup;
        if (group != null) {
            group.close();
        }
        requests.close();
        events.close();
        // nobody is inside and nobody can enter: unmapping cannot pull memory from under a reader
        AnonymousMemory mapped = landing;
        if (mapped != null) {
            mapped.close();
        }
        control.close();
        setup.close();
    }

    @Override
    public String toString() {
        return "SocketConnection[" + info().responseName() + "]";
    }
}
