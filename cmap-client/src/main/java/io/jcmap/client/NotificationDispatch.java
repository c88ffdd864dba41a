package io.jcmap.client;

import io.jcmap.protocol.ErrnoException;
import io.jcmap.protocol.cmap.CodecException;
import io.jcmap.protocol.cmap.NotifyCallback;
import io.jcmap.protocol.ipc.IpcConnection;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The dispatch of a {@link ConnectedHandle} (cmap_dispatch(3) and its four types): reads its
 * notifications from the event channel on the caller's thread, one dispatching thread at a time,
 * and runs their listeners. It keeps the connections a loss left with notifications not taken
 * yet, and delivers theirs first (decision 0022).
 */
final class NotificationDispatch {
    /** Lost connections kept for their notifications; an older one is closed undispatched. */
    private static final int MAX_LOST_CONNECTIONS_KEPT = 2;
    /**
     * One wait of a waiting dispatch for an event, after which it looks at its interrupt status
     * (decision 0035): the transports wake every liveness slice (100 ms) anyway.
     */
    private static final long EVENT_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** How long a dispatch in a completion action waits at a time for the dispatch lock, between reads. */
    private static final long DISPATCH_LOCK_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final ConnectedHandle handle;
    /** The handle's, or null: it does not reconnect. */
    private final Reconnector reconnector;
    private final TrackRegistry tracks;
    /** The handle's monitor for a new session or its close, which a dispatch waiting for a session waits on. */
    private final Object sessionChange;
    /**
     * Connections found lost whose notifications dispatch has not taken yet, oldest first: they
     * ended requests only ({@link IpcConnection#endRequests}), and dispatch delivers what they
     * hold before it reports the loss, then closes them.
     */
    private final Deque<IpcConnection> lostConnections = new ArrayDeque<>();
    private final ReentrantLock dispatchLock = new ReentrantLock();
    // a flyweight used only by the thread holding the dispatch lock
    private final NotifyCallback notifyCallback = new NotifyCallback();

    NotificationDispatch(ConnectedHandle handle, Reconnector reconnector, TrackRegistry tracks,
                         Object sessionChange) {
        this.handle = handle;
        this.reconnector = reconnector;
        this.tracks = tracks;
        this.sessionChange = sessionChange;
    }

    /** Keeps a lost connection of a handle that tracks keys until dispatch has taken what it holds. */
    void keepForDispatch(IpcConnection broken) {
        List<IpcConnection> dropped = new ArrayList<>();
        synchronized (lostConnections) {
            lostConnections.addLast(broken);
            // an application that dispatches nothing through several outages loses the oldest
            while (lostConnections.size() > MAX_LOST_CONNECTIONS_KEPT) {
                dropped.add(lostConnections.pollFirst());
            }
        }
        dropped.forEach(IpcConnection::close);
        if (handle.isClosed()) {
            closeLostConnections(); // close() may have looked before we added it
        }
    }

    /** Closes a lost connection kept for dispatch (see {@link #keepForDispatch}), if it is kept. */
    private void forgetLost(IpcConnection connection) {
        boolean kept;
        synchronized (lostConnections) {
            kept = lostConnections.remove(connection);
        }
        if (kept) {
            connection.close();
        }
    }

    private IpcConnection oldestLostConnection() {
        synchronized (lostConnections) {
            return lostConnections.peekFirst();
        }
    }

    /**
     * The next notification a lost connection holds, or -1 once it holds none: then it is
     * closed and forgotten.
     */
    private int takeKept(IpcConnection lost) {
        int length;
        try {
            length = lost.receiveEvent(0);
        } catch (ErrnoException gone) {
            length = -1; // taken all it had
        }
        if (length < 0) {
            synchronized (lostConnections) {
                lostConnections.remove(lost);
            }
            lost.close();
        }
        return length;
    }

    /** Closes every lost connection kept, undispatched: the handle closes. */
    void closeLostConnections() {
        List<IpcConnection> all;
        synchronized (lostConnections) {
            all = new ArrayList<>(lostConnections);
            lostConnections.clear();
        }
        all.forEach(IpcConnection::close);
    }

    /** {@link CmapHandle#dispatch} of the handle, once it has checked that it is open. */
    int dispatch(DispatchType type) {
        if (type == null) {
            throw new CmapException(CsError.INVALID_PARAM, "dispatch: null type");
        }
        boolean waits = type == DispatchType.ONE || type == DispatchType.BLOCKING;
        if (waits && installsTheNextSession()) {
            // the thread holding the lock waits (or will) for the session only this thread installs,
            // or lets the reconnect start; it delivers what the lost connection kept
            if (!dispatchLock.tryLock()) {
                throw waitsForItself("another thread is dispatching, waiting for the new connection", null);
            }
        } else if (waits) {
            try {
                lockToDispatch();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the status stays, as for the calls (decision 0035)
                throw dispatchInterrupted();
            }
        } else if (!dispatchLock.tryLock()) {
            // another thread dispatches and runs what waits; these types never wait (libcmap's neither)
            if (type == DispatchType.ALL) {
                return 0;
            }
            throw new CmapException(CsError.TRY_AGAIN, "dispatch: another thread is dispatching");
        }
        try {
            return dispatchLocked(type);
        } finally {
            dispatchLock.unlock();
        }
    }

    /**
     * Takes the dispatch lock for a dispatch that waits. On a thread that others may wait for (it
     * runs a completion action, holding the reading, or holds the wire to start an iteration) it
     * reads and lets the wire go between short waits, as trackDelete's wait for a running
     * callback does: the thread dispatching may be waiting, in a listener, for an answer only this
     * one can read, or for a request the hold keeps back.
     */
    private void lockToDispatch() throws InterruptedException {
        Pipeline pipeline = handle.pipeline();
        if (!pipeline.othersMayWaitForThisThread()) {
            dispatchLock.lockInterruptibly();
            return;
        }
        while (!dispatchLock.tryLock(DISPATCH_LOCK_WAIT_NANOS, TimeUnit.NANOSECONDS)) {
            pipeline.whileWaitingForAnotherThread();
        }
    }

    private int dispatchLocked(DispatchType type) {
        boolean waits = type == DispatchType.ONE || type == DispatchType.BLOCKING;
        boolean justOne = type == DispatchType.ONE || type == DispatchType.ONE_NONBLOCKING;
        int ran = 0;
        while (!handle.isClosed()) {
            if (waits && Thread.currentThread().isInterrupted()) {
                throw dispatchInterrupted();
            }
            // what a lost connection had received comes first, then the live one's
            IpcConnection kept = oldestLostConnection();
            if (kept != null) {
                int length = takeKept(kept);
                if (length >= 0 && deliver(kept, length)) {
                    ran++;
                    if (justOne) {
                        return ran;
                    }
                }
                continue;
            }
            ConnectedHandle.Session current = handle.session();
            // broken while its notifications stay up (a protocol error): on a thread the new session waits
            // for, what it holds is delivered without waiting for more, then the wait would be for itself
            CmapException broken = waits ? current.pipeline().brokenReason() : null;
            boolean onlyWhatItHolds = broken != null && installsTheNextSession();
            int length;
            try {
                // a virtual thread waits without keeping its carrier (the transport parks it between looks)
                length = current.connection().receiveEvent(waits && !onlyWhatItHolds ? EVENT_WAIT_NANOS : 0);
            } catch (ErrnoException e) {
                if (handle.isClosed()) {
                    return ran;
                }
                // the pipeline fails the calls in flight with it too: it says where the loss was seen
                CmapException lost = CmapException.ofErrno(e.errno(), "connection lost, seen by dispatch: "
                        + e.getMessage(), e);
                current.pipeline().breakDown(lost);
                // this look found it empty and hung up: nothing is left in it for dispatch
                forgetLost(current.connection());
                if (reconnector == null) {
                    throw lost;
                }
                if (!waits) {
                    // while reconnecting nothing can be waiting
                    if (type == DispatchType.ALL) {
                        return ran;
                    }
                    throw new CmapException(CsError.TRY_AGAIN, "dispatch: reconnecting", lost);
                }
                if (installsTheNextSession()) {
                    // what the lost connection kept is delivered: now only a wait is left
                    throw waitsForItself("the connection is lost", lost);
                }
                awaitSessionAfter(current);
                continue;
            }
            if (length < 0) {
                if (handle.isClosed() || type == DispatchType.ALL) {
                    return ran;
                }
                if (type == DispatchType.ONE_NONBLOCKING) {
                    throw new CmapException(CsError.TRY_AGAIN, "dispatch: no notification waiting");
                }
                if (onlyWhatItHolds) {
                    throw waitsForItself("the connection broke down", broken);
                }
                continue;
            }
            if (deliver(current.connection(), length)) {
                ran++;
                if (justOne) {
                    return ran;
                }
            } else {
                current.pipeline().readWaiting(); // perhaps a tracking whose trackAdd timed out
            }
        }
        return ran;
    }

    /**
     * What ends a dispatch that waits (ONE, BLOCKING) once its thread is interrupted, at the
     * next notification or within a wait's slice (decision 0035); the status stays set.
     */
    private static CmapException dispatchInterrupted() {
        return new CmapException(CsError.INTERRUPT, "dispatch: interrupted");
    }

    /**
     * Whether a new session, after a loss, waits for this thread: it runs a reconnect round (in a
     * ReconnectListener callback), or it found the loss and runs the completion actions of the
     * requests it failed, and tells the reconnector only once they have returned.
     */
    private boolean installsTheNextSession() {
        return reconnector != null
                && (reconnector.isReconnectingThread() || handle.session().pipeline().breaksDownOnThisThread());
    }

    /**
     * What ends a dispatch that would wait for the new session on a thread that it waits for
     * ({@link #installsTheNextSession}): it would wait for itself, until the handle closed.
     */
    private CmapException waitsForItself(String why, CmapException cause) {
        String where = reconnector.isReconnectingThread() ? "on the thread that reconnects (a ReconnectListener"
                + " callback)" : "in a completion action run by the loss, which starts the reconnect once it returns";
        return new CmapException(CsError.TRY_AGAIN, "dispatch: reconnecting, " + why + "; called " + where
                + ", a waiting dispatch would wait for itself", cause);
    }

    /** Waits, while reconnecting, until a session other than {@code old} is installed or we close. */
    private void awaitSessionAfter(ConnectedHandle.Session old) {
        synchronized (sessionChange) {
            while (handle.session() == old && !handle.isClosed()) {
                try {
                    sessionChange.wait(TimeUnit.NANOSECONDS.toMillis(EVENT_WAIT_NANOS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CmapException(CsError.INTERRUPT, "dispatch: interrupted while reconnecting");
                }
            }
        }
    }

    /**
     * Decodes one notification and calls its listener; false when its tracking is gone. No
     * callback starts once {@link ConnectedHandle#trackDelete} has returned (decision 0020).
     */
    private boolean deliver(IpcConnection connection, int length) {
        TrackRegistry.Registration registration;
        TrackEvent kind;
        String key;
        CmapValue newValue;
        CmapValue oldValue;
        try {
            NotifyCallback event = notifyCallback.wrap(connection.event(), length);
            registration = tracks.byInstance(event.trackInstHandle());
            if (registration == null) {
                return false; // deleted meanwhile, as libcmap ignores it
            }
            kind = TrackEvent.ofEvent(event.event());
            key = event.keyName();
            newValue = CmapValue.decodeNullable(event.newValueType(), event.newValue(), 0, event.newValueLength());
            oldValue = CmapValue.decodeNullable(event.oldValueType(), event.oldValue(), 0, event.oldValueLength());
        } catch (CodecException e) {
            throw CmapException.ofCodec("dispatch", e);
        }
        return registration.runListener(handle.shown(), trackHandle -> new CmapNotification(trackHandle, kind, key, newValue,
                oldValue), handle.pipeline()::readIfReading);
    }
}
